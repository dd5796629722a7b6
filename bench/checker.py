"""An independent checker of results against the contract's hard constraints.

Deliberately shares no code with :mod:`matching.core`: it reads the raw instance document
(dicts, ISO strings) and checks every assignment with plain Python (``datetime``,
``math``), pair by pair, so a bug in the engine's vectorised masks cannot hide itself.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from typing import Any

LEVEL_ORDER = ["A1", "A2", "B1", "B2", "C1", "C2", "native"]
WEIGHTS = {"normal": 1, "urgent": 2, "critical": 4}


def km_between(a: dict[str, float], b: dict[str, float]) -> float:
    """Haversine great-circle distance in km (Earth radius 6371.0 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value)


def pair_violations(req: dict[str, Any], interp: dict[str, Any], gap_minutes: float) -> list[str]:
    """Every per-pair hard constraint the pair violates (empty list = feasible pair)."""
    bad: list[str] = []
    level = interp["languages"].get(req["language"])
    if level is None:
        bad.append("language")
    elif LEVEL_ORDER.index(level) < LEVEL_ORDER.index(req.get("min_level", "B1")):
        bad.append("level")
    if req["mode"] not in interp["modes"]:
        bad.append("mode")
    if (
        req["mode"] == "in_person"
        and km_between(interp["home"], req["location"]) > interp["max_travel_km"]
    ):
        bad.append("distance")
    start, end = _t(req["start"]), _t(req["end"])
    if not any(_t(w["start"]) <= start and end <= _t(w["end"]) for w in interp["availability"]):
        bad.append("availability")
    gap = gap_minutes * 60
    for b in interp.get("busy", []):
        bs, be = _t(b["start"]), _t(b["end"])
        if max((bs - end).total_seconds(), (start - be).total_seconds()) < gap:
            bad.append("busy")
            break
    pref = req.get("gender_preference")
    if pref is not None and interp.get("gender") != pref:
        bad.append("gender")
    if req.get("client_ref") is not None and req["client_ref"] in interp.get(
        "excluded_clients", []
    ):
        bad.append("client")
    if req.get("minors_involved", False) and not interp.get("child_clearance", False):
        bad.append("child")
    if req.get("topic") is not None and req["topic"] in interp.get("declined_topics", []):
        bad.append("topic")
    if interp["id"] in req.get("excluded_interpreters", []):  # extension, see docs
        bad.append("excluded")
    return bad


def check_result(instance: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """All contract violations of ``result`` for ``instance`` (empty list = valid)."""
    problems: list[str] = []
    requests = {r["id"]: r for r in instance["requests"]}
    interpreters = {i["id"]: i for i in instance["interpreters"]}
    gap = instance.get("gap_minutes", 0)
    listed = [a["request"] for a in result["assignments"]] + [
        u["request"] for u in result["unfilled"]
    ]
    if sorted(listed) != sorted(requests):
        problems.append("requests not listed exactly once")
    per_interpreter: dict[str, list[dict[str, Any]]] = defaultdict(list)
    weight = 0
    for a in result["assignments"]:
        req, interp = requests.get(a["request"]), interpreters.get(a["interpreter"])
        if req is None or interp is None:
            problems.append(f"unknown id in {a}")
            continue
        weight += WEIGHTS[req["priority"]]
        for v in pair_violations(req, interp, gap):
            problems.append(f"{a['request']} -> {a['interpreter']}: {v}")
        per_interpreter[a["interpreter"]].append(req)
    for who, reqs in per_interpreter.items():
        for x in range(len(reqs)):
            for y in range(x + 1, len(reqs)):
                a, b = reqs[x], reqs[y]
                distance = max(
                    (_t(b["start"]) - _t(a["end"])).total_seconds(),
                    (_t(a["start"]) - _t(b["end"])).total_seconds(),
                )
                if distance < gap * 60:
                    problems.append(f"{who}: {a['id']} and {b['id']} closer than the gap")
    stats = result["stats"]
    if stats["filled"] != len(result["assignments"]) or stats["filled_weight"] != weight:
        problems.append("stats do not match the assignments")
    if stats["requests"] != len(requests):
        problems.append("stats.requests wrong")
    return problems
