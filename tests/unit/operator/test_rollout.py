"""Fleet rollouts go in batches, skip bots in play unless forced, and stop at a failed batch."""

from __future__ import annotations

import pytest

from touchline_operator import rollout as r

NEW = "rev-2"


def _t(name: str, *, rev: str = "rev-1", restart: bool = True, in_play: bool = False,
       forced: bool = False) -> r.Target:  # fmt: skip
    return r.Target(name=name, revision=rev, needs_restart=restart, in_play=in_play, forced=forced)


@pytest.mark.parametrize(
    ("targets", "batch_size", "force", "batches", "deferred", "up_to_date"),
    [
        pytest.param([_t(f"m{i:02d}") for i in range(5)], 2, False,
                     (("m00", "m01"), ("m02", "m03"), ("m04",)), (), (), id="batches-of-two"),
        pytest.param([_t("b"), _t("a"), _t("c")], 5, False, (("a", "b", "c"),), (), (),
                     id="sorted-single-batch"),
        pytest.param([_t("a", rev=NEW), _t("b")], 5, False, (("b",),), (), ("a",),
                     id="current-markets-left-alone"),
        pytest.param([_t("a", in_play=True), _t("b")], 5, False, (("b",),), ("a",), (),
                     id="in-play-restart-deferred"),
        pytest.param([_t("a", in_play=True, forced=True)], 5, False, (("a",),), (), (),
                     id="market-forces-restart-in-play"),
        pytest.param([_t("a", in_play=True)], 5, True, (("a",),), (), (),
                     id="rollout-forces-restart-in-play"),
        pytest.param([_t("a", in_play=True, restart=False)], 5, False, (("a",),), (), (),
                     id="params-only-change-reaches-in-play"),
        pytest.param([], 3, False, (), (), (), id="empty-fleet"),
    ],
)  # fmt: skip
def test_plan(
    targets: list[r.Target],
    batch_size: int,
    force: bool,
    batches: tuple[tuple[str, ...], ...],
    deferred: tuple[str, ...],
    up_to_date: tuple[str, ...],
) -> None:
    p = r.plan(targets, revision=NEW, batch_size=batch_size, force_in_play=force)
    assert (p.batches, p.deferred, p.up_to_date) == (batches, deferred, up_to_date)
    assert p.total == sum(len(b) for b in batches)


def test_plan_of_twenty_in_batches_of_five_has_four_batches() -> None:
    p = r.plan([_t(f"m{i:02d}") for i in range(20)], revision=NEW, batch_size=5)
    assert [len(b) for b in p.batches] == [5, 5, 5, 5]


def test_plan_refuses_a_zero_batch_size() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        r.plan([], revision=NEW, batch_size=0)


HEALTHY = r.MarketView(revision=NEW, ready=True, config_applied=True, degraded=False)
PENDING = r.MarketView(revision=NEW, ready=False, config_applied=False, degraded=False)
OLD = r.MarketView(revision="rev-1", ready=True, config_applied=True, degraded=False)
CRASHING = r.MarketView(revision=NEW, ready=False, config_applied=False, degraded=False,
                        restarts_failing=True)  # fmt: skip
DEGRADED = r.MarketView(revision=NEW, ready=False, config_applied=True, degraded=True)


@pytest.mark.parametrize(
    ("views", "elapsed", "verdict", "names"),
    [
        pytest.param({"a": HEALTHY, "b": HEALTHY}, 1.0, r.Verdict.NEXT, (), id="all-healthy-next"),
        pytest.param({"a": HEALTHY, "b": PENDING}, 1.0, r.Verdict.WAIT, ("b",), id="pending-wait"),
        pytest.param({"a": HEALTHY, "b": OLD}, 1.0, r.Verdict.WAIT, ("b",),
                     id="old-revision-is-pending"),
        pytest.param({"a": HEALTHY}, 1.0, r.Verdict.WAIT, ("b",), id="unseen-is-pending"),
        pytest.param({"a": HEALTHY, "b": CRASHING}, 1.0, r.Verdict.STOP, ("b",),
                     id="crash-loop-stops"),
        pytest.param({"a": DEGRADED, "b": PENDING}, 1.0, r.Verdict.STOP, ("a",),
                     id="degraded-stops"),
        pytest.param({"a": HEALTHY, "b": PENDING}, 60.0, r.Verdict.STOP, ("b",),
                     id="timeout-stops"),
    ],
)  # fmt: skip
def test_judge_batch(
    views: dict[str, r.MarketView], elapsed: float, verdict: r.Verdict, names: tuple[str, ...]
) -> None:
    assert r.judge(views, ["a", "b"], revision=NEW, elapsed_secs=elapsed, timeout_secs=60.0) == (
        verdict,
        names,
    )
