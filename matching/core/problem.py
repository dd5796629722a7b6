"""The instance reduced to what the solver works on: feasible pairs with their prices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.core.costs import Weights, pair_costs, weight_scale
from matching.core.feasibility import (
    Compiled,
    FloatArray,
    IntArray,
    Pairs,
    candidate_pairs,
    compile_instance,
)
from matching.core.instance import Instance


@dataclass(frozen=True, slots=True)
class Problem:
    """The instance reduced to candidate pairs with gains; shared by solver and explainer."""

    compiled: Compiled
    pairs: Pairs
    cost: FloatArray  # secondary cost per pair
    gain: FloatArray  # scale * weight - cost per pair
    scale: float
    endx: IntArray  # per request: end + gap (occupied interval is [start, endx))
    r_ptr: IntArray  # pairs of request r are r_ptr[r]:r_ptr[r + 1]


def build_problem(instance: Instance, weights: Weights) -> Problem:
    """Compile the instance, list its feasible pairs and price them (see :mod:`costs`)."""
    c = compile_instance(instance)
    pairs = candidate_pairs(c)
    cost = pair_costs(
        weights,
        pairs.travel_km,
        c.i_hours[pairs.interpreter],
        c.r_previous[pairs.request] == pairs.interpreter,
    )
    scale = weight_scale(cost, c.n_requests)
    gain = scale * c.r_weight[pairs.request].astype(np.float64) - cost
    r_ptr = np.searchsorted(pairs.request, np.arange(c.n_requests + 1))
    return Problem(
        compiled=c,
        pairs=pairs,
        cost=cost,
        gain=gain,
        scale=scale,
        endx=c.r_end + c.gap_us,
        r_ptr=r_ptr.astype(np.int64),
    )
