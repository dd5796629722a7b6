"""Property tests: on random instances every result is valid and, when small, optimal-ish.

The validity check is :func:`bench.checker.check_result`, which shares no code with the
engine (plain ``datetime``/``math`` on the raw document).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from bench.checker import check_result
from bench.generate import adversarial
from bench.reference import exact
from matching.core import parse_instance, solve
from tests.matching.core.strategies import instances

pytestmark = pytest.mark.unit

PROPERTY_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(instances())
def test_random_results_satisfy_every_hard_constraint(doc: dict[str, Any]) -> None:
    result = solve(parse_instance(doc)).to_json()

    assert check_result(doc, result) == []


@PROPERTY_SETTINGS
@given(instances(max_interpreters=3, max_requests=12))
def test_contested_random_results_are_valid_and_list_each_request_once(
    doc: dict[str, Any],
) -> None:
    result = solve(parse_instance(doc), explain=True).to_json()

    listed = [a["request"] for a in result["assignments"]] + [
        u["request"] for u in result["unfilled"]
    ]
    assert sorted(listed) == sorted(r["id"] for r in doc["requests"])
    assert check_result(doc, result) == []
    assert all(u["reasons"] for u in result["unfilled"])


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(instances(max_interpreters=4, max_requests=8))
def test_small_random_instances_reach_the_exact_optimum(doc: dict[str, Any]) -> None:
    result = solve(parse_instance(doc)).to_json()

    assert result["stats"]["filled_weight"] == exact(doc).weight


@pytest.mark.parametrize("seed", range(12))
def test_adversarial_scarce_language_is_valid_and_near_the_optimum(seed: int) -> None:
    doc = adversarial(seed=seed, n_requests=40, n_interpreters=3)

    result = solve(parse_instance(doc)).to_json()

    assert check_result(doc, result) == []
    assert result["stats"]["filled_weight"] == exact(doc).weight


@pytest.mark.parametrize("seed", range(50))
def test_benchmark_small_adversarial_instances_reach_the_exact_optimum(seed: int) -> None:
    # the benchmark's "adversarial, small" family: 8-27 requests x 2-4 interpreters
    doc = adversarial(seed=seed, n_requests=8 + seed % 20, n_interpreters=2 + seed % 3)

    result = solve(parse_instance(doc)).to_json()

    assert check_result(doc, result) == []
    assert result["stats"]["filled_weight"] == exact(doc).weight


def test_four_contested_interpreters_are_replanned_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    engine = sys.modules["matching.core.solve"]
    # every open request here has one or two candidates, but filling one more means moving
    # requests between all four interpreters: pairwise re-plans cannot, a joint one can
    doc = adversarial(seed=11, n_requests=19, n_interpreters=4)
    optimum = exact(doc).weight

    together = solve(parse_instance(doc)).filled_weight
    monkeypatch.setattr(engine, "_GROUP_SIZE", 2)
    pairwise = solve(parse_instance(doc)).filled_weight

    assert together == optimum
    assert pairwise < optimum
