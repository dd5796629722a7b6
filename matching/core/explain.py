"""Reasons, hints and "why" for a solved instance, as stable codes with structured numbers.

* :func:`reasons_for` - why a request stayed unfilled: every hard constraint that rules out
  at least one interpreter speaking the language (``level_too_low``, ``mode_not_offered``,
  ``too_far``, ``not_available``, ``gender_preference``, ``client_excluded``,
  ``no_child_clearance``, ``topic_declined``, and the extension ``interpreter_excluded``:
  the interpreter declined this request, let its offer expire or was excluded by a
  coordinator), ``no_interpreter_for_language`` when nobody
  speaks it, and ``all_candidates_taken`` when some interpreter was feasible but is
  committed at that time to requests the objective preferred.
* :func:`hints_for` - the changes that would fill it, each counting interpreters who are free
  at that time and fail only the relaxed constraint:

  ``change_mode``          ``{"mode": "video"}``  - "2 interpreters available by video"
  ``extend_radius``        ``{"distance_km": 31.0, "max_travel_km": 25.0}`` (the nearest)
  ``lower_min_level``      ``{"level": "A2"}`` (the best level among them)
  ``drop_gender_preference``
  ``change_time``          interpreters who fail only availability / busy time

  Exclusions (of clients, and of interpreters by the request), child clearance and declined
  topics are personal or legal limits: they are never suggested as changes, and an
  interpreter they rule out is never counted in a hint.
* :func:`explain_assignment` - the chosen interpreter's cost parts, codes
  (``only_candidate``, ``lowest_cost``, ``previous_interpreter``) and the runner-up with why
  it lost (``taken`` at that time, ``higher_cost``, or ``kept_free`` for another request).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from matching.core.costs import Weights, cost_parts
from matching.core.feasibility import (
    PAIR_CODES,
    BoolArray,
    IntArray,
    pair_violations,
    schedule_index,
)
from matching.core.feasibility import constraint_masks as _masks
from matching.core.instance import LEVELS, MODES
from matching.core.problem import Problem
from matching.core.result import REASON_CODES, Hint

_EPS = 1e-6


class Occupancy:
    """The interpreters' committed time after solving (assignments, gap included)."""

    def __init__(self, p: Problem, chosen: IntArray) -> None:
        self.c = p.compiled
        self.chosen = chosen
        assigned = np.flatnonzero(chosen >= 0)
        self.index = schedule_index(self.c, assigned, p.pairs.interpreter[chosen[assigned]])
        self.owner_of = np.full(len(chosen), -1, dtype=np.int64)
        self.owner_of[assigned] = p.pairs.interpreter[chosen[assigned]]

    def clashes(self, request: int, interpreters: IntArray) -> BoolArray:
        """Whether each interpreter has another assignment too close to ``request``."""
        who = np.asarray(interpreters, dtype=np.int64)
        k = len(who)
        hit = self.index.overlaps(
            who,
            np.full(k, self.c.r_start_rank[request], dtype=np.int64),
            np.full(k, self.c.r_endx_rank[request], dtype=np.int64),
        )
        # a request's own assignment is not a clash with itself: check the others only
        own = who == self.owner_of[request]
        if own.any():
            hit[own] = self._clashes_without(request, int(self.owner_of[request]))
        return hit

    def _clashes_without(self, request: int, interpreter: int) -> bool:
        s, x = self.c.r_start[request], self.c.r_end[request] + self.c.gap_us
        for q in np.flatnonzero(self.owner_of == interpreter):
            if q != request and self.c.r_start[q] < x and s < self.c.r_end[q] + self.c.gap_us:
                return True
        return False


_CODE_BIT = {code: 1 << j for j, code in enumerate(REASON_CODES)}
_PAIR_BITS = np.asarray([_CODE_BIT[code] for code in PAIR_CODES], dtype=np.int64)


def _codes(bits: int) -> tuple[str, ...]:
    return tuple(code for code in REASON_CODES if bits & _CODE_BIT[code])


