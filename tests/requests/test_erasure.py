"""Erasure (Art. 17) reaches the request flow, the messages and the networks: anonymising an
interpreter withdraws their pending offers, cancels their upcoming assignments (the
department is told), keeps past assignments and allowance entries, blanks their messages
and free texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification
from networks.models import CheckIn
from requests.models import AllowanceEntry, Assignment, Confirmation, InterpreterRequest, Offer
from requests.services import INTERPRETER_ERASED_REASON
from tests.networks.factories import NetworkMemberFactory, SponsorshipFactory
from tests.requests.factories import AssignmentFactory, OfferFactory
from volunteers.services import volunteer_anonymise

S = InterpreterRequest.Status


def anonymise(tenant, interpreter):
    volunteer_anonymise(actor=tenant.users["coordinator"], volunteer=interpreter.volunteer)


@pytest.mark.django_db
def test_a_pending_offer_is_withdrawn_and_the_request_reopens(tenant, interpreter):
    offer = OfferFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
    )
    anonymise(tenant, interpreter)
    offer.refresh_from_db()
    offer.request.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert offer.request.status == S.OPEN


@pytest.mark.django_db
def test_an_upcoming_assignment_is_cancelled_and_the_department_told(
    tenant, interpreter, django_capture_on_commit_callbacks
):
    tenant.users["caseworker"].email = "sachbearbeitung@kreis.example"
    tenant.users["caseworker"].save()
    assignment = AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        request__created_by=tenant.users["caseworker"],
        interpreter=interpreter,
    )
    with django_capture_on_commit_callbacks(execute=True):
        anonymise(tenant, interpreter)
    assignment.refresh_from_db()
    assignment.request.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert assignment.cancel_reason == str(INTERPRETER_ERASED_REASON)
    assert assignment.request.status in (S.OPEN, S.OFFERED)
    told = [m for m in mail.outbox if "sachbearbeitung@kreis.example" in m.to]
    assert len(told) == 1
    assert str(INTERPRETER_ERASED_REASON) in told[0].body


@pytest.mark.django_db
def test_past_assignments_einsatznachweise_and_allowances_stay(tenant, interpreter):
    start = timezone.now() - dt.timedelta(days=10)
    assignment = AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        request__start=start,
        request__end=start + dt.timedelta(hours=1),
        request__status=S.COMPLETED,
        interpreter=interpreter,
        status=Assignment.Status.COMPLETED,
    )
    Confirmation.objects.create(
        assignment=assignment, side=Confirmation.Side.INTERPRETER, took_place=True, note="Familie X"
    )
    entry = AllowanceEntry.objects.create(
        center=tenant.center,
        interpreter=interpreter,
        assignment=assignment,
        basis=AllowanceEntry.Basis.TOOK_PLACE,
        rule=tenant.center.allowance_rule,
        client_ref="K-1",
        amount=Decimal("25.00"),
        month=start.date().replace(day=1),
    )
    anonymise(tenant, interpreter)
    assignment.refresh_from_db()
    entry.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
    assert (entry.amount, entry.client_ref, entry.interpreter_id) == (
        Decimal("25.00"),
        "K-1",
        interpreter.pk,
    )
    assert list(assignment.confirmations.values_list("took_place", "note")) == [(True, "")]


@pytest.mark.django_db
def test_decline_reasons_are_erased(tenant, interpreter):
    offer = OfferFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
        status=Offer.Status.DECLINED,
        decline_reason="Ich kenne die Familie Yilmaz",
    )
    anonymise(tenant, interpreter)
    offer.refresh_from_db()
    assert offer.decline_reason == ""


@pytest.mark.django_db
def test_messages_to_the_person_lose_address_subject_and_text(tenant, interpreter):
    user = interpreter.volunteer.user
    message = Notification.objects.create(
        key="m1",
        center=tenant.center,
        recipient=user,
        channel="email",
        event="offer_made",
        address=interpreter.volunteer.email,
        subject="Anfrage",
        body="Termin bei Familie Y",
    )
    other = Notification.objects.create(
        key="m2",
        center=tenant.center,
        recipient=tenant.users["caseworker"],
        channel="email",
        event="request_assigned",
        address="c@kreis.example",
        subject="Gefunden",
        body="…",
    )
    anonymise(tenant, interpreter)
    message.refresh_from_db()
    other.refresh_from_db()
    assert (message.address, message.subject, message.body) == ("", "", "")
    assert (message.event, message.key) == ("offer_made", "m1")
    assert other.body == "…"


@pytest.mark.django_db
def test_sponsorship_notes_and_check_in_notes_are_erased(tenant, interpreter):
    volunteer = interpreter.volunteer
    member = NetworkMemberFactory(network__center=tenant.center, volunteer=volunteer)
    sponsorship = SponsorshipFactory(network=member.network, pate=volunteer, end_note="Umzug")
    check_in = CheckIn.objects.create(sponsorship=sponsorship, date=dt.date(2026, 1, 5), note="x")
    anonymise(tenant, interpreter)
    sponsorship.refresh_from_db()
    check_in.refresh_from_db()
    assert (sponsorship.end_note, check_in.note) == ("", "")


@pytest.mark.django_db
def test_no_request_is_deleted(tenant, interpreter):
    AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
    )
    OfferFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
    )
    before = InterpreterRequest.objects.count()
    anonymise(tenant, interpreter)
    assert InterpreterRequest.objects.count() == before
