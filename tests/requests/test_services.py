"""Services of the request flow: every rule refuses with a message and stores nothing,
every transition moves the statuses the contract names."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from core.choices import Mode, Topic
from core.models import Center, Notification, Place
from requests import services
from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion
from tests.conftest import Tenant
from tests.factories import PlaceFactory, UserFactory
from tests.requests.factories import (
    AssignmentFactory,
    InterpreterRequestFactory,
    OfferFactory,
)
from tests.sprachpool.factories import interpreter

BERLIN = ZoneInfo("Europe/Berlin")
#: A Wednesday, so lead times cross a weekend.
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def fields(tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "language": "ar",
        "min_level": "B2",
        "start": at(9, 9),
        "end": at(9, 10),
        "mode": Mode.IN_PERSON,
        "place": tenant.place.pk,
        "topic": Topic.HEALTH,
        "client_ref": "K-1177",
    }
    values.update(overrides)
    return values


def create(tenant: Tenant, role: str = "caseworker", **overrides: Any) -> InterpreterRequest:
    return services.request_create(actor=tenant.users[role], now=NOW, **fields(tenant, **overrides))


# --- creating a request -------------------------------------------------------------------


def test_caseworker_files_a_request_for_own_department(tenant: Tenant) -> None:
    request = create(tenant)
    assert request.department == tenant.department
    assert request.center == tenant.center
    assert request.status == InterpreterRequest.Status.OPEN
    assert (request.city, request.lat) == (tenant.place.city, tenant.place.lat)


def test_every_error_is_reported_at_once_and_nothing_is_stored(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as caught:
        create(
            tenant,
            language="xx",
            start=at(1, 9),
            end=at(1, 8),
            mode="teleport",
            topic="nope",
            client_ref="max@example.org",
            notes="call 0151 2345678",
        )
    errors = caught.value.message_dict
    assert {"language", "start", "end", "mode", "topic", "client_ref", "notes"} <= set(errors)
    assert InterpreterRequest.objects.count() == 0


def test_duration_must_be_between_15_minutes_and_8_hours(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as short:
        create(tenant, start=at(9, 9), end=at(9, 9, 10))
    with pytest.raises(ValidationError) as long:
        create(tenant, start=at(9, 8), end=at(9, 17))
    assert "15 minutes" in short.value.message_dict["end"][0]
    assert "8 hours" in long.value.message_dict["end"][0]
    assert InterpreterRequest.objects.count() == 0


def test_lead_time_counts_working_days_only(tenant: Tenant) -> None:
    tenant.center.min_lead_working_days = 3
    tenant.center.save()
    # Wednesday 2 Dec: Thu 3, Fri 4, Mon 7 are the three working days.
    with pytest.raises(ValidationError) as caught:
        create(tenant, start=at(4, 9), end=at(4, 10))
    assert "7 Dec 2026" in caught.value.message_dict["start"][0]
    assert create(tenant, start=at(7, 9), end=at(7, 10)).pk


def test_hessian_holidays_are_not_working_days() -> None:
    center = Center(min_lead_working_days=2)
    # Tuesday 23 Dec 2026: Wed 24 counts, 25 and 26 are holidays, Sun 27 too → Mon 28.
    assert services.earliest_start_day(center=center, today=dt.date(2026, 12, 23)) == dt.date(
        2026, 12, 28
    )
    # Corpus Christi (4 June 2026) is a holiday in Hessen.
    assert not services.is_working_day(dt.date(2026, 6, 4))


def test_urgent_requests_skip_the_lead_time_but_need_a_reason(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as caught:
        create(tenant, start=at(3, 9), end=at(3, 10), priority="urgent")
    assert "urgency_reason" in caught.value.message_dict
    request = create(
        tenant, start=at(3, 9), end=at(3, 10), priority="urgent", urgency_reason="Child protection"
    )
    assert request.is_urgent


def test_excluded_settings_are_refused_with_the_hint(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as caught:
        create(tenant, topic=Topic.COURT)
    message = caught.value.message_dict["topic"][0]
    assert "does not serve" in message and "professional interpreter" in message
    assert InterpreterRequest.objects.count() == 0


@pytest.mark.parametrize(
    "field,value",
    [
        ("client_ref", "Max Mustermann"),
        ("client_ref", "+49 151 2345678"),
        ("notes", "Bitte an max@example.org"),
        ("notes", "x" * 100_000),
    ],
)
def test_personal_data_and_huge_notes_are_field_errors(
    tenant: Tenant, field: str, value: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(tenant, **{field: value})
    assert field in caught.value.message_dict
    assert InterpreterRequest.objects.count() == 0


def test_unknown_and_foreign_places_are_field_errors(tenant: Tenant, other_tenant: Tenant) -> None:
    for place in (99999999999999999999, other_tenant.place.pk, "x"):
        with pytest.raises(ValidationError) as caught:
            create(tenant, place=place)
        assert "place" in caught.value.message_dict
    assert InterpreterRequest.objects.count() == 0


def test_an_address_takes_the_coordinates_of_the_center_town(tenant: Tenant) -> None:
    PlaceFactory(
        center=tenant.center,
        name="Bad Nauheim",
        postcode="61231",
        city="Bad Nauheim",
        lat=50.36,
        lon=8.74,
    )
    request = create(tenant, place=None, street="Parkstraße 1", postcode="61231")
    assert (request.lat, request.lon, request.city) == (50.36, 8.74, "Bad Nauheim")


def test_an_address_outside_the_area_is_refused(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as caught:
        create(tenant, place=None, street="Zeil 1", postcode="60313", city="Frankfurt")
    assert "city" in caught.value.message_dict


def test_phone_requests_need_no_place(tenant: Tenant) -> None:
    request = create(tenant, mode=Mode.PHONE, place=None)
    assert request.lat is None and request.place is None


def test_a_caseworker_cannot_file_for_another_department(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(tenant, department=other_tenant.department.pk)
    assert "department" in caught.value.message_dict
    assert InterpreterRequest.objects.count() == 0


def test_the_client_cap_is_flagged_but_the_request_is_filed(tenant: Tenant) -> None:
    tenant.center.allowance_cap_per_client = 2
    tenant.center.save()
    for _ in range(2):
        AssignmentFactory(
            request=InterpreterRequestFactory(
                center=tenant.center,
                department=tenant.department,
                client_ref="K-5",
                status=InterpreterRequest.Status.COMPLETED,
            ),
            status=Assignment.Status.COMPLETED,
        )
    request = create(tenant, client_ref="K-5")
    assert request.client_cap_reached
    assert not create(tenant, client_ref="K-6").client_cap_reached


# --- changing and cancelling ----------------------------------------------------------------


def test_an_open_request_can_be_changed_and_others_cannot(tenant: Tenant) -> None:
    request = create(tenant)
    services.request_update(
        actor=tenant.users["caseworker"],
        request=request,
        now=NOW,
        notes="Please arrive 10 minutes early.",
    )
    request.refresh_from_db()
    assert request.notes == "Please arrive 10 minutes early."
    InterpreterRequest.objects.filter(pk=request.pk).update(status="offered")
    with pytest.raises(ValidationError):
        services.request_update(
            actor=tenant.users["caseworker"], request=request, now=NOW, notes="changed"
        )
    request.refresh_from_db()
    assert request.notes == "Please arrive 10 minutes early."


def test_cancel_withdraws_the_pending_offer(tenant: Tenant) -> None:
    offer = OfferFactory(request__center=tenant.center, request__department=tenant.department)
    services.request_cancel(
        actor=tenant.users["caseworker"], request=offer.request, reason="Appointment moved"
    )
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert offer.request.status == InterpreterRequest.Status.CANCELLED
    assert offer.request.cancel_reason == "Appointment moved"


def test_cancel_frees_the_assignment_and_tells_the_interpreter(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    assignment = AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter__volunteer__email_confirmed_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_cancel(
            actor=tenant.users["caseworker"], request=assignment.request, reason="Client ill"
        )
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert [m.to for m in mail.outbox] == [[assignment.interpreter.volunteer.email]]
    assert "Client ill" in mail.outbox[0].body


def test_cancel_needs_a_reason_and_changes_nothing(tenant: Tenant) -> None:
    request = create(tenant)
    with pytest.raises(ValidationError):
        services.request_cancel(actor=tenant.users["caseworker"], request=request, reason=" ")
    request.refresh_from_db()
    assert request.status == InterpreterRequest.Status.OPEN


def test_other_roles_cannot_cancel(tenant: Tenant) -> None:
    request = create(tenant)
    for role in ("volunteer", "network_lead"):
        with pytest.raises(PermissionDenied):
            services.request_cancel(actor=tenant.users[role], request=request, reason="x")
    request.refresh_from_db()
    assert request.status == InterpreterRequest.Status.OPEN


# --- offers -----------------------------------------------------------------------------------


def test_offer_expiry_leaves_time_to_re_offer() -> None:
    center = Center(offer_expiry_hours=24)
    soon = InterpreterRequest(center=center, start=NOW + dt.timedelta(hours=10), priority="normal")
    later = InterpreterRequest(center=center, start=NOW + dt.timedelta(days=7), priority="normal")
    urgent = InterpreterRequest(center=center, start=NOW + dt.timedelta(days=1), priority="urgent")
    assert services.offer_expires_at(request=soon, now=NOW) == NOW + dt.timedelta(hours=5)
    assert services.offer_expires_at(request=later, now=NOW) == NOW + dt.timedelta(hours=24)
    assert services.offer_expires_at(request=urgent, now=NOW) == NOW + dt.timedelta(hours=2)


def _offer_for(tenant: Tenant, **kwargs: Any) -> Offer:
    request = InterpreterRequestFactory(
        center=tenant.center, department=tenant.department, created_by=tenant.users["caseworker"]
    )
    profile = interpreter(
        center=tenant.center, email_confirmed_at=timezone.now(), user=UserFactory()
    )
    return services.offer_create(request=request, interpreter=profile, **kwargs)


def test_an_offer_makes_the_request_offered_and_sends_the_one_tap_link(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        offer = _offer_for(tenant)
    offer.request.refresh_from_db()
    assert offer.request.status == InterpreterRequest.Status.OFFERED
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = body.split("/o/", 1)[1].split("/", 1)[0]
    assert services.offer_from_token(link) == offer
    assert offer.request.client_ref not in body and offer.request.street not in body


def test_the_offer_message_goes_out_once(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    from requests import tasks

    with django_capture_on_commit_callbacks(execute=True):
        offer = _offer_for(tenant)
    assert tasks.notify("offer_made", offer.pk) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(key__startswith="offer_made:").count() >= 1


def test_an_unconfirmed_address_gets_no_offer_mail(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    request = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    profile = interpreter(center=tenant.center, email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_create(request=request, interpreter=profile)
    assert mail.outbox == []


def test_only_one_pending_offer_per_request(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    InterpreterRequest.objects.filter(pk=offer.request_id).update(status="open")
    other = interpreter(center=tenant.center)
    with pytest.raises(ValidationError):
        services.offer_create(request=offer.request, interpreter=other)
    assert Offer.objects.filter(request=offer.request).count() == 1


def test_accept_creates_the_assignment(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    services.offer_accept(actor=offer.interpreter.volunteer.user, offer=offer)
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assignment = Assignment.objects.get(request=offer.request)
    assert offer.status == Offer.Status.ACCEPTED
    assert offer.request.status == InterpreterRequest.Status.ASSIGNED
    gap = dt.timedelta(minutes=tenant.center.gap_minutes / 2)
    assert (assignment.blocked_start, assignment.blocked_end) == (
        offer.request.start - gap,
        offer.request.end + gap,
    )


def test_accepting_twice_is_a_conflict_and_changes_nothing(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    user = offer.interpreter.volunteer.user
    services.offer_accept(actor=user, offer=offer)
    with pytest.raises(services.OfferConflict):
        services.offer_accept(actor=user, offer=offer)
    assert Assignment.objects.count() == 1


def test_an_expired_offer_cannot_be_accepted(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    with pytest.raises(services.OfferConflict):
        services.offer_accept(
            actor=offer.interpreter.volunteer.user,
            offer=offer,
            now=offer.expires_at + dt.timedelta(seconds=1),
        )
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert not Assignment.objects.exists()


def test_only_the_offered_interpreter_accepts(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    for role in ("volunteer", "coordinator", "caseworker"):
        with pytest.raises(PermissionDenied):
            services.offer_accept(actor=tenant.users[role], offer=offer)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_an_overlapping_second_assignment_is_refused(tenant: Tenant) -> None:
    first = _offer_for(tenant)
    user = first.interpreter.volunteer.user
    services.offer_accept(actor=user, offer=first)
    # Another request 10 minutes after the first ends: inside the 30-minute gap.
    second_request = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        start=first.request.end + dt.timedelta(minutes=10),
        end=first.request.end + dt.timedelta(minutes=70),
    )
    second = services.offer_create(request=second_request, interpreter=first.interpreter)
    with pytest.raises(services.OfferConflict):
        services.offer_accept(actor=user, offer=second)
    second.refresh_from_db()
    assert second.status == Offer.Status.PENDING
    assert Assignment.objects.count() == 1


def test_decline_excludes_the_interpreter_and_reopens(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    services.offer_decline(actor=offer.interpreter.volunteer.user, offer=offer, reason="Ill")
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED and offer.decline_reason == "Ill"
    assert offer.request.status == InterpreterRequest.Status.OPEN
    assert RequestExclusion.objects.filter(
        request=offer.request, interpreter=offer.interpreter, reason="declined"
    ).exists()
    with pytest.raises(ValidationError):
        services.offer_create(request=offer.request, interpreter=offer.interpreter)


def test_confirm_mode_waits_for_the_coordinator(tenant: Tenant) -> None:
    tenant.center.confirm_mode = Center.ConfirmMode.COORDINATOR
    tenant.center.save()
    offer = _offer_for(tenant)
    services.offer_accept(actor=offer.interpreter.volunteer.user, offer=offer)
    offer.refresh_from_db()
    assert offer.awaiting_confirmation and not Assignment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.offer_confirm(actor=tenant.users["caseworker"], offer=offer)
    services.offer_confirm(actor=tenant.users["coordinator"], offer=offer)
    offer.request.refresh_from_db()
    assert offer.request.status == InterpreterRequest.Status.ASSIGNED


def test_withdraw_reopens_and_only_pending_offers(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    services.offer_withdraw(actor=tenant.users["coordinator"], offer=offer)
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert offer.request.status == InterpreterRequest.Status.OPEN
    with pytest.raises(ValidationError):
        services.offer_withdraw(actor=tenant.users["coordinator"], offer=offer)


def test_offer_tokens_name_their_offer_and_refuse_tampering(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    token = services.offer_token(offer)
    assert services.offer_from_token(token) == offer
    with pytest.raises(ValidationError):
        services.offer_from_token(token[:-2] + "xx")
    assert str(offer.interpreter.volunteer.email) not in token


def test_expiry_excludes_and_reopens(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    later = offer.expires_at + dt.timedelta(minutes=1)
    assert services.offers_expire(now=later) == 1
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert offer.request.status == InterpreterRequest.Status.OPEN
    assert RequestExclusion.objects.filter(reason="expired").count() == 1
    assert services.offers_expire(now=later) == 0


def test_requests_open_at_their_start_become_unfilled(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    open_one = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    after = max(offer.request.start, open_one.start) + dt.timedelta(minutes=1)
    assert services.requests_mark_unfilled(now=after) == 2
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert set(InterpreterRequest.objects.values_list("status", flat=True)) == {"unfilled"}


# --- assignments ------------------------------------------------------------------------------


def test_the_interpreter_cancels_and_the_request_reopens(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    offer = _offer_for(tenant)
    services.offer_accept(actor=offer.interpreter.volunteer.user, offer=offer)
    assignment = Assignment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_cancel(
            actor=offer.interpreter.volunteer.user, assignment=assignment, reason="Ill"
        )
    assignment.refresh_from_db()
    offer.request.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    # Re-opened, and the run that started at once found nobody else: open again.
    assert offer.request.status == InterpreterRequest.Status.OPEN
    assert RequestExclusion.objects.filter(reason="cancelled").count() == 1
    told = [m for m in mail.outbox if m.to == [tenant.users["caseworker"].email]]
    assert any("Ill" in m.body for m in told)


def test_others_cannot_cancel_an_assignment(tenant: Tenant) -> None:
    assignment = AssignmentFactory(
        request__center=tenant.center, request__department=tenant.department
    )
    for role in ("volunteer", "caseworker", "network_lead"):
        with pytest.raises(PermissionDenied):
            services.assignment_cancel(actor=tenant.users[role], assignment=assignment, reason="x")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.UPCOMING


def test_exclusion_withdraws_a_pending_offer(tenant: Tenant) -> None:
    offer = _offer_for(tenant)
    services.request_exclude_interpreter(
        actor=tenant.users["coordinator"], request=offer.request, interpreter=offer.interpreter
    )
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert RequestExclusion.objects.filter(reason="coordinator").exists()


def test_place_kind_office_comes_first_in_the_form(tenant: Tenant) -> None:
    from requests.selectors import request_form_places

    town = PlaceFactory(center=tenant.center, name="Aaa-Dorf", kind=Place.Kind.TOWN, city="A")
    places = request_form_places(center=tenant.center)
    assert places.index(town) > places.index(tenant.place) or tenant.place.kind == Place.Kind.TOWN


def test_the_signed_link_answers_for_an_interpreter_without_login(tenant: Tenant) -> None:
    request = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    profile = interpreter(center=tenant.center, user=None)
    offer = services.offer_create(request=request, interpreter=profile)
    other = services.offer_create(
        request=InterpreterRequestFactory(center=tenant.center, department=tenant.department),
        interpreter=interpreter(center=tenant.center),
    )
    with pytest.raises(PermissionDenied):  # a link of another offer is no authority
        services.offer_accept(actor=None, offer=offer, token=services.offer_token(other))
    services.offer_accept(actor=None, offer=offer, token=services.offer_token(offer))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


def test_an_assigned_request_excludes_nobody(tenant: Tenant) -> None:
    assignment = AssignmentFactory(
        request__center=tenant.center, request__department=tenant.department
    )
    with pytest.raises(ValidationError):
        services.request_exclude_interpreter(
            actor=tenant.users["coordinator"],
            request=assignment.request,
            interpreter=assignment.interpreter,
        )
    assert not RequestExclusion.objects.exists()
