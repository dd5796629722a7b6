"""The two-sided Einsatznachweis: both sides agree → completed and paid; they disagree →
disputed and unpaid until the coordinator decides; corrections are new entries; refusals
change nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from core.choices import Mode
from core.models import AuditEvent, Role
from requests import confirmations
from requests.models import (
    AbsenceReason,
    AllowanceEntry,
    Assignment,
    Confirmation,
    InterpreterRequest,
)
from tests.conftest import Tenant
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.requests.helpers_after_match import both_confirm, confirm, ended

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def caseworker(tenant: Tenant) -> Any:
    return tenant.users["caseworker"]


def me(assignment: Assignment) -> Any:
    return assignment.interpreter.volunteer.user


def fresh(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_related("request").get(pk=assignment.pk)


# --- settling ---------------------------------------------------------------------------------


def test_both_sides_agreeing_complete_the_assignment_and_the_request(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment)
    done = fresh(assignment)
    assert done.status == Assignment.Status.COMPLETED
    assert done.took_place is True
    assert (done.actual_start, done.actual_end) == (assignment.start, assignment.end)
    assert done.completed_at is not None
    assert done.request.status == InterpreterRequest.Status.COMPLETED


def test_agreement_books_the_allowance(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment)
    entry = AllowanceEntry.objects.get(assignment=assignment)
    assert (entry.kind, entry.basis, entry.amount) == ("assignment", "took_place", Decimal("20.00"))


def test_one_side_alone_settles_nothing(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    confirm(caseworker(tenant), assignment, "requester")
    assert fresh(assignment).status == Assignment.Status.UPCOMING
    assert not AllowanceEntry.objects.exists()


def test_the_requesters_times_and_the_interpreters_km_are_kept(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(caseworker(tenant), assignment, "requester", shift=5)
    confirm(me(assignment), assignment, "interpreter", travel_km=Decimal("12.5"))
    done = fresh(assignment)
    assert done.actual_start == assignment.start + dt.timedelta(minutes=5)
    assert done.travel_km == Decimal("12.5")


def test_times_exactly_15_minutes_apart_still_agree(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    confirm(caseworker(tenant), assignment, "requester")
    confirm(me(assignment), assignment, "interpreter", shift=-15, end_shift=-15)
    assert fresh(assignment).status == Assignment.Status.COMPLETED


def test_times_16_minutes_apart_are_disputed_and_unpaid(
    tenant: Tenant, interpreter: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assignment = ended(tenant, interpreter)
    with django_capture_on_commit_callbacks() as callbacks:
        confirm(caseworker(tenant), assignment, "requester")
        confirm(me(assignment), assignment, "interpreter", shift=0, end_shift=-16)
    done = fresh(assignment)
    assert done.status == Assignment.Status.DISPUTED
    assert done.request.status == InterpreterRequest.Status.ASSIGNED
    assert not AllowanceEntry.objects.exists()
    assert len(callbacks) == 1  # the coordinators are told (confirmation_disputed)


def test_one_side_saying_it_did_not_take_place_is_a_dispute(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(caseworker(tenant), assignment, "requester")
    confirm(
        me(assignment),
        assignment,
        "interpreter",
        took_place=False,
        reason=AbsenceReason.CLIENT_ABSENT,
    )
    assert fresh(assignment).status == Assignment.Status.DISPUTED


def test_both_saying_the_client_did_not_come_complete_it_as_not_taken_place(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment, took_place=False, reason=AbsenceReason.CLIENT_ABSENT)
    done = fresh(assignment)
    assert (done.status, done.took_place) == (Assignment.Status.COMPLETED, False)
    assert AllowanceEntry.objects.get(assignment=assignment).basis == "client_absent"


def test_different_reasons_for_not_taking_place_are_a_dispute(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(
        caseworker(tenant),
        assignment,
        "requester",
        took_place=False,
        reason=AbsenceReason.INTERPRETER_ABSENT,
    )
    confirm(me(assignment), assignment, "interpreter", took_place=False, reason="client_absent")
    assert fresh(assignment).status == Assignment.Status.DISPUTED


def test_a_coordinator_may_confirm_the_requesting_side(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    entry = confirm(tenant.users["coordinator"], assignment, "requester")
    assert entry.side == Confirmation.Side.REQUESTER


def test_missing_km_of_an_in_person_appointment_take_the_home_distance(
    tenant: Tenant, interpreter: Any
) -> None:
    volunteer = interpreter.volunteer
    volunteer.home_lat, volunteer.home_lon = 50.3353, 8.8550  # ~7.1 km east of the place
    volunteer.save()
    assignment = ended(tenant, interpreter)
    entry = confirm(me(assignment), assignment, "interpreter")
    assert entry.travel_km == confirmations.travel_km_prefill(assignment=assignment)
    assert Decimal("14.0") < entry.travel_km < Decimal("14.5")


# --- refusals ---------------------------------------------------------------------------------


def test_a_confirmation_before_the_end_is_refused_and_changes_nothing(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    before_end = assignment.end - dt.timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        confirm(
            caseworker(tenant),
            assignment,
            "requester",
            actual_end=before_end,
            now=before_end,
        )
    assert "status" in refused.value.message_dict
    assert not Confirmation.objects.exists()
    assert fresh(assignment).status == Assignment.Status.UPCOMING


@pytest.mark.parametrize(
    ("actor", "side"),
    [
        ("volunteer", "requester"),
        ("network_lead", "requester"),
        ("caseworker", "interpreter"),
        ("coordinator", "interpreter"),
        ("caseworker", "coordinator"),
    ],
)
def test_a_wrong_actor_is_refused_and_nothing_is_stored(
    tenant: Tenant, interpreter: Any, actor: str, side: str
) -> None:
    assignment = ended(tenant, interpreter)
    with pytest.raises(PermissionDenied):
        confirm(tenant.users[actor], assignment, side)
    assert not Confirmation.objects.exists()


def test_a_caseworker_of_another_department_is_refused(tenant: Tenant, interpreter: Any) -> None:
    other = UserFactory()
    MembershipFactory(
        user=other,
        center=tenant.center,
        role=Role.CASEWORKER,
        department=DepartmentFactory(center=tenant.center),
    )
    assignment = ended(tenant, interpreter)
    with pytest.raises(PermissionDenied):
        confirm(other, assignment, "requester")
    assert not Confirmation.objects.exists()


def test_a_side_confirms_once(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    confirm(caseworker(tenant), assignment, "requester")
    with pytest.raises(ValidationError) as refused:
        confirm(caseworker(tenant), assignment, "requester", shift=30)
    assert "status" in refused.value.message_dict
    assert Confirmation.objects.count() == 1


def test_every_field_error_comes_at_once(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    with pytest.raises(ValidationError) as refused:
        confirm(
            me(assignment),
            assignment,
            "interpreter",
            actual_start=assignment.end,
            actual_end=assignment.start,
            travel_km=Decimal("-1"),
            note="mail me: a@example.org",
        )
    assert set(refused.value.message_dict) == {"actual_end", "travel_km", "note"}
    assert not Confirmation.objects.exists()


def test_took_place_needs_both_times(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    with pytest.raises(ValidationError) as refused:
        confirm(caseworker(tenant), assignment, "requester", actual_start=None, actual_end=None)
    assert set(refused.value.message_dict) == {"actual_start", "actual_end"}


def test_times_far_from_the_appointment_are_refused(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    with pytest.raises(ValidationError) as refused:
        confirm(caseworker(tenant), assignment, "requester", shift=-4 * 60)
    assert "actual_start" in refused.value.message_dict


def test_did_not_take_place_needs_a_reason(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    with pytest.raises(ValidationError) as refused:
        confirm(caseworker(tenant), assignment, "requester", took_place=False)
    assert set(refused.value.message_dict) == {"reason"}


def test_km_for_a_phone_appointment_are_refused(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter, mode=Mode.PHONE)
    with pytest.raises(ValidationError) as refused:
        confirm(me(assignment), assignment, "interpreter", travel_km=Decimal("5"))
    assert set(refused.value.message_dict) == {"travel_km"}


def test_unreasonable_km_are_refused(tenant: Tenant, interpreter: Any) -> None:
    volunteer = interpreter.volunteer
    volunteer.home_lat, volunteer.home_lon = 50.3353, 8.8550
    volunteer.save()
    assignment = ended(tenant, interpreter)
    with pytest.raises(ValidationError) as refused:
        confirm(me(assignment), assignment, "interpreter", travel_km=Decimal("80"))
    assert set(refused.value.message_dict) == {"travel_km"}


def test_the_km_limit_is_written_as_the_language_writes_numbers(
    tenant: Tenant, interpreter: Any
) -> None:
    volunteer = interpreter.volunteer
    volunteer.home_lat, volunteer.home_lon = 50.3353, 8.8550
    volunteer.save()
    assignment = ended(tenant, interpreter)
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        confirm(me(assignment), assignment, "interpreter", travel_km=Decimal("80"))
    (message,) = refused.value.message_dict["travel_km"]
    assert re.search(r"\b\d+,\d km\b", message), message


def test_a_cancelled_assignment_cannot_be_confirmed(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.CANCELLED)
    with pytest.raises(ValidationError):
        confirm(caseworker(tenant), assignment, "requester")
    assert not Confirmation.objects.exists()


# --- the coordinator decides and corrects --------------------------------------------------


def disputed(tenant: Tenant, interpreter: Any) -> Assignment:
    assignment = ended(tenant, interpreter)
    confirm(caseworker(tenant), assignment, "requester")
    confirm(me(assignment), assignment, "interpreter", shift=-30, travel_km=Decimal("8"))
    return fresh(assignment)


def test_a_decision_completes_a_disputed_assignment_and_pays(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = disputed(tenant, interpreter)
    confirmations.confirmation_decide(
        actor=tenant.users["coordinator"],
        assignment=assignment,
        took_place=True,
        actual_start=assignment.start,
        actual_end=assignment.end,
    )
    done = fresh(assignment)
    assert done.status == Assignment.Status.COMPLETED
    assert done.travel_km == Decimal("8.0")  # the interpreter's, when the decision gives none
    assert done.request.status == InterpreterRequest.Status.COMPLETED
    assert AllowanceEntry.objects.get(assignment=assignment).amount == Decimal("20.00")


def test_only_a_coordinator_decides(tenant: Tenant, interpreter: Any) -> None:
    assignment = disputed(tenant, interpreter)
    for role in ("caseworker", "volunteer"):
        with pytest.raises(PermissionDenied):
            confirmations.confirmation_decide(
                actor=tenant.users[role], assignment=assignment, took_place=False, reason="x"
            )
    assert fresh(assignment).status == Assignment.Status.DISPUTED
    assert not Confirmation.objects.filter(side="coordinator").exists()


def test_a_coordinator_of_another_center_cannot_decide(
    tenant: Tenant, other_tenant: Tenant, interpreter: Any
) -> None:
    assignment = disputed(tenant, interpreter)
    with pytest.raises(PermissionDenied):
        confirmations.confirmation_decide(
            actor=other_tenant.users["coordinator"],
            assignment=assignment,
            took_place=False,
            reason=AbsenceReason.CLIENT_ABSENT,
        )
    assert fresh(assignment).status == Assignment.Status.DISPUTED


def test_a_decision_settles_an_assignment_only_one_side_confirmed(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(me(assignment), assignment, "interpreter")
    confirmations.confirmation_decide(
        actor=tenant.users["coordinator"],
        assignment=assignment,
        took_place=False,
        reason=AbsenceReason.INTERPRETER_ABSENT,
    )
    done = fresh(assignment)
    assert (done.status, done.took_place) == (Assignment.Status.COMPLETED, False)
    entry = AllowanceEntry.objects.get(assignment=assignment)
    assert (entry.basis, entry.amount) == ("not_paid", Decimal("0.00"))


def test_a_decision_before_the_end_is_refused(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    with pytest.raises(ValidationError):
        confirmations.confirmation_decide(
            actor=tenant.users["coordinator"],
            assignment=assignment,
            took_place=False,
            reason=AbsenceReason.CLIENT_ABSENT,
            now=assignment.start,
        )
    assert not Confirmation.objects.exists()


def correct(tenant: Tenant, assignment: Assignment, **kwargs: Any) -> Confirmation:
    kwargs.setdefault("note", "The caseworker called: the client did not come.")
    return confirmations.confirmation_decide(
        actor=tenant.users["coordinator"], assignment=assignment, **kwargs
    )


def test_a_correction_is_a_new_entry_and_the_old_ones_stay(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment)
    before = list(Confirmation.objects.values_list("pk", "took_place", "actual_start"))
    first = correct(tenant, assignment, took_place=False, reason=AbsenceReason.INTERPRETER_ABSENT)
    second = correct(tenant, assignment, took_place=False, reason=AbsenceReason.CLIENT_ABSENT)
    assert second.supersedes == first
    assert (
        list(
            Confirmation.objects.filter(pk__in=[pk for pk, *_ in before]).values_list(
                "pk", "took_place", "actual_start"
            )
        )
        == before
    )
    assert Confirmation.objects.current().filter(side="coordinator").get() == second
    assert fresh(assignment).took_place is False


def test_a_correction_books_the_difference_in_the_current_month(
    tenant: Tenant, interpreter: Any
) -> None:
    january = dt.datetime(2025, 1, 20, 9, 0, tzinfo=BERLIN)
    assignment = ended(tenant, interpreter, start=january)
    both_confirm(tenant, assignment, now=january + dt.timedelta(hours=3))
    march = dt.datetime(2025, 3, 4, 12, 0, tzinfo=BERLIN)
    correct(
        tenant, assignment, took_place=False, reason=AbsenceReason.INTERPRETER_ABSENT, now=march
    )
    original, correction = AllowanceEntry.objects.filter(assignment=assignment).order_by("id")
    assert (original.month, original.amount) == (dt.date(2025, 1, 1), Decimal("20.00"))
    assert correction.kind == AllowanceEntry.Kind.CORRECTION
    assert (correction.month, correction.amount) == (dt.date(2025, 3, 1), Decimal("-20.00"))
    assert correction.corrects == original
    assert correction.basis == AllowanceEntry.Basis.NOT_PAID


def test_a_correction_that_changes_no_amount_books_nothing(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment)
    correct(
        tenant,
        assignment,
        took_place=True,
        actual_start=assignment.start,
        actual_end=assignment.end + dt.timedelta(minutes=10),
    )
    assert AllowanceEntry.objects.filter(assignment=assignment).count() == 1
    assert fresh(assignment).actual_end == assignment.end + dt.timedelta(minutes=10)


def test_a_correction_needs_a_note(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment)
    with pytest.raises(ValidationError) as refused:
        correct(tenant, assignment, took_place=False, reason="client_absent", note="")
    assert set(refused.value.message_dict) == {"note"}
    assert not Confirmation.objects.filter(side="coordinator").exists()


def test_entries_and_decisions_are_audited(tenant: Tenant, interpreter: Any) -> None:
    assignment = disputed(tenant, interpreter)
    confirmations.confirmation_decide(
        actor=tenant.users["coordinator"],
        assignment=assignment,
        took_place=False,
        reason=AbsenceReason.CLIENT_ABSENT,
    )
    logged = AuditEvent.objects.filter(object_type="requests.confirmation")
    assert sorted(e.detail["side"] for e in logged) == ["coordinator", "interpreter", "requester"]
    assert AuditEvent.objects.filter(
        object_type="requests.allowanceentry", actor=tenant.users["coordinator"]
    ).exists()


# --- the month boundary -----------------------------------------------------------------------


def test_an_appointment_over_midnight_at_the_month_end_is_booked_in_its_start_month(
    tenant: Tenant, interpreter: Any
) -> None:
    start = dt.datetime(2025, 1, 31, 23, 0, tzinfo=BERLIN)
    assignment = ended(tenant, interpreter, start=start, minutes=90)
    both_confirm(tenant, assignment, now=dt.datetime(2025, 2, 3, 10, 0, tzinfo=BERLIN))
    assert AllowanceEntry.objects.get(assignment=assignment).month == dt.date(2025, 1, 1)
