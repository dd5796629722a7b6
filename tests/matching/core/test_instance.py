"""Parsing and strict validation of `wir-matching/1` instances."""

from __future__ import annotations

from typing import Any

import pytest

from matching.core import InstanceError, load_instance, parse_instance
from tests.matching.core.builders import at, document, interpreter, request

pytestmark = pytest.mark.unit


def _valid() -> dict[str, Any]:
    return document(
        [interpreter("i-1", busy=[{"start": at("12:00"), "end": at("13:00")}])],
        [request("r-0"), request("r-1"), request("r-2"), request("r-3")],
        gap=30,
    )


def test_valid_document_parses_with_defaults() -> None:
    instance = parse_instance(_valid())

    assert [r.id for r in instance.requests] == ["r-0", "r-1", "r-2", "r-3"]
    first = instance.requests[0]
    assert (first.min_level, first.minors_involved, first.topic, first.weight) == (
        "B1",
        False,
        None,
        1,
    )
    assert first.excluded_interpreters == frozenset()
    assert instance.interpreters[0].hours_last_30_days == 0.0
    assert instance.interpreters[0].child_clearance is False
    assert instance.gap_us == 30 * 60 * 1_000_000


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            ("requests", 3, "start"),
            "2026-11-23T09:00:00",
            "requests[3].start: not an ISO 8601 datetime with offset",
        ),
        (
            ("requests", 3, "start"),
            "tomorrow",
            "requests[3].start: not an ISO 8601 datetime with offset",
        ),
        (("requests", 1, "end"), at("08:00"), "requests[1].end: not after start"),
        (("requests", 2, "priority"), "high", "requests[2].priority: not a priority"),
        (("requests", 0, "mode"), "fax", "requests[0].mode: not a mode"),
        (("requests", 0, "location"), _DELETE, "requests[0].location: required for mode in_person"),
        (("requests", 0, "location", "lat"), 123.0, "requests[0].location.lat: not a latitude"),
        (("requests", 0, "min_level"), "B3", "requests[0].min_level: not a level"),
        (("requests", 0, "language"), "Arabic", "requests[0].language: not a language code"),
        (("requests", 0, "minors_involved"), "yes", "requests[0].minors_involved: not a boolean"),
        (("requests", 0, "gender_preference"), "x", "requests[0].gender_preference: not a gender"),
        (("requests", 0, "colour"), "red", "requests[0].colour: unknown field"),
        (("requests", 2, "id"), "r-1", 'requests[2].id: duplicate id "r-1"'),
        (("requests", 2, "id"), "", "requests[2].id: not a non-empty string"),
        (("requests", 1, "priority"), _DELETE, "requests[1].priority: required"),
        (
            ("interpreters", 0, "languages", "ar"),
            "fluent",
            "interpreters[0].languages.ar: not a level",
        ),
        (
            ("interpreters", 0, "max_travel_km"),
            -1,
            "interpreters[0].max_travel_km: must be at least 0",
        ),
        (
            ("interpreters", 0, "max_travel_km"),
            True,
            "interpreters[0].max_travel_km: not a finite number",
        ),
        (("interpreters", 0, "modes", 1), "carrier pigeon", "interpreters[0].modes[1]: not a mode"),
        (
            ("interpreters", 0, "availability", 0, "end"),
            "2026-11-23",
            "interpreters[0].availability[0].end: not an ISO 8601 datetime with offset",
        ),
        (
            ("interpreters", 0, "busy", 0, "start"),
            5,
            "interpreters[0].busy[0].start: not an ISO 8601 datetime with offset",
        ),
        (("interpreters", 0, "home"), _DELETE, "interpreters[0].home: required"),
        (
            ("interpreters", 0, "excluded_clients"),
            "K-1",
            "interpreters[0].excluded_clients: not a list",
        ),
        (
            ("requests", 3, "excluded_interpreters"),
            "i-1",
            "requests[3].excluded_interpreters: not a list",
        ),
        (
            ("requests", 3, "excluded_interpreters"),
            [7],
            "requests[3].excluded_interpreters[0]: not a non-empty string",
        ),
        (
            ("requests", 3, "excluded_interpreters"),
            ["i-1", ""],
            "requests[3].excluded_interpreters[1]: not a non-empty string",
        ),
        (
            ("requests", 3, "excluded_interpreters"),
            None,
            "requests[3].excluded_interpreters: not a list",
        ),
        (("gap_minutes",), -5, "gap_minutes: must be at least 0"),
        (("format",), "wir-matching/2", 'format: not "wir-matching/1"'),
        (("requests",), {}, "requests: not a list"),
        (("interpreters",), _DELETE, "interpreters: required"),
    ],
)
def test_malformed_field_is_named(path: tuple[Any, ...], value: Any, message: str) -> None:
    doc = _set(_valid(), path, value)

    with pytest.raises(InstanceError) as caught:
        parse_instance(doc)

    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_error_names_the_first_bad_request_by_index() -> None:
    doc = _valid()
    doc["requests"][3]["start"] = "23.11.2026 09:00"

    with pytest.raises(InstanceError) as caught:
        parse_instance(doc)

    assert caught.value.path == "requests[3].start"


