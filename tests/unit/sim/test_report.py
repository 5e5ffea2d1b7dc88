"""The run report's chart is the optional ``report`` extra: drawn when matplotlib is installed,
skipped with one line naming the extra when it is not (the image leaves matplotlib out)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from touchline_bot.sim import recorder, report


def _recorded() -> recorder.Recorder:
    rec = recorder.Recorder()
    for second in range(3):
        rec.sample(
            "m",
            recorder.Sample(
                ts_ms=second * 1000, fair=500_000, true_fair=500_000, poly_mid=500_000,
                kalshi_mid=490_000, bid=480_000, ask=520_000, position_qty=0, pnl=0,
                exposure=0, exposure_limit=1_000_000, state="QUOTING", reason="",
            ),
        )  # fmt: skip
    return rec


def test_the_chart_is_drawn_when_the_extra_is_installed(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    report.write_chart(tmp_path / "run.png", _recorded(), start_ms=0)
    assert (tmp_path / "run.png").read_bytes().startswith(b"\x89PNG")


def test_without_matplotlib_the_chart_is_skipped_with_one_line_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry makes `import matplotlib` raise ImportError, as on an image without it.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(report.ChartUnavailableError) as caught:
        report.write_chart(tmp_path / "run.png", _recorded(), start_ms=0)
    message = str(caught.value)
    assert "\n" not in message
    assert "touchline[report]" in message
    assert not (tmp_path / "run.png").exists()
