"""The state file keeps each market's realized PnL; a file from before it had none loads."""

from __future__ import annotations

import json
from pathlib import Path

from touchline_bot.core import units
from touchline_bot.risk_service import rules, store


async def test_realized_pnl_round_trips_and_an_older_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "risk.json"
    realized = {"home": store.Realized("s2", units.Money(-30_000_000), units.Money(5))}
    saved = store.Persisted(units.Money(7), rules.Halt(), realized)
    await store.FileStore(path).save(saved)
    assert await store.FileStore(path).load() == saved
    data = json.loads(path.read_text())
    del data["realized"]
    path.write_text(json.dumps(data))
    loaded = await store.FileStore(path).load()
    assert loaded is not None
    assert loaded.realized == {}
