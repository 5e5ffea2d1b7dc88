"""A bot pod reads the ConfigMap the operator renders: the same market, validated the same way
as the markets file it came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from touchline_bot import config
from touchline_bot.config import pod
from touchline_operator import fleet, models, render, to_crs

SHIPPED = Path(__file__).resolve().parents[3] / "config" / "markets_soccer.yaml"


def _rendered_dir(tmp_path: Path, index: int) -> Path:
    manifest = to_crs.to_crs(SHIPPED)[index]
    market = render.Market(
        name=manifest["metadata"]["name"],
        namespace="touchline",
        spec=models.parse_spec(manifest["spec"]),
        owner=render.Owner(manifest["metadata"]["name"], "uid-1"),
    )
    data = render.config_map(market, fleet.Fleet())["data"]
    for name in (pod.MARKET_FILE, pod.PARAMS_FILE):
        (tmp_path / name).write_text(data[name])
    return tmp_path


@pytest.mark.parametrize("index", [0, 1, 2])
def test_pod_config_resolves_to_the_same_market_as_the_file(tmp_path: Path, index: int) -> None:
    resolved, raw = pod.load_dir(_rendered_dir(tmp_path, index))
    expected = config.load(SHIPPED).markets[index]
    assert resolved.spec == expected.spec
    assert resolved.strategy == expected.strategy
    assert resolved.market.polymarket.token_id == expected.market.polymarket.token_id
    assert raw["leaseName"].startswith("tl-market-")


def test_unreadable_pod_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / pod.MARKET_FILE).write_text("{not json")
    (tmp_path / pod.PARAMS_FILE).write_text("{}")
    with pytest.raises(config.ConfigError, match="unreadable pod config"):
        pod.load_dir(tmp_path)
