"""Item 18: ``touchline config check`` on a few hundred bytes of nested YAML aliases (a
"billion laughs") refuses the file at once with a short error, instead of expanding it for a minute
and half a gigabyte."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

EXIT_SECS = 30.0


def _bomb() -> str:
    lines = ['a0: &a0 ["laugh", "laugh", "laugh", "laugh", "laugh", "laugh", "laugh", "laugh"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 8)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "markets: *a8\n" + "\n".join(lines) + "\n"


async def test_nested_aliases_are_refused_at_once_with_a_short_error(tmp_path: Path) -> None:
    bomb = tmp_path / "markets.yaml"
    bomb.write_text(_bomb())
    assert bomb.stat().st_size < 1_000
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "touchline_bot.cli", "config", "check", str(bomb),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(proc.communicate(), EXIT_SECS)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 2, (out[-500:], err[-500:])
    said = err.decode()
    assert "anchors and aliases are not allowed" in said
    assert "Traceback" not in said
    assert len(said) < 1_000
