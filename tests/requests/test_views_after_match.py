"""The pages after the appointment: the interpreter's assignment page and Einsatznachweis,
the department's Einsatznachweis on the request page, the list of appointments waiting for
it, the coordinator's queue and decision page, the interpreter's allowance, the exceptions
from the client cap, the limit warning in the matching console and the menu entries.

Each page: who may open it, a 404 for someone else's or another center's object, a 403
for a wrong role, errors shown with nothing changed, and the happy path.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Center, Role
from requests.models import (
    AllowanceEntry,
    Assignment,
    ClientCapException,
    Confirmation,
    InterpreterRequest,
    Offer,
)
from tests.conftest import Tenant
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.requests.conftest import client_for, make_interpreter
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, OfferFactory
from tests.requests.helpers_after_match import confirm, ended

pytestmark = pytest.mark.django_db

Side = Confirmation.Side


def entry(assignment: Assignment, **overrides: Any) -> dict[str, Any]:
    """The form's POST data: it took place as planned."""
    start = timezone.localtime(assignment.start)
    end = timezone.localtime(assignment.end)
    data: dict[str, Any] = {
        "took_place": "yes",
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "reason": "",
        "note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def upcoming(tenant: Tenant, profile: Any) -> Assignment:
    """An assignment of ``profile`` next week."""
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        status=InterpreterRequest.Status.ASSIGNED,
    )
    return AssignmentFactory(request=request, interpreter=profile)


def book(profile: Any, assignment: Assignment, amount: str, **fields: Any) -> AllowanceEntry:
    """An allowance entry of ``amount`` EUR for ``profile``, booked this month."""
    values: dict[str, Any] = {
        "center": assignment.request.center,
        "interpreter": profile,
        "assignment": assignment,
        "basis": AllowanceEntry.Basis.TOOK_PLACE,
        "rule": Center.AllowanceRule.FLAT_PER_CLIENT,
        "amount": Decimal(amount),
        "month": timezone.localdate().replace(day=1),
    }
    values.update(fields)
    return AllowanceEntry.objects.create(**values)


@pytest.fixture
def with_home(interpreter: Any) -> Any:
    """The interpreter lives about 10 km from the office (Bad Nauheim → Friedberg)."""
    volunteer = interpreter.volunteer
    volunteer.home_lat, volunteer.home_lon = 50.3672, 8.7497
    volunteer.save()
    return interpreter


# --------------------------------------------------------------------------- assignment page


