"""Messages sent at most once, retried with backoff, held for quiet hours, given up after the
last try and tried again by a coordinator; the in-app messages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from core import messaging
from core.messaging import (
    MAX_ATTEMPTS,
    deliver,
    messages_retry,
    news_mark_all_read,
    notification_retry,
    quiet_hours_end,
    record_in_app,
    retry_delay,
)
from core.models import AuditEvent, Notification
from core.sms import MemorySmsBackend
from tests.conftest import Tenant

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


def berlin(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BERLIN)


def _mail(key: str = "k", **kwargs: Any) -> bool:
    values: dict[str, Any] = {
        "channel": "email",
        "to": "a@example.org",
        "subject": "Betreff",
        "body": "Text",
        "event": "test",
        "now": NOW,
        **kwargs,
    }
    return deliver(key=key, **values)


# --- pure rules -----------------------------------------------------------------------------


@pytest.mark.unit
def test_the_backoff_waits_5_15_45_and_135_minutes() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        dt.timedelta(minutes=m) for m in (5, 15, 45, 135)
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("at", "end"),
    [
        (berlin(2026, 12, 2, 22, 30), berlin(2026, 12, 3, 7, 0)),
        (berlin(2026, 12, 3, 6, 59), berlin(2026, 12, 3, 7, 0)),
        (berlin(2026, 12, 2, 21, 0), berlin(2026, 12, 3, 7, 0)),
        (berlin(2026, 12, 3, 7, 0), None),
        (berlin(2026, 12, 2, 12, 0), None),
        (berlin(2026, 12, 2, 20, 59), None),
    ],
)
def test_quiet_hours_over_midnight(at: dt.datetime, end: dt.datetime | None) -> None:
    assert quiet_hours_end(at=at, quiet_from=dt.time(21), quiet_until=dt.time(7)) == end


@pytest.mark.unit
def test_quiet_hours_within_one_day_and_none_when_equal() -> None:
    lunch = {"quiet_from": dt.time(12), "quiet_until": dt.time(14)}
    assert quiet_hours_end(at=berlin(2026, 12, 2, 13, 0), **lunch) == berlin(2026, 12, 2, 14, 0)
    assert quiet_hours_end(at=berlin(2026, 12, 2, 14, 0), **lunch) is None
    assert (
        quiet_hours_end(at=berlin(2026, 12, 2, 3, 0), quiet_from=dt.time(0), quiet_until=dt.time(0))
        is None
    )


@pytest.mark.unit
def test_quiet_hours_end_at_the_local_time_across_the_dst_changes() -> None:
    rules = {"quiet_from": dt.time(21), "quiet_until": dt.time(7)}
    spring = quiet_hours_end(at=dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC), **rules)
    autumn = quiet_hours_end(at=dt.datetime(2026, 10, 24, 22, 30, tzinfo=dt.UTC), **rules)
    # 29 March: 07:00 summer time is 05:00 UTC; 25 October: 07:00 winter time is 06:00 UTC.
    assert spring == dt.datetime(2026, 3, 29, 5, 0, tzinfo=dt.UTC)
    assert autumn == dt.datetime(2026, 10, 25, 6, 0, tzinfo=dt.UTC)


# --- once, stored, retried ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_row_keeps_address_subject_and_text() -> None:
    assert _mail() is True
    row = Notification.objects.get(key="k")
    assert (row.address, row.subject, row.body, row.attempts) == (
        "a@example.org",
        "Betreff",
        "Text",
        1,
    )
    assert row.sent_at is not None and row.retry_at is None


@pytest.mark.django_db
def test_the_same_key_goes_out_once() -> None:
    assert _mail() is True
    assert _mail() is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_gets_its_next_try_after_five_minutes(failing: set[str]) -> None:
    failing.add("email")
    assert _mail() is False
    row = Notification.objects.get(key="k")
    assert (row.attempts, row.sent_at, row.error) == (1, None, "mail server down")
    assert row.retry_at == NOW + dt.timedelta(minutes=5)


@pytest.mark.django_db
def test_a_failed_send_is_not_tried_again_before_its_time(failing: set[str]) -> None:
    failing.add("email")
    _mail()
    failing.clear()
    assert _mail(now=NOW + dt.timedelta(minutes=4)) is False
    assert messages_retry(now=NOW + dt.timedelta(minutes=4)) == {
        "sent": 0,
        "failed": 0,
        "dropped": 0,
    }
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_retry_task_sends_a_due_message_once_from_what_it_stored(failing: set[str]) -> None:
    failing.add("email")
    _mail()
    failing.clear()
    later = NOW + dt.timedelta(minutes=5)

    assert messages_retry(now=later)["sent"] == 1
    assert messages_retry(now=later + dt.timedelta(hours=1))["sent"] == 0
    assert _mail(body="another text", now=later) is False
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["a@example.org"], "Betreff", "Text")
    ]
    row = Notification.objects.get(key="k")
    assert (row.attempts, row.retry_at, row.error) == (2, None, "")


@pytest.mark.django_db
def test_after_the_last_try_the_message_is_given_up(failing: set[str]) -> None:
    failing.add("sms")
    moment = NOW
    deliver(key="s", channel="sms", to="+4915112345678", subject="s", body="b", event="t", now=NOW)
    for _attempt in range(MAX_ATTEMPTS - 1):
        moment += dt.timedelta(days=1)
        messages_retry(now=moment)
    row = Notification.objects.get(key="s")
    assert (row.attempts, row.sent_at, row.retry_at) == (MAX_ATTEMPTS, None, None)
    assert messaging.is_failed(row)
    failing.clear()
    assert messages_retry(now=moment + dt.timedelta(days=1))["sent"] == 0
    assert MemorySmsBackend.outbox == []


@pytest.mark.django_db
def test_a_held_message_waits_for_its_time() -> None:
    until = NOW + dt.timedelta(hours=8)
    sms = {"channel": "sms", "to": "+4915112345678", "subject": "s", "body": "b", "event": "t"}
    assert deliver(key="h", hold_until=until, now=NOW, **sms) is False
    assert messages_retry(now=until - dt.timedelta(minutes=1))["sent"] == 0
    assert MemorySmsBackend.outbox == []
    assert messages_retry(now=until)["sent"] == 1
    assert [m.body for m in MemorySmsBackend.outbox] == ["b"]


@pytest.mark.django_db
def test_a_message_no_longer_wanted_is_dropped_for_good() -> None:
    until = NOW + dt.timedelta(hours=8)
    sms = {"channel": "sms", "to": "+4915112345678", "subject": "s", "body": "b", "event": "t"}
    deliver(key="h", hold_until=until, now=NOW, **sms)

    assert messages_retry(now=until, still_wanted=lambda n, now: False)["dropped"] == 1
    assert deliver(key="h", now=until, **sms) is False
    assert messages_retry(now=until + dt.timedelta(hours=1))["sent"] == 0
    assert MemorySmsBackend.outbox == []
    assert Notification.objects.get(key="h").error == messaging.NOT_NEEDED


@pytest.mark.django_db
def test_an_in_app_message_is_stored_once_as_sent(tenant: Tenant) -> None:
    user = tenant.users["caseworker"]
    stored = [
        record_in_app(key="n", recipient=user, subject="s", body="b", event="t") for _ in range(2)
    ]
    assert stored == [True, False]
    row = Notification.objects.get(key="n")
    assert (row.channel, row.recipient, row.read_at) == ("in_app", user, None)
    assert row.sent_at is not None
    assert messages_retry()["sent"] == 0


@pytest.mark.django_db
def test_mark_all_read_touches_only_the_users_own_messages(tenant: Tenant) -> None:
    mine, other = tenant.users["caseworker"], tenant.users["coordinator"]
    record_in_app(key="a", recipient=mine, subject="s", body="b", event="t")
    record_in_app(key="b", recipient=other, subject="s", body="b", event="t")
    assert news_mark_all_read(user=mine) == 1
    assert Notification.objects.get(key="a").read_at is not None
    assert Notification.objects.get(key="b").read_at is None


# --- the coordinator's "try again" ----------------------------------------------------------


def _given_up(tenant: Tenant, failing: set[str]) -> Notification:
    failing.add("email")
    _mail(center=tenant.center)
    Notification.objects.filter(key="k").update(attempts=MAX_ATTEMPTS, retry_at=None)
    return Notification.objects.get(key="k")


@pytest.mark.django_db
def test_try_again_sends_a_given_up_message_and_is_audited(
    tenant: Tenant, failing: set[str]
) -> None:
    row = _given_up(tenant, failing)
    failing.clear()
    coordinator = tenant.users["coordinator"]
    assert notification_retry(actor=coordinator, notification=row) is True
    row.refresh_from_db()
    assert row.sent_at is not None and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(
        actor=coordinator, object_type="core.notification", object_id=str(row.pk)
    ).exists()


@pytest.mark.django_db
def test_try_again_that_fails_keeps_the_message_on_the_list(
    tenant: Tenant, failing: set[str]
) -> None:
    row = _given_up(tenant, failing)
    assert notification_retry(actor=tenant.users["coordinator"], notification=row) is False
    row.refresh_from_db()
    assert messaging.is_failed(row) and row.attempts == MAX_ATTEMPTS + 1


@pytest.mark.django_db
def test_only_the_centers_coordinator_may_try_again(
    tenant: Tenant, other_tenant: Tenant, failing: set[str]
) -> None:
    row = _given_up(tenant, failing)
    failing.clear()
    for user in (other_tenant.users["coordinator"], tenant.users["caseworker"]):
        with pytest.raises(PermissionDenied):
            notification_retry(actor=user, notification=row)
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, MAX_ATTEMPTS)
    assert mail.outbox == []


@pytest.mark.django_db
def test_try_again_refuses_a_message_still_being_tried(tenant: Tenant, failing: set[str]) -> None:
    failing.add("email")
    _mail(center=tenant.center)
    row = Notification.objects.get(key="k")
    with pytest.raises(ValidationError):
        notification_retry(actor=tenant.users["coordinator"], notification=row)
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.mark.django_db
def test_a_worker_holding_a_stale_row_does_not_send_before_the_next_try(failing: set[str]) -> None:
    failing.add("email")
    _mail()
    failing.clear()
    row = Notification.objects.get(key="k")
    # Another worker read the row as due, but meanwhile its next try moved to later.
    assert messaging._attempt(row.pk, now=NOW + dt.timedelta(minutes=1)) is False
    assert mail.outbox == []
