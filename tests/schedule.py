"""Matches scheduled relative to a test's own clock, never on a calendar date.

The shipped ``config/markets_soccer.yaml`` is an example: its match (a fixed Saturday) is over
some day, and a bot run against it on the wall clock then goes straight to DONE. A test that
needs a match to come writes a copy whose kickoff is ``kickoff_in_ms`` after the ``now_ms`` it
is given (the clock the bot will run on), so it means the same on any day — and under
``faketime`` with the clock 400 days ahead (``make test-shifted-clock``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CONFIG = REPO / "config" / "markets_soccer.yaml"
MINUTE_MS = 60_000
KICKOFF_IN_MS = 60 * MINUTE_MS
"""An hour ahead: a bot stays PREMATCH (the phase the tests' parameters are for) throughout."""
MATCH_MS = 115 * MINUTE_MS
"""Kickoff to scheduled end, as the shipped match (15:00 to 16:55)."""

_TIME_FIELD = re.compile(r'^(\s*(start_time_utc|scheduled_end_time_utc):\s*)"[^"]*"', re.MULTILINE)


def iso_utc(ms: int) -> str:
    """Unix milliseconds as the markets file writes a time (``2026-11-28T15:00:00Z``)."""
    at = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def rescheduled(text: str, *, kickoff_ms: int, match_ms: int = MATCH_MS) -> str:
    """A markets file's text with every market's start and scheduled end replaced."""
    times = {
        "start_time_utc": iso_utc(kickoff_ms),
        "scheduled_end_time_utc": iso_utc(kickoff_ms + match_ms),
    }
    out, count = _TIME_FIELD.subn(lambda m: f'{m.group(1)}"{times[m.group(2)]}"', text)
    assert count >= 2, "no start_time_utc / scheduled_end_time_utc to reschedule"
    return out


def reschedule_market(
    path: Path, market_id: str, *, kickoff_ms: int, match_ms: int = MATCH_MS
) -> None:
    """Move one market of the file at ``path`` (its ``- id:`` entry, up to the next) to
    ``kickoff_ms``; the others keep their times."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {market_id}\n")
    end = text.find("\n  - id: ", start)
    end = len(text) if end < 0 else end
    entry = rescheduled(text[start:end], kickoff_ms=kickoff_ms, match_ms=match_ms)
    path.write_text(text[:start] + entry + text[end:], encoding="utf-8")


def write_markets_file(
    workdir: Path,
    *,
    now_ms: int,
    kickoff_in_ms: int = KICKOFF_IN_MS,
    match_ms: int = MATCH_MS,
    source: Path = SHIPPED_CONFIG,
) -> Path:
    """Copy ``source`` (and the ``rules/`` beside it) into ``workdir``, its match moved to
    ``now_ms + kickoff_in_ms`` (negative: already kicked off); returns the new file's path."""
    rules = source.parent / "rules"
    if rules.is_dir():
        shutil.copytree(rules, workdir / "rules", dirs_exist_ok=True)
    target = workdir / source.name
    text = source.read_text(encoding="utf-8")
    target.write_text(
        rescheduled(text, kickoff_ms=now_ms + kickoff_in_ms, match_ms=match_ms), encoding="utf-8"
    )
    return target
