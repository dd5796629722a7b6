"""Behaviour of the solver on small, hand-checkable instances."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from matching.core import Weights, parse_instance, solve
from tests.matching.core.builders import at, document, interpreter, request

pytestmark = pytest.mark.unit

Solved = Callable[..., dict[str, Any]]


def _pairs(result: dict[str, Any]) -> dict[str, str]:
    return {a["request"]: a["interpreter"] for a in result["assignments"]}


def test_single_request_gets_the_only_interpreter(solved: Solved) -> None:
    result = solved(document([interpreter("i-1")], [request("r-1")]))

    assert result["format"] == "wir-matching-result/1"
    assert result["assignments"] == [{"request": "r-1", "interpreter": "i-1", "travel_km": 0.6}]
    assert result["unfilled"] == []
    assert {k: v for k, v in result["stats"].items() if k != "solve_seconds"} == {
        "requests": 1,
        "filled": 1,
        "filled_weight": 1,
    }


def test_one_interpreter_takes_back_to_back_requests_outside_the_gap(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1")],
        [request("r-1", "09:00", "10:00"), request("r-2", "10:30", "11:30")],
        gap=30,
    )

    assert _pairs(solved(doc)) == {"r-1": "i-1", "r-2": "i-1"}


def test_gap_prevents_requests_too_close_together(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1")],
        [request("r-1", "09:00", "10:00"), request("r-2", "10:15", "11:00", priority="urgent")],
        gap=30,
    )

    result = solved(doc)

    assert _pairs(result) == {"r-2": "i-1"}
    assert result["unfilled"] == [{"request": "r-1", "reasons": ["all_candidates_taken"]}]


def test_chain_of_overlaps_fills_both_ends_not_the_middle(solved: Solved) -> None:
    # r-mid overlaps both others; r-early and r-late fit together -> 2 filled, not 1
    doc = document(
        [interpreter("i-1")],
        [
            request("r-early", "09:00", "10:00"),
            request("r-mid", "09:30", "10:30", location={"lat": 50.3357, "lon": 8.7556}),
            request("r-late", "10:00", "11:00"),
        ],
    )

    assert _pairs(solved(doc)) == {"r-early": "i-1", "r-late": "i-1"}


def test_higher_priority_wins_a_contested_interpreter(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1")],
        [request("r-a", "09:00", "10:00"), request("r-b", "09:30", "10:30", priority="critical")],
    )

    assert _pairs(solved(doc)) == {"r-b": "i-1"}


def test_weight_comes_before_travel(solved: Solved) -> None:
    # the far interpreter must take r-2 so that both requests are filled
    far = {"lat": 50.40, "lon": 8.80}  # about 8 km away
    doc = document(
        [interpreter("i-near"), interpreter("i-far", home=far, languages={"ar": "B2"})],
        [request("r-1", min_level="C1"), request("r-2")],
    )

    assert _pairs(solved(doc)) == {"r-1": "i-near", "r-2": "i-far"}


def test_nearer_interpreter_is_preferred(solved: Solved) -> None:
    far = {"lat": 50.40, "lon": 8.80}
    doc = document([interpreter("i-a", home=far), interpreter("i-b")], [request("r-1")])

    assert _pairs(solved(doc)) == {"r-1": "i-b"}


def test_previous_interpreter_is_kept_for_continuity(solved: Solved) -> None:
    slightly_far = {"lat": 50.36, "lon": 8.77}  # ~3 km
    doc = document(
        [interpreter("i-a"), interpreter("i-b", home=slightly_far)],
        [request("r-1", previous_interpreter="i-b")],
    )

    assert _pairs(solved(doc)) == {"r-1": "i-b"}
    no_continuity = solve(parse_instance(doc), weights=Weights(continuity_bonus=0)).to_json()
    assert _pairs(no_continuity) == {"r-1": "i-a"}


def test_fewer_recent_hours_preferred_when_all_else_equal(solved: Solved) -> None:
    doc = document(
        [interpreter("i-a", hours_last_30_days=30), interpreter("i-b", hours_last_30_days=2)],
        [request("r-1", mode="phone")],
    )

    assert _pairs(solved(doc)) == {"r-1": "i-b"}


def test_ties_are_broken_on_ids_and_independent_of_input_order(solved: Solved) -> None:
    interps = [interpreter(f"i-{k}") for k in range(4)]
    reqs = [request(f"r-{k}", "09:00", "10:00") for k in range(3)]
    first = solved(document(interps, reqs))
    shuffled_i, shuffled_r = interps[:], reqs[:]
    random.Random(7).shuffle(shuffled_i)
    random.Random(8).shuffle(shuffled_r)

    second = solved(document(shuffled_i, shuffled_r))

    assert _pairs(first) == _pairs(second)
    assert sorted(_pairs(first).values()) == ["i-0", "i-1", "i-2"]


def test_same_instance_gives_the_same_result(solved: Solved) -> None:
    doc = document(
        [interpreter(f"i-{k}", hours_last_30_days=k % 3) for k in range(5)],
        [request(f"r-{k}", f"{9 + k % 4:02d}:00", f"{10 + k % 4:02d}:00") for k in range(12)],
        gap=15,
    )

    runs = [solved(doc) for _ in range(3)]

    assert runs[0]["assignments"] == runs[1]["assignments"] == runs[2]["assignments"]


def test_more_requests_than_interpreters(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1"), interpreter("i-2")],
        [request(f"r-{k}", "09:00", "10:00") for k in range(5)],
    )

    result = solved(doc)

    assert result["stats"]["filled"] == 2
    assert len(result["unfilled"]) == 3
    assert all(u["reasons"] == ["all_candidates_taken"] for u in result["unfilled"])


def test_no_candidates_at_all(solved: Solved) -> None:
    doc = document([], [request("r-1"), request("r-2", language="ti")])

    result = solved(doc)

    assert result["assignments"] == []
    assert [u["reasons"] for u in result["unfilled"]] == [
        ["no_interpreter_for_language"],
        ["no_interpreter_for_language"],
    ]


def test_empty_instance(solved: Solved) -> None:
    result = solved(document([], []))

    assert result["assignments"] == [] and result["unfilled"] == []
    assert result["stats"]["requests"] == 0


def test_busy_interval_blocks_with_gap(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1", busy=[{"start": at("10:00"), "end": at("11:00")}])],
        [request("r-1", "09:00", "09:45"), request("r-2", "11:15", "12:00")],
        gap=30,
    )

    result = solved(doc)

    assert result["assignments"] == []
    assert [u["reasons"] for u in result["unfilled"]] == [["not_available"], ["not_available"]]


def test_request_inside_availability_across_the_dst_change(solved: Solved) -> None:
    # Sunday 25 Oct 2026: clocks go back at 03:00 CEST -> 02:00 CET
    window = {"start": "2026-10-25T00:00:00+02:00", "end": "2026-10-25T02:30:00+01:00"}
    doc = document(
        [interpreter("i-1", availability=[window])],
        [
            # 02:15 CET is after 02:15 CEST; the window ends 02:30 CET (01:30 UTC)
            request("r-in", mode="phone", start="x", end="y"),
            request("r-out", mode="phone", start="x", end="y"),
        ],
    )
    doc["requests"][0].update(start="2026-10-25T02:15:00+02:00", end="2026-10-25T02:15:00+01:00")
    doc["requests"][1].update(start="2026-10-25T02:15:00+01:00", end="2026-10-25T02:45:00+01:00")

    result = solved(doc)

    assert _pairs(result) == {"r-in": "i-1"}
    assert result["unfilled"] == [{"request": "r-out", "reasons": ["not_available"]}]


def test_same_wall_clock_different_offsets_do_not_overlap(solved: Solved) -> None:
    # 02:00-02:45 CEST and 02:00-02:45 CET are one hour apart in UTC
    window = {"start": "2026-10-25T00:00:00+02:00", "end": "2026-10-25T06:00:00+01:00"}
    doc = document(
        [interpreter("i-1", availability=[window])],
        [
            request("r-1", mode="video"),
            request("r-2", mode="video"),
        ],
        gap=15,
    )
    doc["requests"][0].update(start="2026-10-25T02:00:00+02:00", end="2026-10-25T02:45:00+02:00")
    doc["requests"][1].update(start="2026-10-25T02:00:00+01:00", end="2026-10-25T02:45:00+01:00")

    result = solved(doc)

    assert _pairs(result) == {"r-1": "i-1", "r-2": "i-1"}


def test_every_request_is_listed_once_in_document_order(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1")],
        [
            request("r-c", "09:00", "10:00"),
            request("r-a", "09:00", "10:00"),
            request("r-b", "12:00", "13:00", language="so"),
        ],
    )

    result = solved(doc)

    listed = [a["request"] for a in result["assignments"]] + [
        u["request"] for u in result["unfilled"]
    ]
    assert sorted(listed) == ["r-a", "r-b", "r-c"]
    assert [u["request"] for u in result["unfilled"]] in (["r-c", "r-b"], ["r-a", "r-b"])


def test_sparse_and_dense_assignment_reach_the_same_round_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    import numpy as np

    from bench.generate import generate
    from matching.core.costs import DEFAULT_WEIGHTS
    from matching.core.problem import build_problem

    engine = sys.modules["matching.core.solve"]
    doc = generate(seed=3, n_requests=300, n_interpreters=200, counties=["Wetteraukreis"])
    p = build_problem(parse_instance(doc), DEFAULT_WEIGHTS)
    edges = np.arange(len(p.pairs.request))

    dense = engine._one_round(p, edges)
    monkeypatch.setattr(engine, "_DENSE_CELLS", 0)
    monkeypatch.setattr(engine, "_SPARSE_DENSITY", 1.1)
    sparse = engine._one_round(p, edges)

    assert len(set(p.pairs.request[sparse].tolist())) == len(sparse)
    assert p.gain[sparse].sum() == pytest.approx(p.gain[dense].sum(), rel=1e-12)


def test_excluded_interpreter_is_never_assigned_to_that_request(solved: Solved) -> None:
    # i-1 is nearer and the previous interpreter, but declined r-1; r-2 may still have i-1
    far = {"lat": 50.36, "lon": 8.77}
    doc = document(
        [interpreter("i-1"), interpreter("i-2", home=far)],
        [
            request("r-1", previous_interpreter="i-1", excluded_interpreters=["i-1"]),
            request("r-2", "11:00", "12:00"),
        ],
    )

    assert _pairs(solved(doc)) == {"r-1": "i-2", "r-2": "i-1"}


def test_unknown_excluded_interpreter_ids_are_ignored(solved: Solved) -> None:
    plain = document([interpreter("i-1")], [request("r-1")])
    with_unknown = document(
        [interpreter("i-1")], [request("r-1", excluded_interpreters=["i-left-the-pool"])]
    )

    assert solved(with_unknown)["assignments"] == solved(plain)["assignments"]
    assert _pairs(solved(with_unknown)) == {"r-1": "i-1"}


def test_batch_of_hard_components_is_sized_by_their_rows_and_slots() -> None:
    from matching.core.solve import _BATCH_CELLS, _batch_fits

    rows_in = np.asarray([2, 3, 200], dtype=np.int64)
    slots_in = np.asarray([2, 2, 250], dtype=np.int64)

    assert _batch_fits(rows_in, slots_in, np.asarray([True, True, False]))
    assert _BATCH_CELLS < 205 * 254
    assert not _batch_fits(rows_in, slots_in, np.asarray([True, True, True]))
