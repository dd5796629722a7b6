"""Retention of requests (DSGVO): after the center's retention period a finished request
loses its notes, client reference and free texts; statistics and allowance entries stay;
idempotent; audited as the system; tested with a moved clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from django_q.tasks import async_task, result

from core.management.commands.setup_periodic_tasks import PERIODIC_TASKS
from core.models import AuditEvent, Notification
from requests.models import (
    AllowanceEntry,
    Assignment,
    Confirmation,
    InterpreterRequest,
    Offer,
)
from requests.retention import requests_redact
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, OfferFactory

S = InterpreterRequest.Status
#: The appointment of the requests in these tests.
START = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)


def months_later(months: int) -> dt.datetime:
    """The clock moved ``months`` × 31 days past the appointment's end."""
    return START + dt.timedelta(hours=1) + dt.timedelta(days=31 * months)


def finished_request(tenant, **fields) -> InterpreterRequest:
    values = {
        "center": tenant.center,
        "department": tenant.department,
        "status": S.COMPLETED,
        "start": START,
        "end": START + dt.timedelta(hours=1),
        "client_ref": "K-4711",
        "notes": "Zweiter Termin zur Schuleingangsuntersuchung.",
        "urgency_reason": "Frist läuft ab",
        **fields,
    }
    return InterpreterRequestFactory(**values)


def allowance_for(assignment: Assignment, *, amount: str = "25.00") -> AllowanceEntry:
    return AllowanceEntry.objects.create(
        center=assignment.request.center,
        interpreter=assignment.interpreter,
        assignment=assignment,
        basis=AllowanceEntry.Basis.TOOK_PLACE,
        rule=assignment.request.center.allowance_rule,
        client_ref=assignment.request.client_ref,
        amount=Decimal(amount),
        month=assignment.start.date().replace(day=1),
        note="Pauschale",
    )


@pytest.mark.django_db
def test_a_finished_request_past_the_period_loses_notes_and_client_reference(tenant):
    request = finished_request(tenant, status=S.CANCELLED, cancel_reason="Familie verzogen")
    report = requests_redact(now=months_later(25))
    request.refresh_from_db()
    assert report.requests == 1
    assert (request.notes, request.client_ref, request.cancel_reason, request.urgency_reason) == (
        "",
        "",
        "",
        "",
    )
    assert request.redacted_at == months_later(25)


@pytest.mark.django_db
def test_redaction_keeps_the_statistics(tenant):
    request = finished_request(tenant)
    before = InterpreterRequest.objects.filter(pk=request.pk).values(
        "status", "start", "end", "language", "department", "topic", "mode", "city", "postcode"
    )[0]
    requests_redact(now=months_later(25))
    after = InterpreterRequest.objects.filter(pk=request.pk).values(*before)[0]
    assert after == before


@pytest.mark.django_db
def test_a_request_inside_the_period_is_untouched(tenant):
    request = finished_request(tenant)
    report = requests_redact(now=months_later(23))
    request.refresh_from_db()
    assert report.requests == 0
    assert (request.notes, request.client_ref, request.redacted_at) != ("", "", None)
    assert request.client_ref == "K-4711"
    assert request.redacted_at is None


@pytest.mark.django_db
def test_each_center_has_its_own_period(tenant, other_tenant):
    tenant.center.retention_months = 6
    tenant.center.save()
    short = finished_request(tenant)
    long = finished_request(other_tenant)  # 24 months
    requests_redact(now=months_later(7))
    short.refresh_from_db()
    long.refresh_from_db()
    assert short.redacted_at is not None
    assert long.redacted_at is None
    assert long.notes


@pytest.mark.django_db
def test_an_upcoming_request_is_never_redacted(tenant):
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        start=START + dt.timedelta(days=31 * 30),
        end=START + dt.timedelta(days=31 * 30, hours=1),
        notes="noch offen",
    )
    requests_redact(now=months_later(25))
    request.refresh_from_db()
    assert request.redacted_at is None
    assert request.notes == "noch offen"


@pytest.mark.django_db
def test_a_hand_typed_address_is_removed_but_a_center_place_stays(tenant):
    typed = finished_request(
        tenant, place=None, street="Ringstraße 5", city="Gießen", lat=50.1, lon=8.6
    )
    office = finished_request(tenant)
    requests_redact(now=months_later(25))
    typed.refresh_from_db()
    office.refresh_from_db()
    assert (typed.street, typed.lat, typed.lon) == ("", None, None)
    assert typed.city  # the town stays for the statistics
    assert office.place_id is not None
    assert office.street == "Europaplatz 1"


