"""The engine is never below the first-come-first-served baseline, by construction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from bench.checker import check_result
from bench.reference import greedy as reference_greedy
from matching.core import parse_instance, solve
from tests.matching.core.builders import document, interpreter, request
from tests.matching.core.strategies import instances

pytestmark = pytest.mark.unit

Solved = Callable[..., dict[str, Any]]

X_HOME = {"lat": 50.3800, "lon": 8.7555}  # about 5 km north of the builders' HOME
MIDWAY = {"lat": 50.3520, "lon": 8.7555}  # 3.1 km from X_HOME, 1.8 km from HOME
SOUTH = {"lat": 50.3000, "lon": 8.7600}  # 8.9 km from X_HOME


def _chain_instance() -> dict[str, Any]:
    """A chain on i-x (c, a, b: c and b fit together, a overlaps both) that rounds miss.

    The first round sees one slot per interpreter and picks b -> i-y, a -> i-x (cheapest,
    weight 6); c then has no room, and no single-interpreter move fixes it (the
    two-interpreter re-plan does). First come, first served (a, b, c in document order)
    puts a on the nearer i-y, b and c on i-x: weight 8, the optimum.
    """
    return document(
        [interpreter("i-x", gender="m", home=X_HOME), interpreter("i-y", gender="f")],
        [
            request("r-a", "11:15", "12:45", priority="urgent", location=MIDWAY),
            request("r-b", "11:45", "12:15", priority="critical"),
            request(
                "r-c", "11:00", "11:30", priority="urgent", gender_preference="m", location=SOUTH
            ),
        ],
        gap=15,
    )


def test_chain_the_rounds_miss_is_filled_like_the_baseline(solved: Solved) -> None:
    doc = _chain_instance()

    result = solved(doc, explain=True)

    assert result["stats"]["filled_weight"] == 8 == reference_greedy(doc).weight
    assert {a["request"]: a["interpreter"] for a in result["assignments"]} == {
        "r-a": "i-y",
        "r-b": "i-x",
        "r-c": "i-x",
    }
    assert all(a["why"]["cost"]["travel_km"] == a["travel_km"] for a in result["assignments"])
    assert result["unfilled"] == []


def test_baseline_is_returned_when_the_engine_falls_short(
    solved: Solved, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    engine = sys.modules["matching.core.solve"]
    # without any local search the rounds alone reach weight 6 here (see _chain_instance)
    monkeypatch.setattr(engine, "_local_search", lambda p, chosen, scope: chosen)
    doc = _chain_instance()

    result = solved(doc, explain=True)

    assert result["stats"]["filled_weight"] == 8
    assert {a["request"]: a["interpreter"] for a in result["assignments"]} == (
        reference_greedy(doc).assignments
    )
    # explanations describe the returned (baseline) schedule: i-x is taken at r-a's time
    why_a = next(a["why"] for a in result["assignments"] if a["request"] == "r-a")
    assert why_a["runner_up"]["interpreter"] == "i-x"
    assert why_a["runner_up"]["code"] == "taken"


def test_rounds_alone_fall_short_on_the_chain() -> None:
    from matching.core.costs import DEFAULT_WEIGHTS
    from matching.core.problem import build_problem
    from matching.core.solve import assign

    p = build_problem(parse_instance(_chain_instance()), DEFAULT_WEIGHTS)
    weight = p.compiled.r_weight

    rounds_only = assign(p, improve=False)
    improved = assign(p)

    assert int(weight[rounds_only >= 0].sum()) == 6
    assert int(weight[improved >= 0].sum()) == 8


def test_core_greedy_is_the_reference_baseline() -> None:
    import sys

    from matching.core.costs import DEFAULT_WEIGHTS
    from matching.core.problem import build_problem

    engine = sys.modules["matching.core.solve"]
    doc = _chain_instance()
    p = build_problem(parse_instance(doc), DEFAULT_WEIGHTS)

    baseline = engine.greedy(p)

    assigned = {
        p.compiled.request_ids[r]: p.compiled.interpreter_ids[int(p.pairs.interpreter[e])]
        for r, e in enumerate(baseline.tolist())
        if e >= 0
    }
    assert assigned == reference_greedy(doc).assignments
    assert int(p.compiled.r_weight[np.flatnonzero(baseline >= 0)].sum()) == 8


@settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances(max_interpreters=3, max_requests=12))
def test_never_below_first_come_first_served(doc: dict[str, Any]) -> None:
    result = solve(parse_instance(doc)).to_json()

    assert check_result(doc, result) == []
    assert result["stats"]["filled_weight"] >= reference_greedy(doc).weight


def test_a_first_round_solved_exactly_everywhere_is_returned_as_it_is(
    solved: Solved, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    engine = sys.modules["matching.core.solve"]

    def must_not_run(*args: object) -> None:
        raise AssertionError("an optimal first round needs no local search and no baseline")

    monkeypatch.setattr(engine, "_local_search", must_not_run)
    monkeypatch.setattr(engine, "greedy", must_not_run)
    # two overlapping requests, two interpreters: one component whose slots are cliques
    doc = document(
        [interpreter("i-x", gender="m", home=X_HOME), interpreter("i-y", gender="f")],
        [request("r-a", "11:00", "12:00"), request("r-b", "11:30", "12:30")],
    )

    result = solved(doc)

    assert result["stats"]["filled"] == 2
    assert sorted(a["interpreter"] for a in result["assignments"]) == ["i-x", "i-y"]
