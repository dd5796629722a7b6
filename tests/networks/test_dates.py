"""Dates that contradict a sponsorship or another absence are refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from networks import services
from networks.models import CheckIn, Sponsorship
from tests.networks.factories import SponsorshipFactory
from tests.volunteers.factories import AbsenceFactory, VolunteerFactory
from volunteers import services as volunteer_services

pytestmark = pytest.mark.django_db


def test_a_check_in_before_the_sponsorship_began_is_refused(tenant) -> None:
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    Sponsorship.objects.filter(pk=sponsorship.pk).update(intro_talk_on=dt.date(2026, 3, 1))
    sponsorship.refresh_from_db()

    with pytest.raises(ValidationError) as exc:
        services.check_in_add(actor=None, sponsorship=sponsorship, date=dt.date(2026, 2, 27))

    assert "date" in exc.value.message_dict
    assert not CheckIn.objects.exists()


def test_a_check_in_on_the_first_day_is_recorded(tenant) -> None:
    sponsorship = SponsorshipFactory(network__center=tenant.center)

    services.check_in_add(actor=None, sponsorship=sponsorship, date=sponsorship.began_on)

    assert CheckIn.objects.count() == 1


def test_a_check_in_reports_a_bad_date_and_a_bad_note_together(tenant) -> None:
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    too_early = sponsorship.began_on - dt.timedelta(days=3)

    with pytest.raises(ValidationError) as exc:
        services.check_in_add(
            actor=None, sponsorship=sponsorship, date=too_early, note="Tel 0151 23456789"
        )

    assert {"date", "note"} <= set(exc.value.message_dict)


def test_an_overlapping_absence_is_refused(tenant) -> None:
    volunteer = VolunteerFactory(center=tenant.center)
    AbsenceFactory(
        volunteer=volunteer, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 3)
    )

    with pytest.raises(ValidationError) as exc:
        volunteer_services.absence_add(
            actor=None,
            volunteer=volunteer,
            start_date=dt.date(2026, 12, 3),
            end_date=dt.date(2026, 12, 10),
        )

    assert "start_date" in exc.value.message_dict
    assert volunteer.absences.count() == 1


def test_an_absence_right_after_another_is_accepted(tenant) -> None:
    volunteer = VolunteerFactory(center=tenant.center)
    AbsenceFactory(
        volunteer=volunteer, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 3)
    )

    volunteer_services.absence_add(
        actor=None,
        volunteer=volunteer,
        start_date=dt.date(2026, 12, 4),
        end_date=dt.date(2026, 12, 5),
    )

    assert volunteer.absences.count() == 2
