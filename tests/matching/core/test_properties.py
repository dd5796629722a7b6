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
    optimum = exact(doc).weight
    assert result["stats"]["filled_weight"] >= 0.9 * optimum
