"""Reference solutions: the exact optimum (MILP) and a first-come-first-served greedy.

Both read the raw instance document and use :mod:`bench.checker` for feasibility, never the
engine's masks, so they are independent references.

* :func:`exact` - ``scipy.optimize.milp`` (HiGHS) with binary ``x[r, i]`` over feasible pairs,
  one interpreter per request, and per interpreter one clique constraint per request start
  (all its feasible requests whose ``[start, end + gap)`` contains that instant), which
  forbids every time conflict of the interpreter. Lexicographic: first maximise filled
  weight, then with the weight fixed minimise in-person travel km.
* :func:`greedy` - what coordinators do today: take requests in arrival (document) order and
  give each the nearest interpreter who can still take it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from bench.checker import WEIGHTS, km_between, pair_violations


@dataclass(frozen=True)
class Reference:
    """A reference solution: assignments (request -> interpreter) and its figures."""

    assignments: dict[str, str]
    weight: int
    travel_km: float
    seconds: float
    optimal: bool


def _us(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def feasible_pairs(doc: dict[str, Any]) -> list[tuple[int, int, float]]:
    """All (request index, interpreter index, travel km) pairs passing the checker."""
    gap = doc.get("gap_minutes", 0)
    speakers: dict[str, list[int]] = {}
    for k, it in enumerate(doc["interpreters"]):
        for code in it["languages"]:
            speakers.setdefault(code, []).append(k)
    out = []
    for r, req in enumerate(doc["requests"]):
        for i in speakers.get(req["language"], []):
            it = doc["interpreters"][i]
            if not pair_violations(req, it, gap):
                km = km_between(it["home"], req["location"]) if req["mode"] == "in_person" else 0.0
                out.append((r, i, km))
    return out


def exact(doc: dict[str, Any], *, time_limit: float = 120.0) -> Reference:
    """The lexicographic optimum (weight, then travel) by MILP."""
    started = time.perf_counter()
    reqs = doc["requests"]
    gap_s = doc.get("gap_minutes", 0) * 60
    pairs = feasible_pairs(doc)
    n = len(pairs)
    if n == 0:
        return Reference({}, 0, 0.0, time.perf_counter() - started, True)
    starts = [_us(r["start"]) for r in reqs]
    ends = [_us(r["end"]) + gap_s for r in reqs]
    rows: list[int] = []
    cols: list[int] = []
    n_rows = 0
    for k, (r, _, _) in enumerate(pairs):  # one interpreter per request
        rows.append(r)
        cols.append(k)
    n_rows = len(reqs)
    by_interp: dict[int, list[int]] = {}
    for k, (_, i, _) in enumerate(pairs):
        by_interp.setdefault(i, []).append(k)
    seen: set[tuple[int, ...]] = set()
    for ks in by_interp.values():
        for a in ks:
            t = starts[pairs[a][0]]
            clique = tuple(b for b in ks if starts[pairs[b][0]] <= t < ends[pairs[b][0]])
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                rows.extend([n_rows] * len(clique))
                cols.extend(clique)
                n_rows += 1
    a_matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_rows, n)).tocsr()
    weight = np.asarray([WEIGHTS[reqs[r]["priority"]] for r, _, _ in pairs], dtype=float)
    travel = np.asarray([km for _, _, km in pairs], dtype=float)
    base = [LinearConstraint(a_matrix, -np.inf, 1.0)]
    integrality = np.ones(n)
    bounds = Bounds(0, 1)
    first = milp(
        -weight,
        constraints=base,
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit},
    )
    if first.x is None:
        raise RuntimeError(f"MILP failed: {first.message}")
    best_weight = round(-first.fun)
    second = milp(
        travel,
        constraints=[*base, LinearConstraint(weight[None, :], best_weight - 0.5, np.inf)],
        integrality=integrality,
        bounds=bounds,
        options={"time_limit": time_limit},
    )
    x = second.x if second.x is not None else first.x
    chosen = np.flatnonzero(x > 0.5)
    assignments = {reqs[pairs[k][0]]["id"]: doc["interpreters"][pairs[k][1]]["id"] for k in chosen}
    return Reference(
        assignments=assignments,
        weight=int(round(weight[chosen].sum())),
        travel_km=float(travel[chosen].sum()),
        seconds=time.perf_counter() - started,
        optimal=bool(first.status == 0 and second.status == 0),
    )


def greedy(doc: dict[str, Any]) -> Reference:
    """First come, first served: each request in turn gets the nearest free interpreter."""
    started = time.perf_counter()
    gap = doc.get("gap_minutes", 0)
    interps = doc["interpreters"]
    speakers: dict[str, list[int]] = {}
    for k, it in enumerate(interps):
        for code in it["languages"]:
            speakers.setdefault(code, []).append(k)
    taken: dict[int, list[tuple[float, float]]] = {}
    assignments: dict[str, str] = {}
    weight, travel = 0, 0.0
    for req in doc["requests"]:
        s, e = _us(req["start"]), _us(req["end"])
        options = []
        for i in speakers.get(req["language"], []):
            it = interps[i]
            km = km_between(it["home"], req["location"]) if req["mode"] == "in_person" else 0.0
            if req["mode"] == "in_person" and km > it["max_travel_km"]:
                continue
            options.append((km, it["id"], i))
        options.sort()
        for km, ident, i in options:
            if any(s < te + gap * 60 and ts < e + gap * 60 for ts, te in taken.get(i, [])):
                continue
            if pair_violations(req, interps[i], gap):
                continue
            taken.setdefault(i, []).append((s, e))
            assignments[req["id"]] = ident
            weight += WEIGHTS[req["priority"]]
            travel += km
            break
    return Reference(assignments, weight, travel, time.perf_counter() - started, False)


def reference_travel(doc: dict[str, Any], assignments: dict[str, str]) -> float:
    """Total in-person km of a set of assignments."""
    reqs = {r["id"]: r for r in doc["requests"]}
    interps = {i["id"]: i for i in doc["interpreters"]}
    total = 0.0
    for r, i in assignments.items():
        if reqs[r]["mode"] == "in_person":
            total += km_between(interps[i]["home"], reqs[r]["location"])
    return total if math.isfinite(total) else 0.0