def reasons_for(p: Problem, requests: IntArray) -> dict[int, tuple[str, ...]]:
    """Reason codes (contract order) for unfilled requests, by sorted request index.

    Vectorised over all given requests at once: flat pairs of each request x the speakers of
    its language with a violation bit set per pair, OR-reduced per request.
    """
    c = p.compiled
    requests = np.sort(np.asarray(requests, dtype=np.int64))
    if len(requests) == 0:
        return {}
    pr, pair_bits = pair_violations(c, requests)
    # translate PAIR_CODES bit j into the REASON_CODES bit of that code
    bits = np.zeros(len(pr), dtype=np.int64)
    for j, reason_bit in enumerate(_PAIR_BITS.tolist()):
        bits |= ((pair_bits >> j) & 1) * reason_bit
    per_request = np.full(len(requests), _CODE_BIT["no_interpreter_for_language"], dtype=np.int64)
    if len(pr):
        first = np.flatnonzero(np.r_[True, pr[1:] != pr[:-1]])
        where = np.searchsorted(requests, pr[first])
        reduced = np.bitwise_or.reduceat(bits, first)
        free = np.minimum.reduceat(bits, first) == 0  # some speaker violates nothing
        per_request[where] = reduced | np.where(free, _CODE_BIT["all_candidates_taken"], 0)
    cache: dict[int, tuple[str, ...]] = {}
    out: dict[int, tuple[str, ...]] = {}
    for r, b in zip(requests.tolist(), per_request.tolist(), strict=True):
        codes = cache.get(b)
        if codes is None:
            codes = cache[b] = _codes(b)
        out[r] = codes
    return out


def hints_for(p: Problem, request: int, occupancy: Occupancy) -> tuple[Hint, ...]:
    """Changes that would fill an unfilled request, as structured hints."""
    c = p.compiled
    cols, masks, km = _masks(c, request)
    if len(cols) == 0:
        return ()
    free = ~occupancy.clashes(request, cols)
    n_violated = np.zeros(len(cols), dtype=np.int64)
    for code in PAIR_CODES:
        n_violated += masks[code]
    hints: list[Hint] = []

    only_far = (n_violated == 1) & masks["too_far"] & free
    if only_far.any():
        k = np.flatnonzero(only_far)
        nearest = k[np.lexsort((cols[k], km[k]))[0]]
        hints.append(
            Hint(
                "extend_radius",
                int(only_far.sum()),
                {
                    "distance_km": round(float(km[nearest]), 1),
                    "max_travel_km": float(c.i_max_km[cols[nearest]]),
                },
            )
        )

    only_level = (n_violated == 1) & masks["level_too_low"] & free
    if only_level.any():
        _, levels = c.speakers[int(c.r_lang[request])]
        hints.append(
            Hint(
                "lower_min_level",
                int(only_level.sum()),
                {"level": LEVELS[int(levels[only_level].max())]},
            )
        )

    own_mode = int(c.r_mode[request])
    others = np.zeros(len(cols), dtype=bool)
    for code in PAIR_CODES:
        if code not in ("mode_not_offered", "too_far"):
            others |= masks[code]
    for m, mode in enumerate(MODES):
        if m == own_mode or mode == "in_person":
            continue
        ok = c.i_modes[cols, m] & ~others & free
        if ok.any():
            hints.append(Hint("change_mode", int(ok.sum()), {"mode": mode}))

    only_gender = (n_violated == 1) & masks["gender_preference"] & free
    if only_gender.any():
        hints.append(Hint("drop_gender_preference", int(only_gender.sum())))

    only_time = (n_violated == 1) & masks["not_available"]
    if only_time.any():
        hints.append(Hint("change_time", int(only_time.sum())))
    return tuple(hints)


def explain_assignment(
    p: Problem, weights: Weights, chosen: IntArray, request: int, occupancy: Occupancy
) -> dict[str, Any]:
    """Why this interpreter: cost parts, codes and the runner-up (structured, no prose)."""
    c = p.compiled
    e = int(chosen[request])
    lo, hi = int(p.r_ptr[request]), int(p.r_ptr[request + 1])
    pi = p.pairs.interpreter

    def parts(f: int) -> dict[str, float]:
        i = int(pi[f])
        return cost_parts(
            weights,
            float(p.pairs.travel_km[f]),
            float(c.i_hours[i]),
            bool(c.r_previous[request] == i),
        ).to_json()

    codes: list[str] = []
    if hi - lo == 1:
        codes.append("only_candidate")
    elif p.cost[e] <= p.cost[lo:hi].min() + _EPS:
        codes.append("lowest_cost")
    if c.r_previous[request] == pi[e]:
        codes.append("previous_interpreter")

    runner_up: dict[str, Any] | None = None
    others = [f for f in range(lo, hi) if f != e]
    if others:
        f = min(others, key=lambda k: (p.cost[k], int(pi[k])))
        if occupancy.clashes(request, pi[f : f + 1])[0]:
            why_not = "taken"
        elif p.cost[f] >= p.cost[e] - _EPS:
            why_not = "higher_cost"
        else:
            why_not = "kept_free"
        runner_up = {
            "interpreter": c.interpreter_ids[int(pi[f])],
            "code": why_not,
            "cost": parts(f),
        }
    return {
        "candidates": hi - lo,
        "codes": codes,
        "cost": parts(e),
        "runner_up": runner_up,
    }
