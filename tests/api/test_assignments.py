"""``/api/v1/assignments/``: the interpreter's own, the department's, the center's; days
filter; cancel by the interpreter or a coordinator (the caseworker cancels the request);
the interpreter never sees the client reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion
from sprachpool.models import InterpreterProfile
from tests.factories import DepartmentFactory
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, next_week_at
from tests.sprachpool.factories import interpreter

pytestmark = pytest.mark.django_db

LIST = reverse("api-assignments")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def detail(assignment: Assignment) -> str:
    return reverse("api-assignment-detail", args=[assignment.pk])


def cancel(assignment: Assignment) -> str:
    return reverse("api-assignment-cancel", args=[assignment.pk])


@pytest.fixture
def me(tenant: Any) -> InterpreterProfile:
    return interpreter(center=tenant.center, user=tenant.users["volunteer"])


def booked(
    profile: InterpreterProfile, tenant: Any, *, department: Any = None, days: int = 7
) -> Assignment:
    start = next_week_at(9, days=days)
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=department or tenant.department,
        status=InterpreterRequest.Status.ASSIGNED,
        client_ref="K-4711",
        start=start,
        end=start + dt.timedelta(hours=1),
    )
    return AssignmentFactory(request=request, interpreter=profile)


@pytest.fixture
def mine(me: InterpreterProfile, tenant: Any) -> Assignment:
    """Mine, for the caseworker's department."""
    return booked(me, tenant)


@pytest.fixture
def colleagues(tenant: Any) -> Assignment:
    """A colleague's, for another department of the center."""
    return booked(
        interpreter(center=tenant.center),
        tenant,
        department=DepartmentFactory(center=tenant.center),
    )


@pytest.fixture
def foreign(other_tenant: Any) -> Assignment:
    return booked(interpreter(center=other_tenant.center), other_tenant)


def snapshot() -> tuple[list[Any], ...]:
    return (
        list(Assignment.objects.order_by("pk").values_list()),
        list(InterpreterRequest.objects.order_by("pk").values_list()),
        list(Offer.objects.order_by("pk").values_list()),
        list(RequestExclusion.objects.order_by("pk").values_list()),
    )


# --------------------------------------------------------------------------- list, detail


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("volunteer", 200, {"mine"}),
        ("caseworker", 200, {"mine"}),
        ("coordinator", 200, {"mine", "colleagues"}),
        ("network_lead", 403, None),
    ],
)
def test_list_per_role(api_as, mine, colleagues, foreign, role, status, expected) -> None:
    names = {mine.pk: "mine", colleagues.pk: "colleagues", foreign.pk: "foreign"}

    response = api_as(role).get(LIST)

    assert response.status_code == status
    if expected is not None:
        body = response.json()
        assert {names[row["id"]] for row in body["results"]} == expected
        assert body["count"] == len(expected)


def test_the_other_center_sees_only_its_own(api_as, other_tenant, mine, foreign) -> None:
    for role in ("coordinator", "caseworker"):
        response = api_as(role, of=other_tenant).get(LIST)
        assert [row["id"] for row in response.json()["results"]] == [foreign.pk]


def test_list_anonymous_is_401(db) -> None:
    assert APIClient().get(LIST).status_code == 401


def test_assignment_json_for_the_caseworker(api_as, mine) -> None:
    response = api_as("caseworker").get(detail(mine))

    assert response.status_code == 200
    body = response.json()
    assert {"id", "request", "interpreter", "start", "end", "status", "allowance"} <= set(body)
    assert body["id"] == mine.pk
    assert body["status"] == "upcoming"
    assert body["allowance"] is None
    assert body["start"] == timezone.localtime(mine.start).isoformat()
    assert body["end"] == timezone.localtime(mine.end).isoformat()
    volunteer = mine.interpreter.volunteer
    assert body["interpreter"] == {
        "id": mine.interpreter_id,
        "display_name": volunteer.display_name,
        "phone": volunteer.phone,
    }
    assert body["request"]["id"] == mine.request_id
    assert body["request"]["client_ref"] == "K-4711"
    assert body["request"]["status"] == "assigned"
    assert body["request"]["place"]["street"] == mine.request.street


def test_interpreter_sees_the_address_but_not_the_client_ref(api_as, mine) -> None:
    response = api_as("volunteer").get(detail(mine))

    assert response.status_code == 200
    body = response.json()
    assert "client_ref" not in body["request"]
    assert "K-4711" not in response.content.decode()
    assert body["request"]["place"]["street"] == mine.request.street


def test_coordinator_sees_the_client_ref(api_as, colleagues) -> None:
    body = api_as("coordinator").get(detail(colleagues)).json()

    assert body["request"]["client_ref"] == "K-4711"


def test_relaying_center_gives_the_relay_number(api_as, tenant, mine) -> None:
    tenant.center.relay_contact = True
    tenant.center.relay_phone = "+496031830"
    tenant.center.save()

    body = api_as("caseworker").get(detail(mine)).json()

    assert body["interpreter"]["phone"] == "+496031830"


def test_list_filters_by_days(api_as, me, tenant) -> None:
    soon = booked(me, tenant, days=7)
    later = booked(me, tenant, days=14)
    client = api_as("volunteer")
    day = (next_week_at(9, days=14)).date().isoformat()

    from_day = client.get(LIST, {"from": day}).json()["results"]
    to_day = client.get(LIST, {"to": (next_week_at(9, days=8)).date().isoformat()}).json()

    assert [row["id"] for row in from_day] == [later.pk]
    assert [row["id"] for row in to_day["results"]] == [soon.pk]


