"""The Einsatznachweis and the allowance through the API: the requesting side confirms the
request, the interpreter their assignment, the coordinator decides; the assignment shows the
allowance; scoping (404), roles (403), every bad field at once (400), nothing changed on a
refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from requests.models import AllowanceEntry, Assignment, Confirmation, InterpreterRequest
from sprachpool.models import InterpreterProfile
from tests.factories import DepartmentFactory
from tests.requests.conftest import make_interpreter as login_interpreter
from tests.requests.helpers_after_match import both_confirm, confirm, ended
from tests.sprachpool.factories import interpreter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def as_user(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def me(tenant: Any) -> InterpreterProfile:
    return interpreter(center=tenant.center, user=tenant.users["volunteer"])


@pytest.fixture
def done(tenant: Any, me: InterpreterProfile) -> Assignment:
    """My assignment for the caseworker's department, ended an hour or two ago."""
    return ended(tenant, me)


def request_confirm(assignment: Assignment) -> str:
    return reverse("api-request-confirm", args=[assignment.request_id])


def assignment_confirm(assignment: Assignment) -> str:
    return reverse("api-assignment-confirm", args=[assignment.pk])


def decide(assignment: Assignment) -> str:
    return reverse("api-assignment-decide", args=[assignment.pk])


def times(assignment: Assignment, shift: int = 0) -> dict[str, str]:
    return {
        "actual_start": (assignment.start + dt.timedelta(minutes=shift)).isoformat(),
        "actual_end": (assignment.end + dt.timedelta(minutes=shift)).isoformat(),
    }


# --- the requesting side ------------------------------------------------------------------