def test_the_interpreter_sees_their_assignment_with_street_contact_and_calendar_file(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = upcoming(tenant, interpreter)

    response = client_for(tenant.users["volunteer"]).get(
        reverse("assignment-detail", args=[assignment.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Europaplatz 1" in page
    assert tenant.department.name in page
    assert reverse("assignment-ics", args=[assignment.pk]) in page
    assert reverse("assignment-cancel", args=[assignment.pk]) in page


def test_my_assignments_link_to_the_assignment_page(tenant: Tenant, interpreter: Any) -> None:
    assignment = upcoming(tenant, interpreter)

    page = client_for(tenant.users["volunteer"]).get(reverse("assignment-list")).content.decode()

    assert reverse("assignment-detail", args=[assignment.pk]) in page


def test_another_interpreters_assignment_is_not_found(tenant: Tenant, interpreter: Any) -> None:
    other = make_interpreter(tenant.center, username="other-interpreter")
    assignment = upcoming(tenant, other)

    response = client_for(tenant.users["volunteer"]).get(
        reverse("assignment-detail", args=[assignment.pk])
    )

    assert response.status_code == 404


def test_another_centers_assignment_is_not_found(
    tenant: Tenant, other_tenant: Tenant, interpreter: Any
) -> None:
    foreign = make_interpreter(other_tenant.center, username="foreign-interpreter")
    assignment = upcoming(other_tenant, foreign)

    response = client_for(tenant.users["volunteer"]).get(
        reverse("assignment-detail", args=[assignment.pk])
    )

    assert response.status_code == 404


def test_the_assignment_page_is_for_interpreters_only(tenant: Tenant, interpreter: Any) -> None:
    assignment = upcoming(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).get(
        reverse("assignment-detail", args=[assignment.pk])
    )

    assert response.status_code == 403


def test_before_the_end_there_is_no_form_and_a_post_stores_nothing(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = upcoming(tenant, interpreter)
    client = client_for(tenant.users["volunteer"])

    page = client.get(reverse("assignment-detail", args=[assignment.pk])).content.decode()
    response = client.post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(assignment, step="save"),
        follow=True,
    )

    assert reverse("assignment-confirm", args=[assignment.pk]) not in page
    assert "once the appointment has ended" in response.content.decode()
    assert not Confirmation.objects.exists()


def test_after_the_end_the_form_is_prefilled_with_the_planned_times_and_the_distance(
    tenant: Tenant, with_home: Any
) -> None:
    assignment = ended(tenant, with_home)

    response = client_for(tenant.users["volunteer"]).get(
        reverse("assignment-detail", args=[assignment.pk])
    )

    form = response.context["form"]
    assert form["start_time"].value() == timezone.localtime(assignment.start).time()
    assert form["end_time"].value() == timezone.localtime(assignment.end).time()
    assert form["travel_km"].value() is not None and form["travel_km"].value() > 0
    assert reverse("assignment-confirm", args=[assignment.pk]) in response.content.decode()


def test_a_phone_appointment_asks_no_km(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter, mode="phone")

    response = client_for(tenant.users["volunteer"]).get(
        reverse("assignment-detail", args=[assignment.pk])
    )

    assert "travel_km" not in response.context["form"].fields


def test_the_first_submit_shows_the_entry_for_a_check_and_stores_nothing(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("assignment-confirm", args=[assignment.pk]), entry(assignment, travel_km="12.5")
    )

    assert response.status_code == 200
    assert response.context["review"] is True
    assert 'value="save"' in response.content.decode()
    assert not Confirmation.objects.exists()


def test_the_interpreter_saves_their_einsatznachweis(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    client = client_for(tenant.users["volunteer"])

    response = client.post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(assignment, travel_km="12.5", step="save"),
        follow=True,
    )

    saved = Confirmation.objects.get()
    assert (saved.side, saved.took_place, saved.travel_km) == (
        Side.INTERPRETER,
        True,
        Decimal("12.5"),
    )
    assert saved.actual_start == assignment.start
    page = response.content.decode()
    assert "The department has not confirmed yet." in page
    assert response.context["form"] is None


def test_going_back_from_the_check_keeps_the_values(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(assignment, travel_km="17.0", note="Raum 3", step="edit"),
    )

    assert response.context["review"] is False
    assert response.context["form"]["note"].value() == "Raum 3"
    assert not Confirmation.objects.exists()


def test_not_taken_place_without_a_reason_is_refused_and_nothing_is_stored(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(assignment, took_place="no", note="Niemand da", step="save"),
    )

    form = response.context["form"]
    assert "reason" in form.errors
    assert form["note"].value() == "Niemand da"
    assert not Confirmation.objects.exists()


def test_every_error_shows_at_once(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    start = timezone.localtime(assignment.start)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(
            assignment,
            end_time=(start - dt.timedelta(minutes=30)).strftime("%H:%M"),
            travel_km="-3",
            note="Rufen Sie 0151 2345678 an",
        ),
    )

    errors = response.context["form"].errors
    assert {"end_time", "travel_km", "note"} <= set(errors)
    assert response.context["review"] is False
    assert not Confirmation.objects.exists()


def test_an_unreadable_time_is_an_error_with_the_services_other_errors(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(assignment, start_time="25:99", travel_km="99999"),
    )

    errors = response.context["form"].errors
    assert {"start_time", "travel_km"} <= set(errors)
    assert not Confirmation.objects.exists()


def test_a_second_entry_of_the_interpreter_is_refused(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("assignment-confirm", args=[assignment.pk]),
        entry(assignment, step="save"),
        follow=True,
    )

    assert "saved already" in response.content.decode()
    assert Confirmation.objects.count() == 1


def test_a_disputed_assignment_says_the_coordinator_decides(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER, shift=40)

    page = (
        client_for(tenant.users["volunteer"])
        .get(reverse("assignment-detail", args=[assignment.pk]))
        .content.decode()
    )

    assert "The coordinator decides" in page


def test_after_the_departments_entry_the_interpreter_sees_it_confirmed(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER)
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)

    page = (
        client_for(tenant.users["volunteer"])
        .get(reverse("assignment-detail", args=[assignment.pk]))
        .content.decode()
    )

    assert "Confirmed and completed." in page


def badges(page: str) -> list[str]:
    """The texts of the status badges on a page."""
    return re.findall(r'<span class="badge[^"]*">([^<]*)</span>', page)


def test_an_ended_assignment_is_not_called_upcoming_in_my_past_assignments(
    tenant: Tenant, interpreter: Any
) -> None:
    missing = ended(tenant, interpreter)
    entered = ended(tenant, interpreter, start=missing.start - dt.timedelta(days=1))
    confirm(tenant.users["volunteer"], entered, Side.INTERPRETER)

    page = client_for(tenant.users["volunteer"]).get(reverse("assignment-list")).content.decode()

    assert badges(page) == ["Einsatznachweis missing", "Waiting for the department"]


def test_after_their_entry_the_assignment_page_says_the_department_is_awaited(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER)

    page = (
        client_for(tenant.users["volunteer"])
        .get(reverse("assignment-detail", args=[assignment.pk]))
        .content.decode()
    )

    assert badges(page) == ["Waiting for the department"]


# --------------------------------------------------------------------------- department


def test_the_request_page_shows_the_departments_form_after_the_end(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).get(
        reverse("request-detail", args=[assignment.request_id])
    )

    assert reverse("request-confirm", args=[assignment.request_id]) in response.content.decode()
    assert "travel_km" not in response.context["confirmation"]["form"].fields


def test_the_request_page_has_no_einsatznachweis_before_the_end(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = upcoming(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).get(
        reverse("request-detail", args=[assignment.request_id])
    )

    assert response.context["confirmation"] is None


def test_a_department_entry_before_the_end_is_refused(tenant: Tenant, interpreter: Any) -> None:
    assignment = upcoming(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).post(
        reverse("request-confirm", args=[assignment.request_id]),
        entry(assignment, step="save"),
        follow=True,
    )

    assert "once the appointment has ended" in response.content.decode()
    assert not Confirmation.objects.exists()


def test_the_department_confirms_and_with_the_interpreters_entry_it_completes(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER)

    response = client_for(tenant.users["caseworker"]).post(
        reverse("request-confirm", args=[assignment.request_id]),
        entry(assignment, step="save"),
        follow=True,
    )

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
    assert Confirmation.objects.filter(side=Side.REQUESTER).count() == 1
    assert "Both sides agree" in response.content.decode()


def test_after_the_departments_entry_the_request_page_shows_it_read_only(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER, note="Pünktlich")
    client = client_for(tenant.users["caseworker"])

    page = client.get(reverse("request-detail", args=[assignment.request_id])).content.decode()
    again = client.post(
        reverse("request-confirm", args=[assignment.request_id]), entry(assignment, step="save")
    )

    assert "The department's entry" in page and "Pünktlich" in page
    assert "The interpreter has not confirmed yet." in page
    assert reverse("request-confirm", args=[assignment.request_id]) not in page
    assert again.status_code == 302
    assert Confirmation.objects.count() == 1


def test_the_department_form_shows_errors_and_stores_nothing(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).post(
        reverse("request-confirm", args=[assignment.request_id]),
        entry(assignment, start_time="", end_time="", step="save"),
    )

    errors = response.context["confirmation"]["form"].errors
    assert {"start_time", "end_time"} <= set(errors)
    assert not Confirmation.objects.exists()


def test_another_departments_request_is_not_found(tenant: Tenant, interpreter: Any) -> None:
    other = DepartmentFactory(center=tenant.center, name="Jugendamt")
    assignment = ended(tenant, interpreter, department=other)

    response = client_for(tenant.users["caseworker"]).post(
        reverse("request-confirm", args=[assignment.request_id]), entry(assignment, step="save")
    )

    assert response.status_code == 404
    assert not Confirmation.objects.exists()


def test_another_centers_request_is_not_found_for_confirming(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    foreign = make_interpreter(other_tenant.center, username="foreign-interpreter")
    assignment = ended(other_tenant, foreign)

    response = client_for(tenant.users["caseworker"]).get(
        reverse("request-confirm", args=[assignment.request_id])
    )

    assert response.status_code == 404


def test_interpreters_may_not_confirm_for_the_department(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)

    response = client_for(tenant.users["volunteer"]).post(
        reverse("request-confirm", args=[assignment.request_id]), entry(assignment, step="save")
    )

    assert response.status_code == 403
    assert not Confirmation.objects.exists()


def test_appointments_waiting_for_the_departments_entry_are_listed(
    tenant: Tenant, interpreter: Any
) -> None:
    waiting = ended(tenant, interpreter)
    done = ended(tenant, interpreter, start=timezone.now() - dt.timedelta(days=1))
    confirm(tenant.users["caseworker"], done, Side.REQUESTER)

    response = client_for(tenant.users["caseworker"]).get(reverse("confirmations-due"))

    assert list(response.context["page"].object_list) == [waiting]


def test_the_caseworkers_overview_counts_the_missing_einsatznachweise(
    tenant: Tenant, interpreter: Any
) -> None:
    ended(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).get(reverse("home"))

    cards = {str(card.label): card for card in response.context["home_cards"]}
    card = cards["Past appointments waiting for your Einsatznachweis"]
    assert (card.figure, card.attention) == (1, True)


# --------------------------------------------------------------------------- coordinator


def test_the_queue_lists_disputed_first_then_old_one_sided_ones(
    tenant: Tenant, interpreter: Any
) -> None:
    old = ended(tenant, interpreter, start=timezone.now() - dt.timedelta(days=10))
    confirm(tenant.users["caseworker"], old, Side.REQUESTER)
    fresh = ended(tenant, interpreter, start=timezone.now() - dt.timedelta(days=2))
    confirm(tenant.users["caseworker"], fresh, Side.REQUESTER)
    disputed = ended(tenant, interpreter)
    confirm(tenant.users["caseworker"], disputed, Side.REQUESTER)
    confirm(
        tenant.users["volunteer"],
        disputed,
        Side.INTERPRETER,
        took_place=False,
        reason="client_absent",
    )

    response = client_for(tenant.users["coordinator"]).get(reverse("confirmation-queue"))

    assert [row[0] for row in response.context["rows"]] == [disputed, old]
    assert "only the department confirmed" in response.content.decode()


def test_the_queue_leaves_out_other_centers(
    tenant: Tenant, other_tenant: Tenant, interpreter: Any
) -> None:
    foreign = make_interpreter(other_tenant.center, username="foreign-interpreter")
    ended(other_tenant, foreign, start=timezone.now() - dt.timedelta(days=10))

    response = client_for(tenant.users["coordinator"]).get(reverse("confirmation-queue"))

    assert response.context["rows"] == []
    assert "Nothing to decide" in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_the_queue_is_for_coordinators_only(tenant: Tenant, role: str) -> None:
    response = client_for(tenant.users[role]).get(reverse("confirmation-queue"))

    assert response.status_code == 403


def disputed_assignment(tenant: Tenant, interpreter: Any) -> Assignment:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER, shift=30, travel_km=8)
    return assignment


def test_the_decision_page_shows_both_sides_and_marks_what_differs(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = disputed_assignment(tenant, interpreter)

    response = client_for(tenant.users["coordinator"]).get(
        reverse("confirmation-decide", args=[assignment.pk])
    )

    differing = {row.label for row in response.context["rows"] if row.differs}
    assert differing == {"Actual start", "Actual end"}
    assert response.content.decode().count("≠ differs") == 2


def test_a_longer_stay_marks_the_end_and_the_duration(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER, end_shift=45)

    response = client_for(tenant.users["coordinator"]).get(
        reverse("confirmation-decide", args=[assignment.pk])
    )

    differing = {row.label for row in response.context["rows"] if row.differs}
    assert differing == {"Actual end", "Duration"}


def test_the_queue_reads_in_a_bounded_number_of_queries(
    tenant: Tenant, interpreter: Any, django_assert_max_num_queries: Any
) -> None:
    for days in range(8, 14):
        assignment = ended(tenant, interpreter, start=timezone.now() - dt.timedelta(days=days))
        confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)
    client = client_for(tenant.users["coordinator"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("confirmation-queue"))

    assert len(response.context["rows"]) == 6


def test_the_decision_form_starts_from_the_departments_times_and_the_interpreters_km(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = disputed_assignment(tenant, interpreter)

    form = (
        client_for(tenant.users["coordinator"])
        .get(reverse("confirmation-decide", args=[assignment.pk]))
        .context["form"]
    )

    assert form["start_time"].value() == timezone.localtime(assignment.start).time()
    assert form["travel_km"].value() == Decimal("8.0")


def test_the_decision_asks_for_a_check_then_settles_the_assignment(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = disputed_assignment(tenant, interpreter)
    client = client_for(tenant.users["coordinator"])
    url = reverse("confirmation-decide", args=[assignment.pk])

    review = client.post(url, entry(assignment, travel_km="8"))
    assert "can only be changed by a new, logged correction" in review.content.decode()
    assert not Confirmation.objects.filter(side=Side.COORDINATOR).exists()

    client.post(url, entry(assignment, travel_km="8", step="save"))

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
    assert Confirmation.objects.filter(side=Side.COORDINATOR).count() == 1
    assert AllowanceEntry.objects.filter(assignment=assignment).count() == 1


def test_a_bad_decision_shows_its_errors_and_changes_nothing(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = disputed_assignment(tenant, interpreter)

    response = client_for(tenant.users["coordinator"]).post(
        reverse("confirmation-decide", args=[assignment.pk]),
        entry(assignment, took_place="no", reason="", travel_km="-1", step="save"),
    )

    assert {"reason", "travel_km"} <= set(response.context["form"].errors)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DISPUTED
    assert not Confirmation.objects.filter(side=Side.COORDINATOR).exists()


def test_a_correction_needs_a_reason_and_then_books_the_difference(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter, client_ref="")
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER)
    client = client_for(tenant.users["coordinator"])
    url = reverse("confirmation-decide", args=[assignment.pk])
    refused = client.post(
        url, entry(assignment, took_place="no", reason="interpreter_absent", step="save")
    )
    assert "note" in refused.context["form"].errors
    assert AllowanceEntry.objects.filter(assignment=assignment).count() == 1

    client.post(
        url,
        entry(assignment, took_place="no", reason="interpreter_absent", note="Falsch", step="save"),
    )

    correction = AllowanceEntry.objects.get(kind=AllowanceEntry.Kind.CORRECTION)
    assert correction.amount == -Decimal("20.00")


def test_a_correction_that_leaves_the_allowance_as_it_was_does_not_claim_a_booking(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter, client_ref="")
    confirm(tenant.users["caseworker"], assignment, Side.REQUESTER)
    confirm(tenant.users["volunteer"], assignment, Side.INTERPRETER)
    later_end = timezone.localtime(assignment.end) + dt.timedelta(minutes=30)

    response = client_for(tenant.users["coordinator"]).post(
        reverse("confirmation-decide", args=[assignment.pk]),
        entry(assignment, end_time=later_end.strftime("%H:%M"), note="Länger", step="save"),
        follow=True,
    )

    page = response.content.decode()
    assert "The allowance stays the same." in page
    assert "saved and booked" not in page
    assert not AllowanceEntry.objects.filter(kind=AllowanceEntry.Kind.CORRECTION).exists()


def test_another_centers_assignment_cannot_be_decided(tenant: Tenant, other_tenant: Tenant) -> None:
    foreign = make_interpreter(other_tenant.center, username="foreign-interpreter")
    assignment = ended(other_tenant, foreign)

    response = client_for(tenant.users["coordinator"]).post(
        reverse("confirmation-decide", args=[assignment.pk]), entry(assignment, step="save")
    )

    assert response.status_code == 404
    assert not Confirmation.objects.exists()


def test_caseworkers_cannot_decide(tenant: Tenant, interpreter: Any) -> None:
    assignment = disputed_assignment(tenant, interpreter)

    response = client_for(tenant.users["caseworker"]).get(
        reverse("confirmation-decide", args=[assignment.pk])
    )

    assert response.status_code == 403


# --------------------------------------------------------------------------- allowance


def test_the_interpreter_sees_entries_totals_and_the_yearly_limit(
    tenant: Tenant, interpreter: Any
) -> None:
    first = ended(tenant, interpreter)
    second = ended(tenant, interpreter, start=timezone.now() - dt.timedelta(hours=6))
    book(interpreter, first, "20.00")
    book(interpreter, second, "-5.00", kind=AllowanceEntry.Kind.CORRECTION, note="km korrigiert")

    response = client_for(tenant.users["volunteer"]).get(reverse("allowance-list"))

    page = response.content.decode()
    assert response.context["summary"].total == Decimal("15.00")
    assert "<meter" in page and 'value="15.00"' in page
    assert "Correction" in page and "km korrigiert" in page
    assert "15.00 €" in page or "15,00 €" in page


def test_another_interpreters_allowance_is_not_shown(tenant: Tenant, interpreter: Any) -> None:
    other = make_interpreter(tenant.center, username="other-interpreter")
    book(other, ended(tenant, other), "20.00")

    response = client_for(tenant.users["volunteer"]).get(reverse("allowance-list"))

    assert response.context["summary"].entries == []
    assert "No allowance recorded" in response.content.decode()


def test_the_year_switcher_shows_another_year_and_ignores_nonsense(
    tenant: Tenant, interpreter: Any
) -> None:
    book(interpreter, ended(tenant, interpreter), "20.00")
    client = client_for(tenant.users["volunteer"])
    last_year = timezone.localdate().year - 1

    earlier = client.get(reverse("allowance-list"), {"year": str(last_year)})
    nonsense = client.get(reverse("allowance-list"), {"year": "99999999"})

    assert earlier.context["year"] == last_year
    assert earlier.context["summary"].entries == []
    assert nonsense.context["year"] == timezone.localdate().year


def test_the_allowance_page_is_for_volunteers(tenant: Tenant) -> None:
    response = client_for(tenant.users["coordinator"]).get(reverse("allowance-list"))

    assert response.status_code == 403


# --------------------------------------------------------------------------- cap exceptions


def test_the_coordinator_adds_an_exception_from_the_client_cap(tenant: Tenant) -> None:
    response = client_for(tenant.users["coordinator"]).post(
        reverse("cap-exception-list"),
        {"center": tenant.center.pk, "client_ref": "K-1177", "cap": "8", "reason": "Therapie"},
        follow=True,
    )

    exception = ClientCapException.objects.get()
    assert (exception.center, exception.client_ref, exception.cap) == (tenant.center, "K-1177", 8)
    assert "K-1177" in response.content.decode()


def test_a_bad_exception_shows_every_error_and_stores_nothing(tenant: Tenant) -> None:
    response = client_for(tenant.users["coordinator"]).post(
        reverse("cap-exception-list"),
        {"center": tenant.center.pk, "client_ref": "K-1177", "cap": "3", "reason": ""},
    )

    assert {"cap", "reason"} <= set(response.context["form"].errors)
    assert not ClientCapException.objects.exists()


def test_another_centers_exceptions_are_neither_listed_nor_writable(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    ClientCapException.objects.create(
        center=other_tenant.center, client_ref="K-9", cap=9, reason="x"
    )

    client = client_for(tenant.users["coordinator"])
    listed = client.get(reverse("cap-exception-list"))
    posted = client.post(
        reverse("cap-exception-list"),
        {"center": other_tenant.center.pk, "client_ref": "K-9", "cap": "12", "reason": "y"},
    )

    assert list(listed.context["page"].object_list) == []
    assert "center" in posted.context["form"].errors
    assert ClientCapException.objects.get().cap == 9


def test_the_exceptions_are_for_coordinators_only(tenant: Tenant) -> None:
    response = client_for(tenant.users["caseworker"]).get(reverse("cap-exception-list"))

    assert response.status_code == 403


# --------------------------------------------------------------------------- limit warning


def test_the_console_warns_before_an_assignment_takes_someone_over_the_limit(
    tenant: Tenant, interpreter: Any
) -> None:
    request = InterpreterRequestFactory(
        center=tenant.center, department=tenant.department, status=InterpreterRequest.Status.OFFERED
    )
    month = timezone.localdate(request.start).replace(day=1)
    book(interpreter, ended(tenant, interpreter), "950.00", month=month)
    OfferFactory(
        request=request,
        interpreter=interpreter,
        status=Offer.Status.ACCEPTED,
        awaiting_confirmation=True,
        responded_at=timezone.now(),
    )

    response = client_for(tenant.users["coordinator"]).get(
        reverse("matching-request", args=[request.pk])
    )

    assert response.context["awaiting_warning"]
    assert "tax-free limit" in response.content.decode()


def test_the_console_does_not_warn_far_below_the_limit(tenant: Tenant, interpreter: Any) -> None:
    request = InterpreterRequestFactory(
        center=tenant.center, department=tenant.department, status=InterpreterRequest.Status.OFFERED
    )
    OfferFactory(
        request=request,
        interpreter=interpreter,
        status=Offer.Status.ACCEPTED,
        awaiting_confirmation=True,
        responded_at=timezone.now(),
    )

    response = client_for(tenant.users["coordinator"]).get(
        reverse("matching-request", args=[request.pk])
    )

    assert response.context["awaiting_warning"] is None


# --------------------------------------------------------------------------- menu


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("coordinator", {"confirmation-queue", "cap-exception-list"}, {"allowance-list"}),
        ("volunteer", {"allowance-list"}, {"confirmation-queue", "cap-exception-list"}),
        ("caseworker", set(), {"allowance-list", "confirmation-queue", "cap-exception-list"}),
    ],
)
def test_the_menu_shows_the_new_pages_by_role(
    tenant: Tenant, role: str, shown: set[str], hidden: set[str]
) -> None:
    page = client_for(tenant.users[role]).get(reverse("home")).content.decode()

    for name in shown:
        assert f'href="{reverse(name)}"' in page
    for name in hidden:
        assert f'href="{reverse(name)}"' not in page


def test_a_second_coordinator_center_offers_its_choice(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    user = UserFactory(username="two-centers")
    for center in (tenant.center, other_tenant.center):
        MembershipFactory(user=user, center=center, role=Role.COORDINATOR)

    response = client_for(user).get(reverse("cap-exception-list"))

    assert not response.context["form"]["center"].is_hidden


def test_an_assigned_request_cannot_be_cancelled_once_its_appointment_began(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    client = client_for(tenant.users["caseworker"])
    page = client.get(reverse("request-detail", args=[assignment.request_id]))
    assert reverse("request-cancel", args=[assignment.request_id]) not in page.content.decode()
    response = client.post(
        reverse("request-cancel", args=[assignment.request_id]), {"reason": "Zu spät"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assignment.request.refresh_from_db()
    assert assignment.status == Assignment.Status.UPCOMING
    assert assignment.request.status == InterpreterRequest.Status.ASSIGNED
    assert not assignment.allowance_entries.exists()
