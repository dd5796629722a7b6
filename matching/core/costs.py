"""The objective's weights, in one documented, configurable place.

The contract fixes the order: most filled priority weight first, then everything else.
The engine turns this into one scalar *gain* per feasible pair::

    gain(r, i) = scale * weight(r) - cost(r, i)
    cost(r, i) = travel_per_km * travel_km(r, i)          # in-person travel only
               + per_recent_hour * hours_last_30_days(i)  # fair spread of work
               - continuity_bonus * [i is r's previous interpreter]

``scale`` is chosen per instance larger than the total spread of ``cost`` over all requests,
so that no secondary saving can ever outweigh one more unit of priority weight: the
secondary terms only break ties between solutions of equal filled weight.

All cost parts are in "km-equivalents": with the defaults, keeping the previous
interpreter is worth 15 km of travel, and 10 hours of recent work weigh like 2 km.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the secondary objective (all >= 0, in km-equivalents)."""

    #: Cost per km of great-circle travel from home to an in-person appointment.
    travel_per_km: float = 1.0
    #: Bonus for assigning the request's ``previous_interpreter`` (continuity).
    continuity_bonus: float = 15.0
    #: Cost per hour the interpreter worked in the last 30 days (fair spread of work).
    per_recent_hour: float = 0.2

    def __post_init__(self) -> None:
        for name in ("travel_per_km", "continuity_bonus", "per_recent_hour"):
            value = getattr(self, name)
            if not (value >= 0 and np.isfinite(value)):
                raise ValueError(f"{name} must be a finite number >= 0")


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True, slots=True)
class CostParts:
    """The secondary cost of one pair, split into its parts (for explanations)."""

    travel_km: float
    travel: float
    fairness: float
    continuity: float

    @property
    def total(self) -> float:
        """The pair's secondary cost (lower is better)."""
        return self.travel + self.fairness + self.continuity

    def to_json(self) -> dict[str, float]:
        """Rounded, JSON-ready form."""
        return {
            "travel_km": round(self.travel_km, 1),
            "travel": round(self.travel, 3),
            "fairness": round(self.fairness, 3),
            "continuity": round(self.continuity, 3),
            "total": round(self.total, 3),
        }


def pair_costs(
    weights: Weights,
    travel_km: NDArray[np.float64],
    hours: NDArray[np.float64],
    is_previous: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """Secondary cost of each pair (vectorised over pairs)."""
    return (
        weights.travel_per_km * travel_km
        + weights.per_recent_hour * hours
        - weights.continuity_bonus * is_previous.astype(np.float64)
    )


def cost_parts(weights: Weights, travel_km: float, hours: float, is_previous: bool) -> CostParts:
    """The cost of one pair, split into its parts."""
    return CostParts(
        travel_km=travel_km,
        travel=weights.travel_per_km * travel_km,
        fairness=weights.per_recent_hour * hours,
        continuity=-weights.continuity_bonus if is_previous else 0.0,
    )


def weight_scale(costs: NDArray[np.float64], n_requests: int) -> float:
    """A priority scale large enough that weight strictly dominates all secondary costs."""
    if len(costs) == 0:
        return 1.0
    spread = float(costs.max() - min(float(costs.min()), 0.0))
    return (spread + 1.0) * (n_requests + 1) + float(costs.max())