def test_the_caseworker_confirms_the_request(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(done), times(done), format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == done.request_id
    entry = Confirmation.objects.get()
    assert (entry.side, entry.took_place, entry.actual_start) == ("requester", True, done.start)


def test_the_caseworker_says_it_did_not_take_place(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(done), {"took_place": False, "reason": "client_absent"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert Confirmation.objects.get().reason == "client_absent"


def test_a_confirmation_before_the_end_is_400_and_changes_nothing(
    tenant: Any, me: InterpreterProfile
) -> None:
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    running = ended(tenant, me, start=start, minutes=60)
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(running),
        {"actual_start": start.isoformat(), "actual_end": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "status" in response.json()
    assert not Confirmation.objects.exists()
    running.refresh_from_db()
    assert running.status == Assignment.Status.UPCOMING


def test_every_bad_field_is_named_at_once(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(done),
        {"actual_start": "yesterday", "note": "call +49 151 23456789"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"actual_start", "actual_end", "note"}
    assert not Confirmation.objects.exists()


def test_did_not_take_place_needs_a_reason(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(done), {"took_place": False}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"reason"}


def test_an_unknown_reason_is_a_field_error(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(done), {"took_place": False, "reason": "rain"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"reason"}


def test_a_request_without_assignment_cannot_be_confirmed(tenant: Any) -> None:
    from tests.requests.factories import InterpreterRequestFactory

    request = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    response = as_user(tenant.users["caseworker"]).post(
        reverse("api-request-confirm", args=[request.pk]), {}, format="json"
    )
    assert response.status_code == 400
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("role", ["volunteer", "network_lead"])
def test_roles_that_do_not_see_the_request_get_404(
    tenant: Any, done: Assignment, role: str
) -> None:
    response = as_user(tenant.users[role]).post(request_confirm(done), times(done), format="json")
    assert response.status_code == 404
    assert not Confirmation.objects.exists()


def test_another_department_and_another_center_get_404(
    tenant: Any, other_tenant: Any, me: InterpreterProfile
) -> None:
    elsewhere = ended(tenant, me, department=DepartmentFactory(center=tenant.center))
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(elsewhere), times(elsewhere), format="json"
    )
    assert response.status_code == 404
    response = as_user(other_tenant.users["coordinator"]).post(
        request_confirm(elsewhere), times(elsewhere), format="json"
    )
    assert response.status_code == 404
    assert not Confirmation.objects.exists()


# --- the interpreter's side -----------------------------------------------------------------


def test_both_sides_by_api_complete_the_assignment_with_the_allowance(
    tenant: Any, done: Assignment
) -> None:
    as_user(tenant.users["caseworker"]).post(request_confirm(done), times(done), format="json")
    response = as_user(tenant.users["volunteer"]).post(
        assignment_confirm(done), {"took_place": True, **times(done, 5)}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "completed"
    assert body["allowance"] == {"amount": 20.0, "rule": "flat_per_client"}
    assert body["confirmed"] == {"requester": True, "interpreter": True, "decided": False}
    assert body["took_place"] is True
    done.request.refresh_from_db()
    assert done.request.status == InterpreterRequest.Status.COMPLETED


def test_the_interpreter_gives_the_km(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["volunteer"]).post(
        assignment_confirm(done),
        {"took_place": True, "travel_km": "12.5", **times(done)},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert Confirmation.objects.get().travel_km == Decimal("12.5")


def test_the_interpreters_bad_fields_come_at_once(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["volunteer"]).post(
        assignment_confirm(done),
        {"took_place": "maybe", "travel_km": "-3", **times(done)},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"took_place", "travel_km"}
    assert not Confirmation.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_others_who_see_the_assignment_get_403(tenant: Any, done: Assignment, role: str) -> None:
    response = as_user(tenant.users[role]).post(
        assignment_confirm(done), {"took_place": True, **times(done)}, format="json"
    )
    assert response.status_code == 403
    assert not Confirmation.objects.exists()


def test_another_interpreters_assignment_is_404(tenant: Any, me: InterpreterProfile) -> None:
    theirs = ended(tenant, interpreter(center=tenant.center))
    response = as_user(tenant.users["volunteer"]).post(
        assignment_confirm(theirs), {"took_place": True, **times(theirs)}, format="json"
    )
    assert response.status_code == 404
    assert not Confirmation.objects.exists()


def test_disagreeing_sides_show_a_disputed_assignment_without_allowance(
    tenant: Any, done: Assignment
) -> None:
    confirm(tenant.users["caseworker"], done, "requester")
    response = as_user(tenant.users["volunteer"]).post(
        assignment_confirm(done), {"took_place": True, **times(done, 40)}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["allowance"]) == ("disputed", None)


# --- the coordinator decides ----------------------------------------------------------------


def test_the_coordinator_decides_a_dispute(tenant: Any, done: Assignment) -> None:
    confirm(tenant.users["caseworker"], done, "requester")
    confirm(tenant.users["volunteer"], done, "interpreter", shift=40)
    response = as_user(tenant.users["coordinator"]).post(
        decide(done), {"took_place": True, **times(done)}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "completed"
    assert response.json()["allowance"]["amount"] == 20.0


@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_only_coordinators_decide(tenant: Any, done: Assignment, role: str) -> None:
    response = as_user(tenant.users[role]).post(
        decide(done), {"took_place": True, **times(done)}, format="json"
    )
    assert response.status_code == 403
    assert not Confirmation.objects.exists()


def test_a_correction_without_note_is_400(tenant: Any, done: Assignment) -> None:
    both_confirm(tenant, done)
    response = as_user(tenant.users["coordinator"]).post(
        decide(done), {"took_place": False, "reason": "client_absent"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"note"}
    assert AllowanceEntry.objects.count() == 1


# --- the allowance on the assignment and the list -------------------------------------------


def test_the_caseworker_does_not_see_the_allowance(tenant: Any, done: Assignment) -> None:
    both_confirm(tenant, done)
    body = (
        as_user(tenant.users["caseworker"])
        .get(reverse("api-assignment-detail", args=[done.pk]))
        .json()
    )
    assert body["status"] == "completed"
    assert body["allowance"] is None


def test_the_interpreter_lists_own_entries_without_client(
    tenant: Any, done: Assignment, me: InterpreterProfile
) -> None:
    both_confirm(tenant, done)
    both_confirm(tenant, ended(tenant, login_interpreter(tenant.center, username="colleague")))
    response = as_user(tenant.users["volunteer"]).get(reverse("api-allowances"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["assignment"] for r in results] == [done.pk]
    assert results[0]["amount"] == 20.0
    assert "client_ref" not in results[0]


def test_the_coordinator_lists_the_centers_entries_with_client(
    tenant: Any, other_tenant: Any, done: Assignment
) -> None:
    both_confirm(tenant, done)
    foreign = ended(other_tenant, interpreter(center=other_tenant.center))
    AllowanceEntry.objects.create(
        center=other_tenant.center,
        interpreter=foreign.interpreter,
        assignment=foreign,
        basis="took_place",
        rule="flat_per_client",
        amount=Decimal("20.00"),
        month=dt.date(2026, 1, 1),
    )
    response = as_user(tenant.users["coordinator"]).get(reverse("api-allowances"))
    results = response.json()["results"]
    assert [(r["assignment"], r["client_ref"]) for r in results] == [(done.pk, "K-4711")]


def test_the_year_filters_the_list(tenant: Any, done: Assignment) -> None:
    both_confirm(tenant, done)
    year = timezone.localdate(done.start).year
    client = as_user(tenant.users["coordinator"])
    assert client.get(reverse("api-allowances"), {"year": year}).json()["count"] == 1
    assert client.get(reverse("api-allowances"), {"year": year - 1}).json()["count"] == 0
    assert client.get(reverse("api-allowances"), {"year": "soon"}).status_code == 400


def test_a_caseworker_gets_no_allowance_list(tenant: Any) -> None:
    assert as_user(tenant.users["caseworker"]).get(reverse("api-allowances")).status_code == 403


def test_the_interpreter_sees_the_summary(tenant: Any, done: Assignment) -> None:
    both_confirm(tenant, done)
    year = timezone.localdate(done.start).year
    response = as_user(tenant.users["volunteer"]).get(
        reverse("api-allowance-summary"), {"year": year}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["over_limit"]) == (20.0, False)
    assert body["remaining"] == float(body["limit"]) - 20.0


def test_the_requesting_side_gives_no_km(tenant: Any, done: Assignment) -> None:
    response = as_user(tenant.users["caseworker"]).post(
        request_confirm(done), {"travel_km": "10", **times(done)}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"travel_km"}
    assert not Confirmation.objects.exists()
