"""The request pages: who may open which page, the request form end to end, the lists,
cancelling, and the interpreter's answers through the page and the one-tap link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Role
from requests import services
from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion
from tests.conftest import Tenant
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.requests.conftest import client_for, make_interpreter
from tests.requests.factories import (
    AssignmentFactory,
    InterpreterRequestFactory,
    OfferFactory,
    next_week_at,
)

pytestmark = pytest.mark.django_db

Status = InterpreterRequest.Status


def a_request(tenant: Tenant, **fields: Any) -> InterpreterRequest:
    """A request of the tenant's department (at an office in Europaplatz 1 by default)."""
    return InterpreterRequestFactory(center=tenant.center, department=tenant.department, **fields)


def an_offer(tenant: Tenant, interpreter: Any, **fields: Any) -> Offer:
    request = a_request(tenant, status=Status.OFFERED)
    return OfferFactory(request=request, interpreter=interpreter, **fields)


def an_assignment(tenant: Tenant, interpreter: Any, **request_fields: Any) -> Assignment:
    request = a_request(tenant, status=Status.ASSIGNED, **request_fields)
    return AssignmentFactory(request=request, interpreter=interpreter)


def form_data(tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    day = services.earliest_start_day(center=tenant.center) + dt.timedelta(days=7)
    values: dict[str, Any] = {
        "department": str(tenant.department.pk),
        "language": "Tigrinya (ትግርኛ)",
        "min_level": "B2",
        "date": day.isoformat(),
        "start_time": "09:00",
        "end_time": "10:00",
        "mode": "in_person",
        "place": str(tenant.place.pk),
        "topic": "health",
        "gender_preference": "",
        "client_ref": "K-1177",
        "priority": "normal",
        "urgency_reason": "",
        "notes": "Zimmer 2.14",
    }
    values.update(overrides)
    return values


# --------------------------------------------------------------------------- who may see what

REQUEST_PAGES = ["request-list", "request-create"]
INTERPRETER_PAGES = ["offer-list", "assignment-list"]


@pytest.mark.parametrize("name", REQUEST_PAGES)
@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_request_pages_open_for_caseworkers_and_coordinators(tenant, as_role, name, role) -> None:
    assert as_role(role).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", REQUEST_PAGES)
@pytest.mark.parametrize("role", ["volunteer", "network_lead"])
def test_request_pages_are_forbidden_for_other_roles(tenant, as_role, name, role) -> None:
    assert as_role(role).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", INTERPRETER_PAGES)
def test_interpreter_pages_open_for_interpreters(tenant, as_role, interpreter, name) -> None:
    assert as_role("volunteer").get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", INTERPRETER_PAGES)
@pytest.mark.parametrize("role", ["caseworker", "coordinator", "network_lead"])
def test_interpreter_pages_are_forbidden_for_other_roles(tenant, as_role, name, role) -> None:
    assert as_role(role).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", INTERPRETER_PAGES)
def test_a_volunteer_outside_the_pool_is_told_so(tenant, as_role, name) -> None:
    response = as_role("volunteer").get(reverse(name))

    assert response.status_code == 200
    assert "not in the interpreter pool yet" in response.text


@pytest.mark.parametrize("name", [*REQUEST_PAGES, *INTERPRETER_PAGES])
def test_anonymous_visitors_are_sent_to_the_login(name) -> None:
    response = Client().get(reverse(name))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["request-detail", "request-edit", "request-cancel"])
