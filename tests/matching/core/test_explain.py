"""Reason codes, hints and "why" explanations, each produced by a crafted instance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from matching.core import REASON_CODES
from tests.matching.core.builders import at, document, interpreter, request

pytestmark = pytest.mark.unit

Solved = Callable[..., dict[str, Any]]
FAR = {"lat": 50.3356, "lon": 9.19}  # about 31 km east of NEAR


def _reasons(result: dict[str, Any]) -> list[str]:
    assert result["assignments"] == []
    (only,) = result["unfilled"]
    return only["reasons"]


#: One crafted instance per reason code: (interpreter fields, request fields, code).
BLOCKING = [
    ({"languages": {"ti": "native"}}, {}, "no_interpreter_for_language"),
    ({"languages": {"ar": "A2"}}, {"min_level": "B2"}, "level_too_low"),
    ({"modes": ["phone"]}, {}, "mode_not_offered"),
    ({"home": FAR}, {}, "too_far"),
    ({"availability": [{"start": at("12:00"), "end": at("16:00")}]}, {}, "not_available"),
    ({"gender": "m"}, {"gender_preference": "f"}, "gender_preference"),
    ({"excluded_clients": ["K-1"]}, {"client_ref": "K-1"}, "client_excluded"),
    ({"child_clearance": False}, {"minors_involved": True}, "no_child_clearance"),
    ({"declined_topics": ["health"]}, {"topic": "health"}, "topic_declined"),
    ({}, {"excluded_interpreters": ["i-1"]}, "interpreter_excluded"),
]


@pytest.mark.parametrize(("interp", "req", "code"), BLOCKING)
def test_single_blocking_constraint_is_the_reason(
    solved: Solved, interp: dict[str, Any], req: dict[str, Any], code: str
) -> None:
    doc = document([interpreter("i-1", **interp)], [request("r-1", **req)])

    assert _reasons(solved(doc)) == [code]


def _taken_doc() -> dict[str, Any]:
    return document(
        [interpreter("i-1")],
        [request("r-1", priority="critical"), request("r-2", "09:30", "10:30")],
    )


def test_all_candidates_taken_by_higher_weight(solved: Solved) -> None:
    result = solved(_taken_doc())

    assert result["unfilled"] == [{"request": "r-2", "reasons": ["all_candidates_taken"]}]


def test_every_reason_code_is_produced_by_a_crafted_instance(solved: Solved) -> None:
    docs = [document([interpreter("i-1", **i)], [request("r-1", **r)]) for i, r, _ in BLOCKING]
    produced = {
        code
        for doc in [*docs, _taken_doc()]
        for unfilled in solved(doc)["unfilled"]
        for code in unfilled["reasons"]
    }

    assert produced == set(REASON_CODES)


def test_reasons_list_each_blocking_constraint_in_contract_order(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1", home=FAR), interpreter("i-2", languages={"ar": "A1"}, gender="m")],
        [request("r-1", gender_preference="f")],
    )

    assert _reasons(solved(doc)) == ["level_too_low", "too_far", "gender_preference"]


def test_hint_counts_interpreters_available_by_video(solved: Solved) -> None:
    doc = document(
        [
            interpreter("i-1", home=FAR),
            interpreter("i-2", home=FAR),
            interpreter("i-3", home=FAR, modes=["in_person", "phone"]),
        ],
        [request("r-1")],
    )

    (unfilled,) = solved(doc, explain=True)["unfilled"]

    assert {"code": "change_mode", "count": 2, "mode": "video"} in unfilled["hints"]
    assert {"code": "change_mode", "count": 3, "mode": "phone"} in unfilled["hints"]


def test_hint_names_nearest_interpreter_beyond_the_radius(solved: Solved) -> None:
    doc = document([interpreter("i-1", home=FAR, modes=["in_person"])], [request("r-1")])

    (unfilled,) = solved(doc, explain=True)["unfilled"]

    assert unfilled["reasons"] == ["too_far"]
    (hint,) = unfilled["hints"]
    assert hint["code"] == "extend_radius" and hint["count"] == 1
    assert hint["max_travel_km"] == 25
    assert 30.0 <= hint["distance_km"] <= 32.0


def test_hint_suggests_lower_level_and_dropping_gender_preference(solved: Solved) -> None:
    doc = document(
        [
            interpreter("i-1", languages={"ar": "B1"}, modes=["in_person"]),
            interpreter("i-2", gender="m", modes=["in_person"]),
        ],
        [request("r-1", min_level="C1", gender_preference="f")],
    )

    (unfilled,) = solved(doc, explain=True)["unfilled"]

    assert {"code": "lower_min_level", "count": 1, "level": "B1"} in unfilled["hints"]
    assert {"code": "drop_gender_preference", "count": 1} in unfilled["hints"]


def test_no_hint_for_personal_limits(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1", excluded_clients=["K-9"], modes=["in_person"])],
        [request("r-1", client_ref="K-9")],
    )

    (unfilled,) = solved(doc, explain=True)["unfilled"]

    assert unfilled == {"request": "r-1", "reasons": ["client_excluded"], "hints": []}


def test_excluded_interpreter_is_counted_in_no_hint(solved: Solved) -> None:
    # i-1 offers phone only and was excluded: no "1 interpreter by phone"; i-2 is far and
    # not excluded: the radius hint counts it alone
    doc = document(
        [interpreter("i-1", modes=["phone"]), interpreter("i-2", home=FAR, modes=["in_person"])],
        [request("r-1", excluded_interpreters=["i-1"])],
    )

    (unfilled,) = solved(doc, explain=True)["unfilled"]

    assert unfilled["reasons"] == ["mode_not_offered", "too_far", "interpreter_excluded"]
    assert [(h["code"], h["count"]) for h in unfilled["hints"]] == [("extend_radius", 1)]


def test_reasons_put_interpreter_excluded_after_the_contract_codes(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1", declined_topics=["health"]), interpreter("i-2")],
        [request("r-1", topic="health", excluded_interpreters=["i-2"])],
    )

    assert _reasons(solved(doc)) == ["topic_declined", "interpreter_excluded"]


def test_without_explain_the_result_has_only_contract_fields(solved: Solved) -> None:
    doc = document(
        [interpreter("i-1"), interpreter("i-2", home=FAR)],
        [
            request("r-1"),
            request("r-2", language="so"),
        ],
    )

    result = solved(doc)

    assert set(result["assignments"][0]) == {"request", "interpreter", "travel_km"}
    assert set(result["unfilled"][0]) == {"request", "reasons"}


def test_why_gives_cost_parts_and_runner_up(solved: Solved) -> None:
    near_but_busy = interpreter("i-a", hours_last_30_days=10)
    doc = document(
        [near_but_busy, interpreter("i-b", home={"lat": 50.36, "lon": 8.77})],
        [request("r-1"), request("r-2", "09:30", "10:30", priority="urgent")],
    )

    result = solved(doc, explain=True)

    why = {a["request"]: a["why"] for a in result["assignments"]}
    assert why["r-2"]["codes"] == ["lowest_cost"]
    assert why["r-2"]["cost"]["travel_km"] == 0.6
    assert why["r-2"]["cost"]["fairness"] == 2.0
    assert why["r-1"]["candidates"] == 2
    assert why["r-1"]["runner_up"]["interpreter"] == "i-a"
    assert why["r-1"]["runner_up"]["code"] == "taken"
    assert why["r-2"]["runner_up"] == {
        "interpreter": "i-b",
        "code": "taken",
        "cost": why["r-1"]["cost"],
    }


def test_runner_up_that_was_free_lost_on_cost(solved: Solved) -> None:
    doc = document(
        [interpreter("i-a"), interpreter("i-b", home={"lat": 50.36, "lon": 8.77})],
        [request("r-1")],
    )

    (assignment,) = solved(doc, explain=True)["assignments"]

    runner_up = assignment["why"]["runner_up"]
    assert runner_up["interpreter"] == "i-b" and runner_up["code"] == "higher_cost"
    assert runner_up["cost"]["total"] > assignment["why"]["cost"]["total"]


def test_why_marks_the_previous_interpreter_and_the_only_candidate(solved: Solved) -> None:
    doc = document([interpreter("i-1")], [request("r-1", previous_interpreter="i-1")])

    (assignment,) = solved(doc, explain=True)["assignments"]

    assert assignment["why"]["codes"] == ["only_candidate", "previous_interpreter"]
    assert assignment["why"]["cost"]["continuity"] == -15.0
    assert assignment["why"]["runner_up"] is None
