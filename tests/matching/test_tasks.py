"""The periodic "at risk" job: requests still without an interpreter at the center's lead
time are reported once to the caseworker and the coordinators, with the last real run's
reasons and suggested changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from core.choices import Mode
from core.models import Notification
from matching import services, tasks
from requests.models import InterpreterRequest, Priority
from tests.conftest import Tenant
from tests.matching.test_services import open_request, pool_member
from tests.volunteers.factories import WeeklySlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages(settings: Any) -> None:
    """Staff without a language of their own get the installation's default: English here."""
    settings.LANGUAGE_CODE = "en"


def _filed(tenant: Tenant, *, hours: float, **kwargs: Any) -> InterpreterRequest:
    """A request starting in ``hours``, filed two days ago."""
    start = timezone.now() + dt.timedelta(hours=hours)
    request = open_request(tenant, start=start, end=start + dt.timedelta(hours=1), **kwargs)
    InterpreterRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    return request


def _told(event: str = "request_at_risk") -> list[tuple[str, str]]:
    rows = Notification.objects.filter(event=event).select_related("recipient")
    return sorted((row.recipient.username, row.channel) for row in rows)


def test_an_unassigned_request_at_the_lead_time_is_reported_once(tenant: Tenant) -> None:
    _filed(tenant, hours=40)
    assert [tasks.requests_at_risk() for _ in range(2)] == [4, 0]
    assert _told() == [
        ("caseworker-eigen", "email"),
        ("caseworker-eigen", "in_app"),
        ("coordinator-eigen", "email"),
        ("coordinator-eigen", "in_app"),
    ]


def test_the_message_gives_the_last_runs_reason_and_suggested_change(tenant: Tenant) -> None:
    tenant.center.at_risk_hours = 72
    tenant.center.save()
    day = timezone.localdate() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_default_timezone())
    member = pool_member(tenant, profile={"modes": [Mode.VIDEO]})
    WeeklySlotFactory(
        volunteer=member.volunteer,
        weekday=day.weekday(),
        start_time=dt.time(8),
        end_time=dt.time(18),
    )
    request = _filed(tenant, hours=(start - timezone.now()).total_seconds() / 3600)
    run = services.run_for_center(center=tenant.center)
    with translation.override("en"):
        row = next(r for r in services.run_explanations(run) if r["request"] == request.pk)
    assert row["reasons"] and row["hints"]

    tasks.requests_at_risk()
    body = next(m.body for m in mail.outbox if m.to == [tenant.users["caseworker"].email])
    assert all(reason in body for reason in row["reasons"])
    assert all(hint in body for hint in row["hints"])
    assert request.client_ref not in body and request.street not in body


def test_a_request_before_its_lead_time_is_not_at_risk(tenant: Tenant) -> None:
    _filed(tenant, hours=50)
    assert tasks.requests_at_risk() == 0


def test_urgent_requests_have_their_own_lead_time(tenant: Tenant) -> None:
    _filed(tenant, hours=5, priority=Priority.URGENT)
    assert tasks.requests_at_risk() == 0
    _filed(tenant, hours=3, priority=Priority.CRITICAL)
    assert tasks.requests_at_risk() == 4


def test_the_lead_time_is_the_centers(tenant: Tenant) -> None:
    tenant.center.at_risk_hours = 72
    tenant.center.save()
    _filed(tenant, hours=60)
    assert tasks.requests_at_risk() == 4


def test_a_request_filed_just_now_gets_time_for_its_first_offer(tenant: Tenant) -> None:
    request = _filed(tenant, hours=3, priority=Priority.URGENT)
    InterpreterRequest.objects.filter(pk=request.pk).update(created_at=timezone.now())
    assert tasks.requests_at_risk() == 0


def test_an_assigned_request_is_not_at_risk(tenant: Tenant) -> None:
    request = _filed(tenant, hours=40)
    InterpreterRequest.objects.filter(pk=request.pk).update(status="assigned")
    assert tasks.requests_at_risk() == 0
    assert Notification.objects.count() == 0
