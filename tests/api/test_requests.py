"""``/api/v1/requests/``: list, create, detail, change and cancel per the contract; scope per
role and center (other center 404, other department 404, registries' roles 403, anonymous
401); every bad field a 400 that stores nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from requests.models import Assignment, InterpreterRequest, Offer
from tests.factories import DepartmentFactory
from tests.requests.factories import (
    AssignmentFactory,
    InterpreterRequestFactory,
    OfferFactory,
    next_week_at,
)

pytestmark = pytest.mark.django_db

LIST = reverse("api-requests")
CONTRACT_FIELDS = {
    "id",
    "department",
    "language",
    "min_level",
    "start",
    "end",
    "mode",
    "place",
    "topic",
    "minors_involved",
    "gender_preference",
    "client_ref",
    "priority",
    "notes",
    "status",
    "interpreter",
    "created_at",
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def detail(request: InterpreterRequest) -> str:
    return reverse("api-request-detail", args=[request.pk])


def cancel(request: InterpreterRequest) -> str:
    return reverse("api-request-cancel", args=[request.pk])


def start_in(days: int = 14, hour: int = 9) -> dt.datetime:
    return next_week_at(hour, days=days)


def own_request(tenant: Any, **fields: Any) -> InterpreterRequest:
    """A request of the tenant's caseworker's department."""
    fields.setdefault("place", tenant.place)
    return InterpreterRequestFactory(center=tenant.center, department=tenant.department, **fields)


def payload(tenant: Any, **fields: Any) -> dict[str, Any]:
    start = start_in()
    body: dict[str, Any] = {
        "language": "ar",
        "min_level": "B2",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=1)).isoformat(),
        "mode": "in_person",
        "place": tenant.place.pk,
        "topic": "health",
        "minors_involved": False,
        "gender_preference": None,
        "client_ref": "K-1177",
        "priority": "normal",
        "notes": "",
    }
    body.update(fields)
    return body


def snapshot() -> list[tuple[Any, ...]]:
    return list(InterpreterRequest.objects.order_by("pk").values_list())


# --------------------------------------------------------------------------- list


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("coordinator", 200, {"K-1", "K-2"}),
        ("caseworker", 200, {"K-1"}),
        ("volunteer", 403, None),
        ("network_lead", 403, None),
    ],
)
def test_list_per_role(api_as, tenant, other_tenant, role, status, expected) -> None:
    own_request(tenant, client_ref="K-1")
    InterpreterRequestFactory(
        center=tenant.center, department=DepartmentFactory(center=tenant.center), client_ref="K-2"
    )
    InterpreterRequestFactory(
        center=other_tenant.center, department=other_tenant.department, client_ref="K-3"
    )

    response = api_as(role).get(LIST)

    assert response.status_code == status
    if expected is not None:
        body = response.json()
        assert {row["client_ref"] for row in body["results"]} == expected
        assert body["count"] == len(expected)
        assert set(body) == {"count", "next", "previous", "results"}


def test_list_of_the_other_center_shows_only_its_own(api_as, tenant, other_tenant) -> None:
    own_request(tenant, client_ref="K-1")
    InterpreterRequestFactory(
        center=other_tenant.center, department=other_tenant.department, client_ref="K-3"
    )

    for role in ("coordinator", "caseworker"):
        response = api_as(role, of=other_tenant).get(LIST)
        assert [row["client_ref"] for row in response.json()["results"]] == ["K-3"]


def test_list_anonymous_is_401(db) -> None:
    assert APIClient().get(LIST).status_code == 401


def test_list_paginates(api_as, tenant) -> None:
    for n in range(3):
        own_request(tenant, client_ref=f"K-{n}")

    body = api_as("caseworker").get(LIST, {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None
    assert body["previous"] is None


def test_request_json_is_the_contract(api_as, tenant) -> None:
    request = own_request(
        tenant,
        start=dt.datetime(2030, 11, 25, 9, 0, tzinfo=dt.UTC) - dt.timedelta(hours=1),
        end=dt.datetime(2030, 11, 25, 10, 0, tzinfo=dt.UTC) - dt.timedelta(hours=1),
        client_ref="K-1177",
    )

    (row,) = api_as("caseworker").get(LIST).json()["results"]

    assert set(row) >= CONTRACT_FIELDS
    assert row["id"] == request.pk
    assert row["department"] == tenant.department.pk
    assert row["language"] == "ar"
    assert row["min_level"] == "B1"
    assert row["start"] == "2030-11-25T09:00:00+01:00"
    assert row["end"] == "2030-11-25T10:00:00+01:00"
    assert row["mode"] == "in_person"
    assert row["place"] == {
        "id": tenant.place.pk,
        "name": tenant.place.name,
        "street": tenant.place.street,
        "postcode": tenant.place.postcode,
        "city": tenant.place.city,
        "lat": tenant.place.lat,
        "lon": tenant.place.lon,
    }
    assert row["topic"] == "health"
    assert row["minors_involved"] is False
    assert row["gender_preference"] is None
    assert row["client_ref"] == "K-1177"
    assert row["priority"] == "normal"
    assert row["notes"] == ""
    assert row["status"] == "open"
    assert row["interpreter"] is None
    assert dt.datetime.fromisoformat(row["created_at"]).utcoffset() is not None


def test_summer_times_carry_the_summer_offset(api_as, tenant) -> None:
    own_request(
        tenant,
        start=dt.datetime(2030, 7, 1, 7, 0, tzinfo=dt.UTC),
        end=dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC),
    )

    (row,) = api_as("caseworker").get(LIST).json()["results"]

    assert row["start"] == "2030-07-01T09:00:00+02:00"


def test_phone_request_without_place_has_place_null(api_as, tenant) -> None:
    own_request(tenant, mode="phone", place=None)

    (row,) = api_as("caseworker").get(LIST).json()["results"]

    assert row["place"] is None


def test_assigned_request_shows_the_interpreter(api_as, tenant) -> None:
    assignment = AssignmentFactory(
        request=own_request(tenant, status=InterpreterRequest.Status.ASSIGNED)
    )
    volunteer = assignment.interpreter.volunteer

    for role in ("caseworker", "coordinator"):
        row = api_as(role).get(detail(assignment.request)).json()
        assert row["status"] == "assigned"
        assert row["interpreter"] == {
            "id": assignment.interpreter_id,
            "display_name": volunteer.display_name,
            "phone": volunteer.phone,
        }


def test_relaying_center_gives_its_relay_number(api_as, tenant) -> None:
    tenant.center.relay_contact = True
    tenant.center.relay_phone = "+496031830"
    tenant.center.save()
    assignment = AssignmentFactory(
        request=own_request(tenant, status=InterpreterRequest.Status.ASSIGNED)
    )

    row = api_as("caseworker").get(detail(assignment.request)).json()

    assert row["interpreter"]["phone"] == "+496031830"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "offered"}, {"K-2"}),
        ({"language": "ti"}, {"K-2"}),
        ({"mode": "video"}, {"K-3"}),
        ({"from": "DAY20"}, {"K-2", "K-3"}),
        ({"to": "DAY15"}, {"K-1"}),
        ({"from": "DAY20", "to": "DAY20"}, {"K-2"}),
        ({"q": "k-3"}, {"K-3"}),
        ({"status": "open", "mode": "in_person"}, {"K-1"}),
    ],
)
def test_list_filters(api_as, tenant, query, expected) -> None:
    own_request(tenant, client_ref="K-1", start=start_in(14))
    own_request(
        tenant,
        client_ref="K-2",
        start=start_in(20),
        language_id="ti",
        status=InterpreterRequest.Status.OFFERED,
    )
    own_request(tenant, client_ref="K-3", start=start_in(25), mode="video", place=None)
    days = {
        "DAY15": (start_in(15)).date().isoformat(),
        "DAY20": (start_in(20)).date().isoformat(),
    }
    params = {key: days.get(value, value) for key, value in query.items()}

    response = api_as("caseworker").get(LIST, params)

    assert response.status_code == 200
    assert {row["client_ref"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"mode": "teleport"},
        {"from": "2026-13-45"},
        {"to": "yesterday"},
        {"department": "x"},
        {"department": str(10**30)},
        {"q": "K" * 200},
        {"language": "x" * 100},
    ],
)
def test_bad_filter_is_a_400_naming_it(api_as, tenant, query) -> None:
    response = api_as("coordinator").get(LIST, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


# --------------------------------------------------------------------------- detail


@pytest.mark.parametrize(
    ("role", "of_other", "status"),
    [
        ("coordinator", False, 200),
        ("caseworker", False, 200),
        ("volunteer", False, 404),
        ("network_lead", False, 404),
        ("coordinator", True, 404),
        ("caseworker", True, 404),
        ("volunteer", True, 404),
        ("network_lead", True, 404),
    ],
)
def test_detail_per_role_and_center(api_as, tenant, other_tenant, role, of_other, status) -> None:
    request = own_request(tenant)
    client = api_as(role, of=other_tenant if of_other else tenant)

    response = client.get(detail(request))

    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == request.pk


def test_detail_of_another_department_is_404_for_a_caseworker(api_as, tenant) -> None:
    request = InterpreterRequestFactory(
        center=tenant.center, department=DepartmentFactory(center=tenant.center)
    )

    assert api_as("caseworker").get(detail(request)).status_code == 404
    assert api_as("coordinator").get(detail(request)).status_code == 200


def test_detail_anonymous_is_401(tenant) -> None:
    assert APIClient().get(detail(own_request(tenant))).status_code == 401


def test_detail_of_unknown_and_huge_ids_is_404(api_as) -> None:
    client = api_as("coordinator")

    assert client.get("/api/v1/requests/999999/").status_code == 404
    assert client.get(f"/api/v1/requests/{10**30}/").status_code == 404


# --------------------------------------------------------------------------- create


def test_caseworker_files_a_request_for_their_department(api_as, tenant) -> None:
    response = api_as("caseworker").post(LIST, payload(tenant), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    stored = InterpreterRequest.objects.get(pk=body["id"])
    assert stored.department == tenant.department
    assert stored.created_by == tenant.users["caseworker"]
    assert body["department"] == tenant.department.pk
    assert body["status"] == "open"
    assert body["min_level"] == "B2"
    assert body["place"]["id"] == tenant.place.pk
    assert body["place"]["city"] == tenant.place.city
    assert body["interpreter"] is None
    assert body["gender_preference"] is None
    assert set(body) >= CONTRACT_FIELDS


def test_place_as_an_object_takes_coordinates_from_the_registry(api_as, tenant) -> None:
    place = {"name": "Praxis", "street": "Kaiserstraße 1", "postcode": "61169", "city": ""}

    response = api_as("caseworker").post(LIST, payload(tenant, place=place), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()["place"]
    assert body["street"] == "Kaiserstraße 1"
    assert body["postcode"] == "61169"
    assert body["city"] == tenant.place.city
    assert (body["lat"], body["lon"]) == (tenant.place.lat, tenant.place.lon)


def test_place_object_with_its_own_coordinates(api_as, tenant) -> None:
    place = {
        "street": "Europaplatz",
        "postcode": "61169",
        "city": "Friedberg",
        "lat": 50.3356,
        "lon": 8.7555,
    }

    response = api_as("caseworker").post(LIST, payload(tenant, place=place), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["place"]["lat"] == 50.3356


def test_phone_request_needs_no_place(api_as, tenant) -> None:
    body = payload(tenant, mode="phone")
    del body["place"]

    response = api_as("caseworker").post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["place"] is None


def test_urgent_request_with_reason_skips_the_lead_time(api_as, tenant) -> None:
    start = next_week_at(9, days=1)
    body = payload(
        tenant,
        start=start.isoformat(),
        end=(start + dt.timedelta(minutes=30)).isoformat(),
        priority="urgent",
        urgency_reason="Child protection case",
    )

    response = api_as("caseworker").post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["urgency_reason"] == "Child protection case"


def test_coordinator_files_for_a_department_of_their_center(api_as, tenant) -> None:
    department = DepartmentFactory(center=tenant.center)

    response = api_as("coordinator").post(
        LIST, payload(tenant, department=department.pk), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["department"] == department.pk


def test_coordinator_without_department_is_asked_for_one(api_as, tenant) -> None:
    response = api_as("coordinator").post(LIST, payload(tenant), format="json")

    assert response.status_code == 400
    assert "department" in response.json()
    assert InterpreterRequest.objects.count() == 0


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_department_of_the_other_center_is_refused(api_as, tenant, other_tenant, role) -> None:
    response = api_as(role).post(
        LIST, payload(tenant, department=other_tenant.department.pk), format="json"
    )

    assert response.status_code == 400
    assert "department" in response.json()
    assert InterpreterRequest.objects.count() == 0


def test_caseworker_cannot_file_for_another_department(api_as, tenant) -> None:
    other = DepartmentFactory(center=tenant.center)

    response = api_as("caseworker").post(LIST, payload(tenant, department=other.pk), format="json")

    assert response.status_code == 400
    assert InterpreterRequest.objects.count() == 0


@pytest.mark.parametrize("role", ["volunteer", "network_lead"])
def test_other_roles_cannot_file(api_as, tenant, role) -> None:
    response = api_as(role).post(LIST, payload(tenant), format="json")

    assert response.status_code == 403
    assert InterpreterRequest.objects.count() == 0


def test_anonymous_cannot_file(tenant) -> None:
    response = APIClient().post(LIST, payload(tenant), format="json")

    assert response.status_code == 401
    assert InterpreterRequest.objects.count() == 0


def _past() -> str:
    return (next_week_at(9, days=-2)).isoformat()


BAD_FIELDS: list[tuple[str, Any]] = [
    ("language", "xx-unknown"),
    ("language", ""),
    ("language", 42),
    ("language", "a" * 100),
    ("min_level", "Z9"),
    ("start", "not a date"),
    ("start", "2026-02-30T09:00:00+01:00"),
    ("start", None),
    ("start", _past()),
    ("end", "31.12.2026 10:00"),
    ("mode", "teleport"),
    ("mode", ["in_person"]),
    ("place", "Kreishaus"),
    ("place", 10**30),
    ("place", -1),
    ("place", True),
    ("place", [1]),
    ("place", {"street": "x" * 300, "postcode": "61169"}),
    ("place", {"postcode": "61169", "lat": 1000, "lon": 8.7}),
    ("place", {"postcode": "99999", "street": "Irgendwo 1"}),
    ("topic", "court"),
    ("topic", "astrology"),
    ("minors_involved", "perhaps"),
    ("gender_preference", "x"),
    ("client_ref", "max.mustermann@example.org"),
    ("client_ref", "0151 23456789"),
    ("client_ref", "Max Mustermann"),
    ("client_ref", "K" * 41),
    ("priority", "asap"),
    ("notes", "x" * 100_000),
    ("notes", "Rückruf unter 0151 23456789"),
    ("notes", "mail an a@b.de"),
    ("notes", "nul\x00byte"),
    ("urgency_reason", "x" * 201),
    ("department", 10**30),
    ("department", "Gesundheitsamt"),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_bad_field_is_a_400_and_nothing_is_stored(api_as, tenant, field, value) -> None:
    place_field = field == "place" and isinstance(value, dict)
    response = api_as("caseworker").post(LIST, payload(tenant, **{field: value}), format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    if place_field:
        assert set(body) & {"place", "street", "postcode", "city", "lat", "lon"}
    elif "\x00" in str(value):
        assert field in body or "detail" in body  # refused by the parser or the field
    else:
        assert field in body, body
    assert InterpreterRequest.objects.count() == 0


def test_missing_place_for_in_person_is_a_field_error(api_as, tenant) -> None:
    body = payload(tenant)
    del body["place"]

    response = api_as("caseworker").post(LIST, body, format="json")

    assert response.status_code == 400
    assert "place" in response.json()


def test_place_of_the_other_center_is_unknown(api_as, tenant, other_tenant) -> None:
    response = api_as("caseworker").post(
        LIST, payload(tenant, place=other_tenant.place.pk), format="json"
    )

    assert response.status_code == 400
    assert "place" in response.json()
    assert InterpreterRequest.objects.count() == 0


def test_end_before_start_and_too_long(api_as, tenant) -> None:
    start = start_in()
    client = api_as("caseworker")

    before = client.post(
        LIST, payload(tenant, end=(start - dt.timedelta(hours=1)).isoformat()), format="json"
    )
    long = client.post(
        LIST, payload(tenant, end=(start + dt.timedelta(hours=9)).isoformat()), format="json"
    )
    short = client.post(
        LIST, payload(tenant, end=(start + dt.timedelta(minutes=10)).isoformat()), format="json"
    )

    for response in (before, long, short):
        assert response.status_code == 400
        assert "end" in response.json()
    assert InterpreterRequest.objects.count() == 0


def test_lead_time_applies_to_normal_requests(api_as, tenant) -> None:
    start = next_week_at(9, days=1)
    body = payload(tenant, start=start.isoformat(), end=(start + dt.timedelta(hours=1)).isoformat())

    response = api_as("caseworker").post(LIST, body, format="json")

    assert response.status_code == 400
    assert "start" in response.json()


def test_urgent_without_reason_is_refused(api_as, tenant) -> None:
    response = api_as("caseworker").post(LIST, payload(tenant, priority="urgent"), format="json")

    assert response.status_code == 400
    assert "urgency_reason" in response.json()


def test_every_error_is_reported_at_once(api_as, tenant) -> None:
    response = api_as("caseworker").post(
        LIST,
        payload(tenant, language="xx-unknown", topic="court", client_ref="a@b.de"),
        format="json",
    )

    assert response.status_code == 400
    assert {"language", "topic", "client_ref"} <= set(response.json())


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"text"',
        "123",
        "{not json",
        '{"start": "\\ud800"}',
        '{"notes": "lone surrogate \\ud800", "language": "ar"}',
        '{"client_ref": "\\udfff"}',
        '{"place": 1e400}',
        '{"department": 123456789012345678901234567890}',
    ],
)
def test_malformed_body_is_a_400(api_as, tenant, body) -> None:
    response = api_as("caseworker").generic("POST", LIST, body, content_type="application/json")

    assert response.status_code == 400
    assert InterpreterRequest.objects.count() == 0


def test_client_cap_flag_is_shown(api_as, tenant) -> None:
    tenant.center.allowance_cap_per_client = 1
    tenant.center.save()
    AssignmentFactory(
        request=own_request(tenant, client_ref="K-5", status=InterpreterRequest.Status.ASSIGNED)
    )

    response = api_as("caseworker").post(LIST, payload(tenant, client_ref="K-5"), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["client_cap_reached"] is True


# --------------------------------------------------------------------------- change


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_open_request_can_be_changed(api_as, tenant, role) -> None:
    request = own_request(tenant, start=start_in(14), end=start_in(14) + dt.timedelta(hours=1))

    response = api_as(role).patch(
        detail(request), {"notes": "Bitte pünktlich", "min_level": "C1"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["notes"] == "Bitte pünktlich"
    request.refresh_from_db()
    assert (request.notes, request.min_level) == ("Bitte pünktlich", "C1")


def test_change_to_phone_without_place(api_as, tenant) -> None:
    request = own_request(tenant)

    response = api_as("caseworker").patch(
        detail(request), {"mode": "phone", "place": None}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["mode"] == "phone"
    assert response.json()["place"] is None


@pytest.mark.parametrize(
    "status", [InterpreterRequest.Status.OFFERED, InterpreterRequest.Status.CANCELLED]
)
def test_request_that_is_not_open_cannot_be_changed(api_as, tenant, status) -> None:
    request = own_request(tenant, status=status)
    before = snapshot()

    response = api_as("caseworker").patch(detail(request), {"notes": "neu"}, format="json")

    assert response.status_code in (400, 409)
    assert "status" in response.json() or "detail" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
def test_bad_field_in_a_change_is_a_400_and_changes_nothing(api_as, tenant, field, value) -> None:
    if field == "department":
        pytest.skip("a request stays with its department")
    request = own_request(tenant)
    before = snapshot()

    response = api_as("caseworker").patch(detail(request), {field: value}, format="json")

    assert response.status_code == 400, response.content
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "of_other", "status"),
    [
        ("volunteer", False, 404),
        ("network_lead", False, 404),
        ("coordinator", True, 404),
        ("caseworker", True, 404),
    ],
)
def test_change_out_of_scope_is_404_and_changes_nothing(
    api_as, tenant, other_tenant, role, of_other, status
) -> None:
    request = own_request(tenant)
    before = snapshot()

    response = api_as(role, of=other_tenant if of_other else tenant).patch(
        detail(request), {"notes": "fremd"}, format="json"
    )

    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize(
    "body", ['{"notes": "\\ud800"}', '{"client_ref": "K-\\udfff1"}', '{"notes": "a\\u0000b"}']
)
def test_unencodable_text_in_a_change_is_a_400(api_as, tenant, body) -> None:
    request = own_request(tenant)
    before = snapshot()

    response = api_as("caseworker").generic(
        "PATCH", detail(request), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_change_anonymous_is_401(tenant) -> None:
    request = own_request(tenant)

    assert APIClient().patch(detail(request), {"notes": "x"}, format="json").status_code == 401
    request.refresh_from_db()
    assert request.notes == ""


# --------------------------------------------------------------------------- cancel


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_cancel_with_reason(api_as, tenant, role) -> None:
    request = own_request(tenant)

    response = api_as(role).post(cancel(request), {"reason": "Termin entfällt"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancel_reason"] == "Termin entfällt"
    request.refresh_from_db()
    assert request.status == InterpreterRequest.Status.CANCELLED


def test_cancel_withdraws_the_pending_offer(api_as, tenant) -> None:
    offer = OfferFactory(request=own_request(tenant, status=InterpreterRequest.Status.OFFERED))

    response = api_as("caseworker").post(
        cancel(offer.request), {"reason": "Termin entfällt"}, format="json"
    )

    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_cancel_frees_the_assignment(api_as, tenant) -> None:
    assignment = AssignmentFactory(
        request=own_request(tenant, status=InterpreterRequest.Status.ASSIGNED)
    )

    response = api_as("caseworker").post(
        cancel(assignment.request), {"reason": "Klient verzogen"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["interpreter"] is None
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}, {"reason": None}]
)
def test_cancel_needs_a_reason(api_as, tenant, body) -> None:
    request = own_request(tenant)
    before = snapshot()

    response = api_as("caseworker").post(cancel(request), body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot() == before


def test_cancelled_request_cannot_be_cancelled_again(api_as, tenant) -> None:
    request = own_request(tenant, status=InterpreterRequest.Status.CANCELLED)
    before = snapshot()

    response = api_as("caseworker").post(cancel(request), {"reason": "nochmal"}, format="json")

    assert response.status_code in (400, 409)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "of_other"),
    [
        ("volunteer", False),
        ("network_lead", False),
        ("coordinator", True),
        ("caseworker", True),
    ],
)
def test_cancel_out_of_scope_is_404(api_as, tenant, other_tenant, role, of_other) -> None:
    request = own_request(tenant)
    before = snapshot()

    response = api_as(role, of=other_tenant if of_other else tenant).post(
        cancel(request), {"reason": "fremd"}, format="json"
    )

    assert response.status_code == 404
    assert snapshot() == before


def test_cancel_anonymous_is_401(tenant) -> None:
    request = own_request(tenant)

    response = APIClient().post(cancel(request), {"reason": "x"}, format="json")

    assert response.status_code == 401
    request.refresh_from_db()
    assert request.status == InterpreterRequest.Status.OPEN


def test_search_is_an_alias_of_q(api_as, tenant) -> None:
    own_request(tenant, client_ref="K-1")
    own_request(tenant, client_ref="K-22")

    response = api_as("caseworker").get(LIST, {"search": "22"})

    assert [row["client_ref"] for row in response.json()["results"]] == ["K-22"]


def test_open_request_moves_to_another_department_of_the_center(api_as, tenant) -> None:
    request = own_request(tenant)
    other = DepartmentFactory(center=tenant.center)

    response = api_as("coordinator").patch(detail(request), {"department": other.pk}, format="json")

    assert response.status_code == 200, response.json()
    request.refresh_from_db()
    assert request.department == other


def test_request_cannot_move_to_the_other_center(api_as, tenant, other_tenant) -> None:
    request = own_request(tenant)
    before = snapshot()

    response = api_as("coordinator").patch(
        detail(request), {"department": other_tenant.department.pk}, format="json"
    )

    assert response.status_code == 400
    assert "department" in response.json()
    assert snapshot() == before


def _assigned(tenant: Any, n: int) -> None:
    for _ in range(n):
        AssignmentFactory(request=own_request(tenant, status=InterpreterRequest.Status.ASSIGNED))


def test_list_reads_in_a_fixed_number_of_queries(api_as, tenant) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("coordinator")
    _assigned(tenant, 1)
    client.get(LIST)  # warm up (the caller's memberships are read once)

    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    _assigned(tenant, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(LIST)

    assert response.json()["count"] == 5
    assert len(five) == len(one)


def test_seeing_the_interpreter_is_audited(api_as, tenant) -> None:
    from core.models import AuditEvent

    assignment = AssignmentFactory(
        request=own_request(tenant, status=InterpreterRequest.Status.ASSIGNED)
    )
    open_one = own_request(tenant)

    api_as("caseworker").get(detail(assignment.request))
    api_as("caseworker").get(detail(open_one))

    (event,) = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="volunteers.volunteer"
    )
    assert event.actor == tenant.users["caseworker"]
    assert event.object_id == str(assignment.interpreter.volunteer_id)


def test_a_free_address_keeps_its_name(api_as, tenant) -> None:  # type: ignore[no-untyped-def]
    from tests.requests.factories import next_week_at

    tenant.center.min_lead_working_days = 0
    tenant.center.save()
    start = next_week_at(9)
    response = api_as("caseworker").post(
        "/api/v1/requests/",
        {
            "language": "ar",
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
            "mode": "in_person",
            "topic": "health",
            "place": {
                "name": "Praxis am Markt",
                "street": "Markt 1",
                "postcode": tenant.place.postcode,
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["place"]["name"] == "Praxis am Markt"
