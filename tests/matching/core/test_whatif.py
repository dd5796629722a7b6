"""The what-if replay's pure part: weekly hours as windows, the extra interpreter, outcomes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from matching.core import parse_instance
from matching.core.whatif import (
    Hypothetical,
    Outcome,
    Tally,
    availability,
    could_serve,
    extra_interpreter,
    instance_key,
    replay_instance,
    weekly_blocks,
)
from tests.matching.core.builders import HOME, at, document, interpreter, request

pytestmark = pytest.mark.unit

BERLIN = ZoneInfo("Europe/Berlin")
FAR = {"lat": 50.2906, "lon": 9.1126}  # Büdingen, about 26 km from HOME


def tigrinya(**fields: object) -> Hypothetical:
    base: dict[str, object] = {
        "language": "ti",
        "level": "C1",
        "lat": HOME["lat"],
        "lon": HOME["lon"],
        "modes": ("in_person", "phone", "video"),
        "weekly_hours": 8,
        "max_travel_km": 20,
    }
    base.update(fields)
    return Hypothetical(**base)  # type: ignore[arg-type]


def test_weekly_hours_fill_mornings_first_spread_over_the_week() -> None:
    assert weekly_blocks(8) == [(0, dt.time(8), dt.time(12)), (2, dt.time(8), dt.time(12))]
    assert weekly_blocks(10) == [
        (0, dt.time(8), dt.time(12)),
        (2, dt.time(8), dt.time(12)),
        (4, dt.time(8), dt.time(10)),
    ]
    assert len(weekly_blocks(24)) == 6
    assert (0, dt.time(13), dt.time(17)) in weekly_blocks(24)
    assert sum(1 for _ in weekly_blocks(99)) == 10  # capped at 40 hours


def test_availability_is_local_time_across_the_dst_change() -> None:
    # Friday 23 Oct to Tuesday 27 Oct 2026; summer time ends on Sunday 25 Oct.
    start = dt.datetime(2026, 10, 23, 9, tzinfo=BERLIN)
    end = dt.datetime(2026, 10, 27, 10, tzinfo=BERLIN)
    windows = availability(weekly_blocks(8), start, end, BERLIN)
    assert [(s.isoformat(), e.isoformat()) for s, e in windows] == [
        ("2026-10-26T08:00:00+01:00", "2026-10-26T12:00:00+01:00"),
    ]
    windows = availability([(4, dt.time(8), dt.time(12))], start, end, BERLIN)
    assert windows[0][0].isoformat() == "2026-10-23T08:00:00+02:00"


def test_extra_interpreter_spans_the_runs_requests_and_gets_a_free_id() -> None:
    doc = document(
        [interpreter("i-whatif")],
        [request("r-1", language="ti"), request("r-2", language="ti")],
    )
    doc["requests"][1]["start"] = at("09:00", "2026-11-25")
    doc["requests"][1]["end"] = at("10:00", "2026-11-25")
    extra = extra_interpreter(tigrinya(), parse_instance(doc), BERLIN)
    assert extra is not None
    assert extra.id == "i-whatif-x"
    assert dict(extra.languages) == {"ti": "C1"}
    assert [w.start.isoformat() for w in extra.availability] == [
        "2026-11-23T08:00:00+01:00",
        "2026-11-25T08:00:00+01:00",
    ]
    assert extra_interpreter(tigrinya(), parse_instance(document([], [])), BERLIN) is None


@pytest.mark.parametrize(
    ("change", "serves"),
    [
        ({}, True),
        ({"language": "ar"}, False),
        ({"level": "A2"}, False),
        ({"modes": ("phone",)}, False),
        ({"lat": FAR["lat"], "lon": FAR["lon"]}, False),
        ({"weekly_hours": 0}, False),
    ],
)
def test_could_serve_checks_the_extra_interpreter_alone(
    change: dict[str, object], serves: bool
) -> None:
    instance = parse_instance(document([], [request("r-1", language="ti", min_level="B2")]))
    extra = extra_interpreter(tigrinya(**change), instance, BERLIN)
    assert extra is not None
    assert could_serve(instance, extra) is serves


def test_gender_preference_and_children_rule_out_the_extra_interpreter() -> None:
    instance = parse_instance(document([], [request("r-1", language="ti", gender_preference="f")]))
    assert not could_serve(instance, extra_interpreter(tigrinya(), instance, BERLIN))  # type: ignore[arg-type]
    assert could_serve(instance, extra_interpreter(tigrinya(gender="f"), instance, BERLIN))  # type: ignore[arg-type]
    minors = parse_instance(document([], [request("r-1", language="ti", minors_involved=True)]))
    assert not could_serve(
        minors,
        extra_interpreter(tigrinya(child_clearance=False), minors, BERLIN),  # type: ignore[arg-type]
    )


def test_replay_counts_what_the_extra_interpreter_fills() -> None:
    doc = document(
        [interpreter("i-1")],
        [
            request("r-a"),  # Arabic, filled either way
            request("r-t1", language="ti"),
            request("r-t2", "10:30", "11:30", language="ti", priority="urgent"),
            request("r-t3", "14:00", "15:00", language="ti"),  # afternoon: not in 8 h
            request("r-t4", language="ti", location=FAR),  # too far
        ],
    )
    [outcome] = replay_instance(parse_instance(doc), [tigrinya()], BERLIN)
    assert outcome == Outcome(
        filled_without=1,
        weight_without=1,
        filled_with=3,
        weight_with=4,
        newly={"r-t1": 1, "r-t2": 2},
    )


def test_replay_frees_someone_else_through_the_extra_interpreter() -> None:
    # i-1 speaks Arabic and Tigrinya; one slot, two requests: the extra takes Tigrinya.
    doc = document(
        [interpreter("i-1", languages={"ar": "native", "ti": "C2"})],
        [request("r-a"), request("r-t", language="ti", priority="urgent")],
    )
    [outcome] = replay_instance(parse_instance(doc), [tigrinya()], BERLIN)
    assert outcome is not None
    assert (outcome.filled_without, outcome.filled_with) == (1, 2)
    assert outcome.newly == {"r-a": 1}


def test_a_run_the_extra_interpreter_cannot_help_is_not_solved() -> None:
    doc = document([interpreter("i-1")], [request("r-a"), request("r-b")])
    assert (
        replay_instance(parse_instance(doc), [tigrinya(), tigrinya(language="ar")], BERLIN)[0]
        is None
    )


def test_tally_counts_a_reoffered_request_once_and_keeps_only_real_unfilled() -> None:
    tally = Tally()
    tally.add(1, Outcome(1, 1, 3, 4, {"r-t1": 1, "r-t2": 2}))
    tally.add(2, Outcome(0, 0, 1, 2, {"r-t2": 2}))
    tally.add(3, None)
    tally.add(4, Outcome(0, 0, 1, 1, {"r-t9": 1}))
    assert tally.runs_solved == 3
    assert (tally.filled_with - tally.filled_without, tally.weight_with - tally.weight_without) == (
        4,
        6,
    )
    assert tally.gained({"r-t1", "r-t2", "r-x"}) == [("r-t1", 1, 1), ("r-t2", 1, 2)]
    assert Tally.from_json(tally.to_json()) == tally
    outcome = Outcome(1, 1, 3, 4, {"r-t1": 1})
    assert Outcome.from_json(outcome.to_json()) == outcome


def test_instance_key_ignores_key_order() -> None:
    assert instance_key({"a": 1, "b": [1, 2]}) == instance_key({"b": [1, 2], "a": 1})
    assert instance_key({"a": 1}) != instance_key({"a": 2})
