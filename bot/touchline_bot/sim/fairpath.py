"""The fair probability of each outcome over time, from a scenario: drift, jumps and seeded
noise, evaluated as a pure function of the match clock (so every simulator and the scenario
report agree on the truth at every instant).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from touchline_bot.core import units
from touchline_bot.sim import scenario as scenario_model

STEP_SECS = 1.0
"""Noise is a random walk sampled every second of match clock."""


@dataclass(frozen=True)
class FairPath:
    """Precomputed path of one outcome, one value per second of match clock."""

    values: tuple[units.Price, ...]

    def at(self, secs: float) -> units.Price:
        """The fair price at ``secs`` from the scenario start (clamped to the path)."""
        index = min(max(0, int(secs / STEP_SECS)), len(self.values) - 1)
        return self.values[index]


def _deterministic(path: scenario_model.OutcomePath, secs: float) -> float:
    value = float(path.start)
    drifts = sorted(path.drifts, key=lambda d: d.at_secs)
    jumps = sorted(path.jumps, key=lambda j: j.at_secs)
    last = 0.0
    rate = 0.0
    events = sorted(
        [(d.at_secs, "drift", d) for d in drifts] + [(j.at_secs, "jump", j) for j in jumps],
        key=lambda e: (e[0], e[1]),
    )
    for at_secs, kind, item in events:
        if at_secs > secs:
            break
        value += rate * (at_secs - last) / 60.0
        last = at_secs
        if isinstance(item, scenario_model.Drift):
            rate = float(item.per_min)
        elif kind == "jump" and isinstance(item, scenario_model.Jump):
            value = float(item.to)
    return value + rate * (secs - last) / 60.0


def build(
    path: scenario_model.OutcomePath,
    *,
    duration_secs: float,
    noise: scenario_model.Noise,
    salt: str,
) -> FairPath:
    """Sample the path every second, adding a seeded random walk; clamped to [0.01, 0.99]."""
    rng = random.Random(f"{noise.seed}:{salt}")  # noqa: S311 - seeded simulation, not security
    sigma = float(noise.sigma_per_sqrt_min) * math.sqrt(STEP_SECS / 60.0)
    walk = 0.0
    values = []
    for i in range(int(duration_secs / STEP_SECS) + 1):
        secs = i * STEP_SECS
        walk += rng.gauss(0.0, sigma)
        prob = min(0.99, max(0.01, _deterministic(path, secs) + walk))
        values.append(units.Price(round(prob * units.PRICE_SCALE)))
    return FairPath(tuple(values))


def build_all(scn: scenario_model.Scenario) -> dict[str, FairPath]:
    """Paths of every outcome of a scenario."""
    return {
        name: build(path, duration_secs=scn.duration_secs, noise=scn.noise, salt=name)
        for name, path in scn.outcomes.items()
    }