@pytest.mark.django_db
def test_free_texts_of_offers_assignments_and_einsatznachweise_are_blanked(tenant):
    request = finished_request(tenant)
    declined = OfferFactory(
        request=request, status=Offer.Status.DECLINED, decline_reason="Ich kenne die Familie"
    )
    assignment = AssignmentFactory(
        request=request, status=Assignment.Status.CANCELLED, cancel_reason="krank"
    )
    Confirmation.objects.create(
        assignment=assignment, side=Confirmation.Side.REQUESTER, took_place=False, note="Kind krank"
    )
    requests_redact(now=months_later(25))
    declined.refresh_from_db()
    assignment.refresh_from_db()
    assert declined.decline_reason == ""
    assert assignment.cancel_reason == ""
    assert list(assignment.confirmations.values_list("note", "took_place")) == [("", False)]


@pytest.mark.django_db
def test_allowance_entries_and_billing_totals_stay(tenant):
    request = finished_request(tenant)
    assignment = AssignmentFactory(request=request, status=Assignment.Status.COMPLETED)
    entry = allowance_for(assignment)
    fields = [f.name for f in AllowanceEntry._meta.concrete_fields]
    before = AllowanceEntry.objects.filter(pk=entry.pk).values(*fields)[0]
    total = AllowanceEntry.objects.aggregate(total=Sum("amount"))["total"]
    requests_redact(now=months_later(25))
    assert AllowanceEntry.objects.filter(pk=entry.pk).values(*fields)[0] == before
    assert AllowanceEntry.objects.aggregate(total=Sum("amount"))["total"] == total
    assert before["client_ref"] == "K-4711"  # the cap still counts this client's entries


@pytest.mark.django_db
def test_each_redaction_is_audited_by_the_system(tenant):
    request = finished_request(tenant)
    requests_redact(now=months_later(25))
    event = AuditEvent.objects.get(object_type="requests.interpreterrequest", object_id=request.pk)
    assert event.actor is None
    assert event.action == AuditEvent.Action.UPDATE
    assert event.center_id == tenant.center.pk
    assert {"notes", "client_ref", "urgency_reason"} <= set(event.detail["fields"])
    assert "K-4711" not in str(event.detail)


@pytest.mark.django_db
def test_a_second_run_changes_nothing(tenant):
    request = finished_request(tenant)
    Notification.objects.create(
        key="n1", center=tenant.center, channel="email", event="x", body="Termin", address="a@b.de"
    )
    Notification.objects.filter(key="n1").update(created_at=START)
    now = months_later(25)
    first = requests_redact(now=now)
    request.refresh_from_db()
    stamp, changed, events = request.redacted_at, request.updated_at, AuditEvent.objects.count()
    second = requests_redact(now=now + dt.timedelta(days=1))
    request.refresh_from_db()
    assert (first.requests, first.notifications) == (1, 1)
    assert (second.requests, second.notifications) == (0, 0)
    assert (request.redacted_at, request.updated_at) == (stamp, changed)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_old_messages_lose_address_subject_and_text(tenant):
    old = Notification.objects.create(
        key="old",
        center=tenant.center,
        channel="email",
        event="offer_made",
        address="amal@example.org",
        subject="Anfrage",
        body="Termin am …",
    )
    new = Notification.objects.create(
        key="new",
        center=tenant.center,
        channel="email",
        event="offer_made",
        address="amal@example.org",
        subject="Anfrage",
        body="Termin am …",
    )
    Notification.objects.filter(pk=old.pk).update(created_at=START)
    Notification.objects.filter(pk=new.pk).update(created_at=months_later(2))
    requests_redact(now=months_later(25))
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.address, old.subject, old.body, old.event) == ("", "", "", "offer_made")
    assert new.body == "Termin am …"


@pytest.mark.django_db
def test_the_task_runs_the_clean_up(tenant):
    request = finished_request(
        tenant,
        start=timezone.now() - dt.timedelta(days=800),
        end=timezone.now() - dt.timedelta(days=800) + dt.timedelta(hours=1),
    )
    outcome = result(async_task("requests.tasks.retention_apply"))
    request.refresh_from_db()
    assert outcome["requests"] == 1
    assert request.redacted_at is not None


def test_the_clean_ups_are_scheduled_daily():
    jobs = {task.name: task.func for task in PERIODIC_TASKS}
    assert jobs["requests-retention"] == "requests.tasks.retention_apply"
    assert jobs["matching-runs-retention"] == "matching.tasks.retention_apply"