def test_list_upcoming_and_past(api_as, me, tenant) -> None:
    coming = booked(me, tenant, days=7)
    past = booked(me, tenant, days=-7)
    client = api_as("volunteer")

    assert [r["id"] for r in client.get(LIST, {"upcoming": "true"}).json()["results"]] == [
        coming.pk
    ]
    assert [r["id"] for r in client.get(LIST, {"upcoming": "false"}).json()["results"]] == [past.pk]


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-02-30"}, {"to": "morgen"}, {"from": "9" * 40}, {"upcoming": "vielleicht"}],
)
def test_bad_filter_is_a_400_naming_it(api_as, mine, query) -> None:
    response = api_as("volunteer").get(LIST, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


@pytest.mark.parametrize(
    ("role", "which", "status"),
    [
        ("volunteer", "mine", 200),
        ("volunteer", "colleagues", 404),
        ("volunteer", "foreign", 404),
        ("caseworker", "mine", 200),
        ("caseworker", "colleagues", 404),
        ("caseworker", "foreign", 404),
        ("coordinator", "mine", 200),
        ("coordinator", "colleagues", 200),
        ("coordinator", "foreign", 404),
        ("network_lead", "mine", 404),
    ],
)
def test_detail_per_role_and_center(api_as, mine, colleagues, foreign, role, which, status) -> None:
    assignment = {"mine": mine, "colleagues": colleagues, "foreign": foreign}[which]

    assert api_as(role).get(detail(assignment)).status_code == status


def test_detail_of_unknown_and_huge_ids_is_404(api_as, me) -> None:
    client = api_as("coordinator")

    assert client.get("/api/v1/assignments/99999/").status_code == 404
    assert client.get(f"/api/v1/assignments/{10**30}/").status_code == 404


# --------------------------------------------------------------------------- cancel


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_cancel_reopens_the_request(api_as, mine, role) -> None:
    response = api_as(role).post(cancel(mine), {"reason": "Krank geworden"}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["cancel_reason"] == "Krank geworden"
    mine.refresh_from_db()
    mine.request.refresh_from_db()
    assert mine.status == Assignment.Status.CANCELLED
    assert mine.request.status == InterpreterRequest.Status.OPEN


def test_interpreter_who_cancels_is_not_asked_again(api_as, mine) -> None:
    api_as("volunteer").post(cancel(mine), {"reason": "Krank geworden"}, format="json")

    assert RequestExclusion.objects.filter(
        request=mine.request, interpreter=mine.interpreter
    ).exists()


def test_caseworker_may_not_cancel_the_assignment(api_as, mine) -> None:
    before = snapshot()

    response = api_as("caseworker").post(cancel(mine), {"reason": "x"}, format="json")

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "which"),
    [
        ("volunteer", "colleagues"),
        ("volunteer", "foreign"),
        ("coordinator", "foreign"),
        ("caseworker", "colleagues"),
        ("network_lead", "mine"),
    ],
)
def test_cancel_out_of_scope_is_404(api_as, mine, colleagues, foreign, role, which) -> None:
    assignment = {"mine": mine, "colleagues": colleagues, "foreign": foreign}[which]
    before = snapshot()

    response = api_as(role).post(cancel(assignment), {"reason": "fremd"}, format="json")

    assert response.status_code == 404
    assert snapshot() == before


def test_cancel_anonymous_is_401(mine) -> None:
    before = snapshot()

    assert APIClient().post(cancel(mine), {"reason": "x"}, format="json").status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": ""},
        {"reason": "  "},
        {"reason": None},
        {"reason": "x" * 501},
        {"reason": "Bitte anrufen: 0151 23456789"},
        {"reason": ["a"]},
    ],
)
def test_cancel_needs_a_good_reason(api_as, mine, body) -> None:
    before = snapshot()

    response = api_as("volunteer").post(cancel(mine), body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("body", ["[]", "{not json", '{"reason": "\\udc00"}'])
def test_malformed_cancel_body_is_a_400(api_as, mine, body) -> None:
    before = snapshot()

    response = api_as("volunteer").generic(
        "POST", cancel(mine), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_cancelled_assignment_cannot_be_cancelled_again(api_as, me, tenant) -> None:
    assignment = booked(me, tenant)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.CANCELLED)
    before = snapshot()

    response = api_as("volunteer").post(cancel(assignment), {"reason": "x"}, format="json")

    assert response.status_code in (400, 409)
    assert snapshot() == before


def test_past_assignment_cannot_be_cancelled(api_as, me, tenant) -> None:
    assignment = booked(me, tenant, days=-3)
    before = snapshot()

    response = api_as("volunteer").post(cancel(assignment), {"reason": "vergessen"}, format="json")

    assert response.status_code in (400, 409)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["volunteer", "caseworker", "coordinator"])
def test_list_reads_in_a_fixed_number_of_queries(api_as, me, tenant, role) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(role)
    booked(me, tenant, days=7)
    client.get(LIST)  # warm up (the caller's memberships are read once)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for day in range(8, 12):
        booked(me, tenant, days=day)
    with CaptureQueriesContext(connection) as five:
        response = client.get(LIST)

    assert response.json()["count"] == 5
    assert len(five) == len(one)


def test_opening_an_assignment_is_audited_except_for_the_interpreter(api_as, tenant, mine) -> None:
    from core.models import AuditEvent

    api_as("volunteer").get(detail(mine))
    api_as("caseworker").get(detail(mine))

    (event,) = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="volunteers.volunteer"
    )
    assert event.actor == tenant.users["caseworker"]
    assert event.object_id == str(mine.interpreter.volunteer_id)