@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_requests_of_another_center_are_404(tenant, other_tenant, name, role) -> None:
    item = a_request(tenant)

    response = client_for(other_tenant.users[role]).get(reverse(name, args=[item.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["request-detail", "request-edit", "request-cancel"])
def test_requests_of_another_department_are_404(tenant, name) -> None:
    item = a_request(tenant)
    colleague = UserFactory(username="jugendamt")
    MembershipFactory(
        user=colleague,
        center=tenant.center,
        role=Role.CASEWORKER,
        department=DepartmentFactory(center=tenant.center, name="Jugendamt"),
    )

    response = client_for(colleague).get(reverse(name, args=[item.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["request-detail", "request-edit", "request-cancel"])
@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_own_requests_open(tenant, as_role, name, role) -> None:
    item = a_request(tenant)

    assert as_role(role).get(reverse(name, args=[item.pk])).status_code == 200


@pytest.mark.parametrize("name", ["request-detail", "request-edit", "request-cancel"])
def test_request_pages_are_forbidden_for_interpreters(tenant, as_role, interpreter, name) -> None:
    item = a_request(tenant)

    assert as_role("volunteer").get(reverse(name, args=[item.pk])).status_code == 403


def test_offers_and_assignments_of_other_interpreters_are_404(tenant, as_role, interpreter) -> None:
    someone = make_interpreter(tenant.center, username="andere")
    offer = an_offer(tenant, someone)
    assignment = an_assignment(tenant, someone)
    client = as_role("volunteer")

    assert client.post(reverse("offer-accept", args=[offer.pk])).status_code == 404
    assert client.post(reverse("offer-decline", args=[offer.pk])).status_code == 404
    assert client.get(reverse("assignment-cancel", args=[assignment.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_a_coordinator_cannot_answer_an_offer_on_the_interpreters_behalf(
    tenant, as_role, interpreter
) -> None:
    offer = an_offer(tenant, interpreter)

    response = as_role("coordinator").post(reverse("offer-accept", args=[offer.pk]))

    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


# --------------------------------------------------------------------------- the request form


def test_the_form_says_that_personal_data_do_not_belong_in_it(tenant, as_role) -> None:
    response = as_role("caseworker").get(reverse("request-create"))

    assert "Client names, phone numbers and e-mail addresses do not belong" in response.text
    assert '<datalist id="language-options">' in response.text
    assert 'step="900"' in response.text


def test_a_caseworker_files_a_request(tenant, as_role) -> None:
    response = as_role("caseworker").post(reverse("request-create"), form_data(tenant))

    item = InterpreterRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("request-detail", args=[item.pk])
    assert (item.language_id, item.department, item.created_by) == (
        "ti",
        tenant.department,
        tenant.users["caseworker"],
    )
    assert timezone.localtime(item.start).strftime("%H:%M") == "09:00"
    assert item.city == tenant.place.city


def test_a_bad_submit_shows_every_error_keeps_the_input_and_stores_nothing(tenant, as_role) -> None:
    response = as_role("caseworker").post(
        reverse("request-create"),
        form_data(
            tenant,
            language="Elbisch",
            end_time="08:00",
            client_ref="Max Mustermann",
            notes="Mail an k.mueller@example.org",
            priority="urgent",
        ),
    )

    assert response.status_code == 200
    assert not InterpreterRequest.objects.exists()
    form = response.context["form"]
    assert {"language", "end_time", "client_ref", "notes", "urgency_reason"} <= set(form.errors)
    assert 'class="error-summary"' in response.text
    assert 'href="#id_client_ref"' in response.text
    assert 'value="Elbisch"' in response.text
    assert "k.mueller@example.org" in response.text  # shown back, not stored


def test_an_excluded_setting_is_refused_with_the_hint_at_its_field(tenant, as_role) -> None:
    response = as_role("caseworker").post(
        reverse("request-create"), form_data(tenant, topic="court")
    )

    assert response.status_code == 200
    assert not InterpreterRequest.objects.exists()
    assert "professional interpreter" in response.context["form"].errors["topic"][0]


def test_service_only_errors_land_at_their_field(tenant, as_role) -> None:
    """An address outside the center's area is known only to the service."""
    response = as_role("caseworker").post(
        reverse("request-create"),
        form_data(tenant, place="", street="Hauptstraße 1", postcode="99999", city="Nirgendwo"),
    )

    assert response.status_code == 200
    assert not InterpreterRequest.objects.exists()
    assert "not in the center's area" in response.context["form"].errors["city"][0]


def test_the_cap_warning_follows_the_filing(tenant, as_role, interpreter) -> None:
    tenant.center.allowance_cap_per_client = 1
    tenant.center.save()
    an_assignment(tenant, interpreter, client_ref="K-1177")
    client = as_role("caseworker")

    response = client.post(reverse("request-create"), form_data(tenant), follow=True)

    item = InterpreterRequest.objects.filter(status=Status.OPEN).get()
    assert item.client_cap_reached
    assert "paid assignments" in response.text
    detail = client.get(reverse("request-detail", args=[item.pk]))
    assert "Paid assignments used up" in detail.text


def test_a_coordinator_files_for_a_department_of_the_center(tenant, as_role) -> None:
    youth = DepartmentFactory(center=tenant.center, name="Jugendamt")
    client = as_role("coordinator")

    page = client.get(reverse("request-create"))
    response = client.post(reverse("request-create"), form_data(tenant, department=str(youth.pk)))

    assert "Jugendamt" in page.text
    assert response.status_code == 302
    assert InterpreterRequest.objects.get().department == youth


def test_an_open_request_can_be_changed(tenant, as_role) -> None:
    item = a_request(tenant, language_id="ar")
    client = as_role("caseworker")

    page = client.get(reverse("request-edit", args=[item.pk]))
    response = client.post(
        reverse("request-edit", args=[item.pk]),
        form_data(tenant, language="Farsi", date=timezone.localdate(item.start).isoformat()),
    )

    assert 'value="Arabic (Modern Standard) – العربية"' in page.text
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.language_id == "fa"


def test_an_offered_request_cannot_be_changed(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)
    client = as_role("caseworker")

    response = client.post(
        reverse("request-edit", args=[offer.request.pk]), form_data(tenant), follow=True
    )

    assert "Only an open request can be changed" in response.text
    offer.request.refresh_from_db()
    assert offer.request.language_id == "ar"


# --------------------------------------------------------------------------- Our requests


def test_the_list_shows_the_assigned_interpreter_with_phone(tenant, as_role, interpreter) -> None:
    assignment = an_assignment(tenant, interpreter)

    response = as_role("caseworker").get(reverse("request-list"))

    assert "Amal Haddad" in response.text
    assert f'href="tel:{interpreter.volunteer.phone}"' in response.text
    assert f"#{assignment.request.pk}" in response.text


def test_the_list_gives_the_relay_number_where_the_center_relays(
    tenant, as_role, interpreter
) -> None:
    tenant.center.relay_contact = True
    tenant.center.relay_phone = "+496031831234"
    tenant.center.save()
    an_assignment(tenant, interpreter)

    response = as_role("caseworker").get(reverse("request-list"))

    assert "tel:+496031831234" in response.text
    assert interpreter.volunteer.phone not in response.text


def test_a_pending_offer_shows_no_name(tenant, as_role, interpreter) -> None:
    an_offer(tenant, interpreter)

    response = as_role("caseworker").get(reverse("request-list"))

    assert "waiting for an answer" in response.text
    assert "Amal Haddad" not in response.text


def test_status_badges_say_the_status_in_words(tenant, as_role) -> None:
    a_request(tenant, status=Status.UNFILLED)

    response = as_role("caseworker").get(reverse("request-list"))

    assert '<span class="badge bad">unfilled</span>' in response.text


def test_filters_and_search_narrow_the_list(tenant, as_role) -> None:
    a_request(tenant, client_ref="K-2291", language_id="ar", mode="in_person")
    a_request(tenant, client_ref="K-3300", language_id="ti", mode="phone", place=None)
    client = as_role("caseworker")

    by_ref = client.get(reverse("request-list"), {"q": "2291"})
    by_language = client.get(reverse("request-list"), {"language": "ti"})
    by_mode = client.get(reverse("request-list"), {"mode": "phone"})
    by_status = client.get(reverse("request-list"), {"status": "cancelled"})

    assert [r.client_ref for r, *_ in by_ref.context["rows"]] == ["K-2291"]
    assert [r.client_ref for r, *_ in by_language.context["rows"]] == ["K-3300"]
    assert [r.client_ref for r, *_ in by_mode.context["rows"]] == ["K-3300"]
    assert by_status.context["rows"] == []
    assert "No request matches" in by_status.text


def test_the_date_range_filters_by_appointment_day(tenant, as_role) -> None:
    soon = a_request(tenant, start=next_week_at(days=5))
    a_request(tenant, start=next_week_at(days=20))
    day = timezone.localdate(soon.start).isoformat()

    response = as_role("caseworker").get(
        reverse("request-list"), {"date_from": day, "date_to": day}
    )

    assert [r.pk for r, *_ in response.context["rows"]] == [soon.pk]


def test_coming_appointments_come_first_then_the_latest_past_ones(tenant, as_role) -> None:
    now = timezone.now()
    past_old = a_request(
        tenant,
        start=now - dt.timedelta(days=9),
        end=now - dt.timedelta(days=9) + dt.timedelta(hours=1),
    )
    past_new = a_request(
        tenant,
        start=now - dt.timedelta(days=2),
        end=now - dt.timedelta(days=2) + dt.timedelta(hours=1),
    )
    later = a_request(tenant, start=next_week_at(days=9))
    soon = a_request(tenant, start=next_week_at(days=5))

    response = as_role("caseworker").get(reverse("request-list"))

    assert [r.pk for r, *_ in response.context["rows"]] == [
        soon.pk,
        later.pk,
        past_new.pk,
        past_old.pk,
    ]


def test_the_form_chooses_the_departments_own_office(tenant, as_role) -> None:
    from core.models import Place
    from tests.factories import PlaceFactory

    office = PlaceFactory(
        center=tenant.center, name="Gesundheitsamt Friedberg", kind=Place.Kind.OFFICE
    )

    response = as_role("caseworker").get(reverse("request-create"))

    assert response.context["form"]["place"].value() == str(office.pk)


def test_the_list_has_an_empty_state(tenant, as_role) -> None:
    response = as_role("caseworker").get(reverse("request-list"))

    assert 'class="empty"' in response.text
    assert "No requests yet" in response.text


def test_the_list_survives_garbage_filters(tenant, as_role) -> None:
    a_request(tenant)

    response = as_role("caseworker").get(
        reverse("request-list"),
        {
            "status": "x" * 500,
            "language": "?",
            "date_from": "99.99.9999",
            "date_to": "x",
            "mode": "teleport",
            "page": "-4",
            "q": "x" * 10_000,
        },
    )

    assert response.status_code == 200


def test_a_coordinator_sees_every_department_of_the_center(tenant, as_role) -> None:
    youth = DepartmentFactory(center=tenant.center, name="Jugendamt")
    InterpreterRequestFactory(center=tenant.center, department=youth, client_ref="K-7")
    a_request(tenant, client_ref="K-8")

    coordinator = as_role("coordinator").get(reverse("request-list"))
    caseworker = as_role("caseworker").get(reverse("request-list"))

    assert {r.client_ref for r, *_ in coordinator.context["rows"]} == {"K-7", "K-8"}
    assert {r.client_ref for r, *_ in caseworker.context["rows"]} == {"K-8"}


def test_the_list_pages(tenant, as_role) -> None:
    for day in range(30):
        a_request(tenant, start=next_week_at(days=5 + day))

    response = as_role("caseworker").get(reverse("request-list"), {"page": "2"})

    assert len(response.context["rows"]) == 5
    assert "Page 2 of 2" in response.text


def test_the_list_reads_in_a_bounded_number_of_queries(
    tenant, as_role, django_assert_max_num_queries
) -> None:
    client = as_role("caseworker")
    for number in range(12):
        profile = make_interpreter(tenant.center, username=f"dolmetscher{number}")
        if number % 3 == 0:
            an_assignment(tenant, profile)
        elif number % 3 == 1:
            an_offer(tenant, profile)
        else:
            a_request(tenant)

    # 11: the page, and the menu's count of unread messages (one query).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("request-list"))

    assert len(response.context["rows"]) == 12


def test_the_detail_shows_the_interpreter_and_records_the_view(
    tenant, as_role, interpreter
) -> None:
    assignment = an_assignment(tenant, interpreter)

    response = as_role("caseworker").get(reverse("request-detail", args=[assignment.request.pk]))

    assert "Amal Haddad" in response.text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(interpreter.volunteer.pk)
    ).exists()


# --------------------------------------------------------------------------- cancelling


def test_the_cancel_page_says_the_interpreter_is_told(tenant, as_role, interpreter) -> None:
    assignment = an_assignment(tenant, interpreter)

    response = as_role("caseworker").get(reverse("request-cancel", args=[assignment.request.pk]))

    assert "The assignment of Amal Haddad is freed, and Amal Haddad is told." in response.text


def test_the_cancel_page_says_a_pending_offer_is_withdrawn(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    response = as_role("caseworker").get(reverse("request-cancel", args=[offer.request.pk]))

    assert "The offer to the interpreter who has been asked is withdrawn" in response.text


def test_cancelling_needs_a_reason_and_changes_nothing_without(tenant, as_role) -> None:
    item = a_request(tenant)

    response = as_role("caseworker").post(reverse("request-cancel", args=[item.pk]), {"reason": ""})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    item.refresh_from_db()
    assert item.status == Status.OPEN


def test_cancelling_frees_the_assignment(tenant, as_role, interpreter) -> None:
    assignment = an_assignment(tenant, interpreter)

    response = as_role("caseworker").post(
        reverse("request-cancel", args=[assignment.request.pk]),
        {"reason": "Termin entfällt"},
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assignment.request.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert assignment.request.status == Status.CANCELLED
    assert assignment.request.cancel_reason == "Termin entfällt"


def test_cancelling_withdraws_the_pending_offer(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    as_role("coordinator").post(
        reverse("request-cancel", args=[offer.request.pk]), {"reason": "Doppelt angefragt"}
    )

    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_a_cancelled_request_cannot_be_cancelled_again(tenant, as_role) -> None:
    item = a_request(tenant, status=Status.CANCELLED)

    response = as_role("caseworker").post(
        reverse("request-cancel", args=[item.pk]), {"reason": "nochmal"}, follow=True
    )

    assert "can no longer be cancelled" in response.text


# --------------------------------------------------------------------------- My offers


def test_my_offers_show_what_an_interpreter_needs_and_no_client_or_street(
    tenant, as_role, interpreter
) -> None:
    offer = an_offer(tenant, interpreter)
    item = offer.request
    item.street, item.client_ref, item.minors_involved = "Europaplatz 1", "K-4711", True
    item.save()

    response = as_role("volunteer").get(reverse("offer-list"))

    text = response.text
    assert "Arabic (Modern Standard)" in text
    local = timezone.localtime(item.start)
    assert f"{local.day} {local:%b %Y}, {local:%H:%M}" in text  # the English UI's date format
    assert "1 hour" in text
    assert item.city in text
    assert "Health" in text
    assert "Please answer by" in text
    assert "involved" in text
    assert "K-4711" not in text
    assert "Europaplatz 1" not in text


def test_accepting_on_the_page_creates_the_assignment(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    response = as_role("volunteer").post(reverse("offer-accept", args=[offer.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("assignment-list")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert Assignment.objects.get().interpreter == interpreter


def test_accept_and_decline_do_nothing_on_get(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)
    client = as_role("volunteer")

    assert client.get(reverse("offer-accept", args=[offer.pk])).status_code == 405
    assert client.get(reverse("offer-decline", args=[offer.pk])).status_code == 405
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_accepting_an_offer_no_longer_pending_says_so_and_changes_nothing(
    tenant, as_role, interpreter
) -> None:
    offer = an_offer(tenant, interpreter, status=Offer.Status.WITHDRAWN)

    response = as_role("volunteer").post(reverse("offer-accept", args=[offer.pk]), follow=True)

    assert "no longer open" in response.text
    assert not Assignment.objects.exists()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN


def test_declining_with_a_reason(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    response = as_role("volunteer").post(
        reverse("offer-decline", args=[offer.pk]), {"reason": "Bin verreist"}
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "Bin verreist")
    assert RequestExclusion.objects.filter(request=offer.request, interpreter=interpreter).exists()


def test_a_bad_decline_reason_is_shown_at_the_offer_and_kept(tenant, as_role, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    response = as_role("volunteer").post(
        reverse("offer-decline", args=[offer.pk]), {"reason": "Ruf mich an: 0151 23456789"}
    )

    assert response.status_code == 200
    assert "phone numbers" in response.text
    assert 'value="Ruf mich an: 0151 23456789"' in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_my_offers_read_in_a_bounded_number_of_queries(
    tenant, as_role, interpreter, django_assert_max_num_queries
) -> None:
    client = as_role("volunteer")
    for _number in range(8):
        an_offer(tenant, interpreter)
        an_offer(tenant, interpreter, status=Offer.Status.DECLINED)

    # 11: the page, and the menu's count of unread messages (one query).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("offer-list"))

    assert len(response.context["pending"]) == 8


# --------------------------------------------------------------------------- the one-tap link


def link(offer: Offer) -> str:
    return reverse("offer-link", args=[services.offer_token(offer)])


def test_the_link_shows_the_offer_and_two_buttons_without_login(tenant, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    response = Client(headers={"accept-language": "en"}).get(link(offer))

    assert response.status_code == 200
    assert 'value="accept"' in response.text
    assert 'value="decline"' in response.text
    assert offer.request.client_ref not in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING  # a mail scanner's GET changes nothing


def test_the_link_accepts_on_post_and_then_refuses_a_second_answer(tenant, interpreter) -> None:
    offer = an_offer(tenant, interpreter)
    client = Client(headers={"accept-language": "en"})

    accepted = client.post(link(offer), {"action": "accept"})
    again = client.post(link(offer), {"action": "decline"})

    assert "The assignment is yours" in accepted.text
    assert "Europaplatz 1" in accepted.text  # the street, now that it is assigned
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert Assignment.objects.count() == 1
    assert 'value="decline"' not in again.text
    assert "The assignment is yours" in again.text


def test_the_link_declines_with_a_reason(tenant, interpreter) -> None:
    offer = an_offer(tenant, interpreter)

    response = Client(headers={"accept-language": "en"}).post(
        link(offer), {"action": "decline", "reason": "krank"}
    )

    assert "You have declined" in response.text
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (Offer.Status.DECLINED, "krank")


def test_a_link_to_a_taken_offer_says_so_kindly(tenant, interpreter) -> None:
    offer = an_offer(tenant, interpreter, status=Offer.Status.WITHDRAWN)

    response = Client(headers={"accept-language": "en"}).post(link(offer), {"action": "accept"})

    assert response.status_code == 200
    assert "This offer has been withdrawn" in response.text
    assert not Assignment.objects.exists()


def test_an_expired_link_explains_itself(tenant, interpreter) -> None:
    offer = an_offer(tenant, interpreter, expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = Client(headers={"accept-language": "en"})

    shown = client.get(link(offer))
    posted = client.post(link(offer), {"action": "accept"})

    assert "The time to answer this offer has passed" in shown.text
    assert 'value="accept"' not in shown.text
    assert "The time to answer this offer has passed" in posted.text
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("token", ["nonsense", "eyJvIjoxfQ:1xYYlv:forged", "x" * 500])
def test_an_invalid_link_explains_itself(token) -> None:
    response = Client(headers={"accept-language": "en"}).get(reverse("offer-link", args=[token]))

    assert response.status_code == 404
    assert "This link does not work" in response.text


def test_an_interpreter_without_login_answers_through_the_link(tenant) -> None:
    from tests.sprachpool.factories import InterpreterProfileFactory
    from tests.volunteers.factories import VolunteerFactory

    profile = InterpreterProfileFactory(
        volunteer=VolunteerFactory(center=tenant.center, user=None), is_active=True
    )
    offer = an_offer(tenant, profile)

    response = Client(headers={"accept-language": "en"}).post(link(offer), {"action": "accept"})

    assert response.status_code == 200
    assert "The assignment is yours" in response.text
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


def test_where_the_coordinator_confirms_the_link_says_so(tenant, interpreter) -> None:
    tenant.center.confirm_mode = "coordinator"
    tenant.center.save()
    offer = an_offer(tenant, interpreter)

    response = Client(headers={"accept-language": "en"}).post(link(offer), {"action": "accept"})

    assert "The coordinator confirms the assignment shortly" in response.text
    assert "Europaplatz 1" not in response.text
    assert not Assignment.objects.exists()


# --------------------------------------------------------------------------- My assignments


def test_my_assignments_show_the_street_and_the_departments_contact(
    tenant, as_role, interpreter
) -> None:
    tenant.department.email = "gesundheitsamt@example.org"
    tenant.department.save()
    assignment = an_assignment(tenant, interpreter, created_by=tenant.users["caseworker"])
    past = an_assignment(
        tenant,
        interpreter,
        start=timezone.now() - dt.timedelta(days=3, hours=1),
        end=timezone.now() - dt.timedelta(days=3),
    )

    response = as_role("volunteer").get(reverse("assignment-list"))

    assert [a.pk for a in response.context["upcoming"]] == [assignment.pk]
    assert [a.pk for a in response.context["page"].object_list] == [past.pk]
    assert "Europaplatz 1" in response.text
    assert "gesundheitsamt@example.org" in response.text
    assert tenant.users["caseworker"].display_name in response.text
    assert assignment.request.client_ref not in response.text


def test_giving_an_assignment_back_reopens_the_request(tenant, as_role, interpreter) -> None:
    assignment = an_assignment(tenant, interpreter)
    client = as_role("volunteer")

    page = client.get(reverse("assignment-cancel", args=[assignment.pk]))
    refused = client.post(reverse("assignment-cancel", args=[assignment.pk]), {"reason": ""})
    done = client.post(reverse("assignment-cancel", args=[assignment.pk]), {"reason": "krank"})

    assert "The department is told" in page.text
    assert refused.status_code == 200
    assert done.status_code == 302
    assignment.refresh_from_db()
    assignment.request.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert assignment.request.status == Status.OPEN


def test_my_assignments_read_in_a_bounded_number_of_queries(
    tenant, as_role, interpreter, django_assert_max_num_queries
) -> None:
    client = as_role("volunteer")
    for day in range(6):
        an_assignment(tenant, interpreter, start=next_week_at(days=5 + day))
        an_assignment(
            tenant,
            interpreter,
            start=timezone.now() - dt.timedelta(days=day + 1, hours=1),
            end=timezone.now() - dt.timedelta(days=day + 1),
        )

    # 12: the page, the menu's count of unread messages and the two-factor check (one each).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assignment-list"))

    assert len(response.context["upcoming"]) == 6


# --------------------------------------------------------------------------- menu and overview


def test_the_menu_and_overview_link_the_request_pages(tenant, as_role, interpreter) -> None:
    an_offer(tenant, interpreter)

    caseworker = as_role("caseworker").get(reverse("home"))
    volunteer = as_role("volunteer").get(reverse("home"))

    assert f'href="{reverse("request-list")}"' in caseworker.text
    assert f'href="{reverse("request-create")}"' in caseworker.text
    assert "Requests waiting for an interpreter" in caseworker.text
    assert f'href="{reverse("offer-list")}"' in volunteer.text
    assert "Offers waiting for your answer" in volunteer.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"place": "99999999999999999999999"},
        {"department": "abc"},
        {"department": "-1"},
        {"date": "2026-13-45", "start_time": "x", "end_time": "25:61"},
        {"language": "x" * 10_000, "client_ref": "\u202e" * 50},
        {"mode": "teleport", "priority": "asap", "topic": "moon", "gender_preference": "q"},
        {"min_level": "Z9", "minors_involved": "maybe"},
        {"postcode": "1234567890", "street": "x" * 5000, "place": ""},
    ],
)
def test_bad_input_is_a_field_error_never_a_server_error(tenant, as_role, overrides) -> None:
    response = as_role("caseworker").post(reverse("request-create"), form_data(tenant, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not InterpreterRequest.objects.exists()


def test_the_pages_speak_german_by_default(tenant, interpreter) -> None:
    an_offer(tenant, interpreter)
    client = Client(headers={"accept-language": "de"})
    client.force_login(tenant.users["volunteer"])

    response = client.get(reverse("offer-list"))

    assert "Meine Angebote" in response.text
    assert "Annehmen" in response.text
    assert "Bitte antworten Sie bis" in response.text
    assert " Uhr" in response.text