def test_bad_json_is_an_instance_error() -> None:
    with pytest.raises(InstanceError) as caught:
        load_instance('{"format": "wir-matching/1", ')

    assert str(caught.value).startswith("instance: not valid JSON (line 1")


def test_non_object_document_is_rejected() -> None:
    with pytest.raises(InstanceError, match=r"^instance: not a JSON object$"):
        load_instance("[1, 2]")


def test_nan_is_not_valid_json() -> None:
    with pytest.raises(InstanceError, match=r"^instance: not valid JSON"):
        load_instance('{"format": "wir-matching/1", "gap_minutes": NaN}')


def test_location_is_ignored_for_remote_requests() -> None:
    doc = document([interpreter("i-1")], [request("r-1", mode="phone", location="anywhere")])

    instance = parse_instance(doc)

    assert instance.requests[0].location is None


def test_offsets_on_both_sides_of_the_dst_change_give_utc_instants() -> None:
    doc = document(
        [
            interpreter(
                "i-1",
                availability=[
                    {"start": "2026-10-24T08:00:00+02:00", "end": "2026-10-26T16:00:00+01:00"}
                ],
            )
        ],
        [request("r-1", start="09:00", end="10:00")],
    )
    doc["requests"][0]["start"] = "2026-10-25T02:30:00+02:00"
    doc["requests"][0]["end"] = "2026-10-25T02:30:00+01:00"  # one hour later in UTC

    instance = parse_instance(doc)

    req = instance.requests[0]
    assert req.end_us - req.start_us == 3600 * 1_000_000


def test_excluded_interpreters_parse_as_a_set_and_unknown_ids_are_kept() -> None:
    doc = document(
        [interpreter("i-1")], [request("r-1", excluded_interpreters=["i-1", "i-gone", "i-1"])]
    )

    instance = parse_instance(doc)

    assert instance.requests[0].excluded_interpreters == frozenset({"i-1", "i-gone"})


def test_parsing_pauses_the_collector_and_restores_its_state() -> None:
    import gc

    from matching.core.gcpause import gc_paused

    seen: list[bool] = []
    assert gc.isenabled()
    with gc_paused():
        seen.append(gc.isenabled())
    load_instance('{"format": "wir-matching/1", "interpreters": [], "requests": []}')
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cached_instants_keep_each_offset_and_still_name_bad_fields() -> None:
    window = {"start": "2026-10-25T01:00:00+02:00", "end": "2026-10-25T05:00:00+01:00"}
    same_instant = {"start": "2026-10-24T23:00:00+00:00", "end": "2026-10-25T04:00:00+00:00"}
    doc = document(
        [interpreter("i-1", availability=[window]), interpreter("i-2", availability=[window])],
        [request("r-1")],
    )
    doc["interpreters"][1]["busy"] = [same_instant]

    instance = parse_instance(doc)

    first, second = instance.interpreters
    assert first.availability == second.availability
    assert str(first.availability[0].start.utcoffset()) == "2:00:00"
    (busy,) = second.busy
    assert busy.start_us == first.availability[0].start_us
    assert str(busy.start.utcoffset()) == "0:00:00"
    doc["interpreters"][1]["availability"] = [{"start": window["end"], "end": window["start"]}]
    with pytest.raises(InstanceError, match=r"^interpreters\[1\]\.availability\[0\]\.end: not"):
        parse_instance(doc)
