"""The retention clean-up (DSGVO): who is anonymised when, per center, idempotently, audited,
and through the django-q2 task."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_q.tasks import async_task, result

from core.models import AuditEvent
from tests.factories import PlaceFactory, UserFactory
from volunteers import services
from volunteers.models import Volunteer
from volunteers.services import RetentionReport, months_before, volunteer_retention_apply

from .factories import VolunteerFactory

S = Volunteer.Status
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*parts: int) -> dt.datetime:
    """A Europe/Berlin wall-clock time."""
    return dt.datetime(*parts, tzinfo=BERLIN)


#: The reference time of the rule tests.
NOW = berlin(2026, 6, 15, 12, 0)


def make_volunteer(center, *, status: str, created_at: dt.datetime | None = None, **fields):
    """A volunteer of ``center``; ``created_at`` (set automatically on insert) is backdated."""
    volunteer = VolunteerFactory(center=center, status=status, **fields)
    if created_at is not None:
        Volunteer.objects.filter(pk=volunteer.pk).update(created_at=created_at)
        volunteer.refresh_from_db()
    return volunteer


def left_volunteer(center, *, left_at: dt.datetime, **fields):
    return make_volunteer(
        center,
        status=S.LEFT,
        created_at=left_at - dt.timedelta(days=400),
        left_at=left_at,
        status_changed_at=left_at,
        **fields,
    )


def unconfirmed(center, *, age: dt.timedelta, now: dt.datetime = NOW, **fields):
    return make_volunteer(center, status=S.REGISTERED, created_at=now - age, **fields)


def is_anonymised(volunteer: Volunteer) -> bool:
    volunteer.refresh_from_db()
    return volunteer.email == services.anonymised_email(volunteer.pk)


# --------------------------------------------------------------------------- month arithmetic


@pytest.mark.unit
@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (berlin(2026, 3, 15, 9, 30), 24, berlin(2024, 3, 15, 9, 30)),
        (berlin(2026, 1, 10, 8, 0), 1, berlin(2025, 12, 10, 8, 0)),
        (berlin(2026, 3, 31, 8, 0), 1, berlin(2026, 2, 28, 8, 0)),
        (berlin(2024, 3, 31, 8, 0), 1, berlin(2024, 2, 29, 8, 0)),
        (berlin(2026, 5, 31, 8, 0), 15, berlin(2025, 2, 28, 8, 0)),
    ],
    ids=["two-years", "across-new-year", "clamped-to-february", "leap-year", "long-clamp"],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    got = months_before(moment, months)
    assert got.replace(tzinfo=None) == expected.replace(tzinfo=None)


@pytest.mark.unit
def test_months_before_keeps_the_local_wall_clock_across_dst():
    summer = berlin(2026, 7, 1, 12, 0)  # CEST, UTC+2
    winter = months_before(summer, 6)
    assert (winter.year, winter.month, winter.day, winter.hour) == (2026, 1, 1, 12)
    assert winter.utcoffset() == dt.timedelta(hours=1)


# --------------------------------------------------------------------------- rule a: left


def test_left_volunteer_past_the_retention_period_is_anonymised(tenant):
    cutoff = months_before(NOW, tenant.center.retention_months)
    volunteer = left_volunteer(tenant.center, left_at=cutoff - dt.timedelta(days=1))
    report = volunteer_retention_apply(now=NOW)
    assert is_anonymised(volunteer)
    assert volunteer.phone == "" and volunteer.first_name != "" and volunteer.user is None
    assert report == RetentionReport(left=1, unconfirmed=0, failed=0)


def test_left_volunteer_just_inside_the_retention_period_is_kept(tenant):
    cutoff = months_before(NOW, tenant.center.retention_months)
    volunteer = left_volunteer(tenant.center, left_at=cutoff + dt.timedelta(hours=1))
    email = volunteer.email
    report = volunteer_retention_apply(now=NOW)
    volunteer.refresh_from_db()
    assert volunteer.email == email
    assert report.left == 0


def test_leaving_date_falls_back_to_status_changed_at(tenant):
    long_ago = NOW - dt.timedelta(days=3 * 365)
    volunteer = left_volunteer(tenant.center, left_at=long_ago)
    Volunteer.objects.filter(pk=volunteer.pk).update(left_at=None)
    volunteer_retention_apply(now=NOW)
    assert is_anonymised(volunteer)


def test_recent_left_at_wins_over_an_old_status_change(tenant):
    volunteer = left_volunteer(tenant.center, left_at=NOW - dt.timedelta(days=30))
    Volunteer.objects.filter(pk=volunteer.pk).update(
        status_changed_at=NOW - dt.timedelta(days=3 * 365)
    )
    volunteer_retention_apply(now=NOW)
    assert not is_anonymised(volunteer)


def test_each_center_uses_its_own_retention_period(tenant, other_tenant):
    tenant.center.retention_months = 12
    tenant.center.save()
    other_tenant.center.retention_months = 36
    other_tenant.center.save()
    eighteen_months_ago = months_before(NOW, 18)
    own = left_volunteer(tenant.center, left_at=eighteen_months_ago)
    other = left_volunteer(other_tenant.center, left_at=eighteen_months_ago)
    report = volunteer_retention_apply(now=NOW)
    assert is_anonymised(own)
    assert not is_anonymised(other)
    assert report.left == 1


@pytest.mark.parametrize("status", [S.ACTIVE, S.PAUSED, S.APPROVED])
def test_volunteers_who_have_not_left_are_kept_however_old(tenant, status):
    volunteer = make_volunteer(
        tenant.center,
        status=status,
        created_at=NOW - dt.timedelta(days=10 * 365),
        status_changed_at=NOW - dt.timedelta(days=10 * 365),
    )
    volunteer_retention_apply(now=NOW)
    assert not is_anonymised(volunteer)


# --------------------------------------------------------------------------- rule b: unconfirmed


def test_unconfirmed_registration_older_than_30_days_is_anonymised(tenant):
    volunteer = unconfirmed(tenant.center, age=dt.timedelta(days=30, hours=1))
    report = volunteer_retention_apply(now=NOW)
    assert is_anonymised(volunteer)
    assert volunteer.status == S.LEFT
    assert report == RetentionReport(left=0, unconfirmed=1, failed=0)


def test_unconfirmed_registration_younger_than_30_days_is_kept(tenant):
    volunteer = unconfirmed(tenant.center, age=dt.timedelta(days=29, hours=23))
    report = volunteer_retention_apply(now=NOW)
    assert not is_anonymised(volunteer)
    assert volunteer.status == S.REGISTERED
    assert report.unconfirmed == 0


def test_the_login_of_an_expired_registration_is_disabled(tenant):
    user = UserFactory(username="nie-bestaetigt")
    volunteer = unconfirmed(tenant.center, age=dt.timedelta(days=45), user=user)
    volunteer_retention_apply(now=NOW)
    user.refresh_from_db()
    assert is_anonymised(volunteer)
    assert not user.is_active and not user.has_usable_password()


@pytest.mark.parametrize(
    ("status", "fields"),
    [
        (S.CONFIRMED, {"email_confirmed_at": NOW - dt.timedelta(days=40)}),
        (S.APPROVED, {"approved_at": NOW - dt.timedelta(days=40)}),
        (S.ACTIVE, {"email_confirmed_at": NOW - dt.timedelta(days=40)}),
        (S.REGISTERED, {"email_confirmed_at": NOW - dt.timedelta(days=40)}),
        (S.REGISTERED, {"approved_at": NOW - dt.timedelta(days=40)}),
    ],
    ids=["confirmed", "approved", "active", "registered-but-confirmed", "registered-but-approved"],
)
def test_confirmed_or_approved_registrations_are_never_touched_by_the_30_day_rule(
    tenant, status, fields
):
    volunteer = make_volunteer(
        tenant.center, status=status, created_at=NOW - dt.timedelta(days=60), **fields
    )
    report = volunteer_retention_apply(now=NOW)
    assert not is_anonymised(volunteer)
    assert report.unconfirmed == 0


def test_an_address_that_only_looks_anonymised_is_still_cleaned(tenant):
    volunteer = unconfirmed(
        tenant.center, age=dt.timedelta(days=60), email="trick@anonymised.invalid"
    )
    volunteer_retention_apply(now=NOW)
    assert is_anonymised(volunteer)


# --------------------------------------------------------------------------- idempotence, audit


def test_a_second_run_anonymises_nothing(tenant, other_tenant):
    left_volunteer(tenant.center, left_at=NOW - dt.timedelta(days=5 * 365))
    unconfirmed(other_tenant.center, age=dt.timedelta(days=90))
    first = volunteer_retention_apply(now=NOW)
    events = AuditEvent.objects.count()
    second = volunteer_retention_apply(now=NOW)
    assert first.anonymised == 2
    assert second == RetentionReport()
    assert AuditEvent.objects.count() == events


def test_a_volunteer_anonymised_earlier_is_skipped(tenant):
    volunteer = left_volunteer(tenant.center, left_at=NOW - dt.timedelta(days=5 * 365))
    services.volunteer_anonymise(actor=tenant.users["coordinator"], volunteer=volunteer)
    events = AuditEvent.objects.filter(object_id=str(volunteer.pk)).count()
    report = volunteer_retention_apply(now=NOW)
    assert report.left == 0
    assert AuditEvent.objects.filter(object_id=str(volunteer.pk)).count() == events


def test_each_anonymisation_is_audited_as_the_system(tenant, other_tenant):
    gone = left_volunteer(tenant.center, left_at=NOW - dt.timedelta(days=5 * 365))
    expired = unconfirmed(other_tenant.center, age=dt.timedelta(days=90))
    volunteer_retention_apply(now=NOW)
    for volunteer, center, old_status in (
        (gone, tenant.center, S.LEFT),
        (expired, other_tenant.center, S.REGISTERED),
    ):
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.DELETE,
            object_type="volunteers.volunteer",
            object_id=str(volunteer.pk),
        )
        assert event.actor is None
        assert event.center == center
        assert event.detail == {"anonymised": True, "from": old_status}


def test_a_record_that_fails_validation_is_counted_and_the_others_are_anonymised(tenant):
    broken_town = PlaceFactory(center=tenant.center, lat=123.0)  # out of range: full_clean fails
    broken = left_volunteer(
        tenant.center, left_at=NOW - dt.timedelta(days=5 * 365), home_place=broken_town
    )
    fine = left_volunteer(tenant.center, left_at=NOW - dt.timedelta(days=5 * 365))
    report = volunteer_retention_apply(now=NOW)
    assert report == RetentionReport(left=1, unconfirmed=0, failed=1)
    assert is_anonymised(fine)
    assert not is_anonymised(broken)


# --------------------------------------------------------------------------- the django-q2 task


def test_the_task_runs_through_django_q_and_stores_the_counts(tenant):
    now = timezone.now()
    gone = left_volunteer(tenant.center, left_at=now - dt.timedelta(days=5 * 365))
    expired = unconfirmed(tenant.center, age=dt.timedelta(days=90), now=now)
    task_id = async_task("volunteers.tasks.retention_apply")
    assert is_anonymised(gone) and is_anonymised(expired)
    assert result(task_id) == {"left": 1, "unconfirmed": 1, "failed": 0}


def test_a_registration_confirmed_after_the_list_was_read_is_left_alone(tenant):
    volunteer = unconfirmed(tenant.center, age=dt.timedelta(days=60))
    due = services._retention_unconfirmed_due(before=NOW - dt.timedelta(days=30))
    pks = list(due.values_list("pk", flat=True))
    Volunteer.objects.filter(pk=volunteer.pk).update(status=S.CONFIRMED, email_confirmed_at=NOW)
    outcomes = [services._retention_anonymise(due=due, pk=pk) for pk in pks]
    assert outcomes == ["skipped"]
    assert not is_anonymised(volunteer)
