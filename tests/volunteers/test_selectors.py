"""Availability expansion (DST, absences, bulk) and the paperwork status."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from volunteers.models import PoliceCertificate, Volunteer
from volunteers.selectors import (
    availability_windows,
    availability_windows_for,
    paperwork_status,
    paperwork_status_for,
)

from .factories import (
    AbsenceFactory,
    PledgeSignatureFactory,
    PoliceCertificateFactory,
    TrainingFactory,
    VolunteerFactory,
    WeeklySlotFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_sunday_slot_in_summer_time_is_two_hours_behind_in_utc():
    slot = WeeklySlotFactory(weekday=6, start_time=dt.time(9), end_time=dt.time(12))
    windows = availability_windows(
        volunteer=slot.volunteer, start=utc(2026, 10, 18), end=utc(2026, 10, 19)
    )
    assert windows == [(utc(2026, 10, 18, 7), utc(2026, 10, 18, 10))]


def test_sunday_slot_on_the_day_the_clocks_go_back_is_one_hour_behind_in_utc():
    slot = WeeklySlotFactory(weekday=6, start_time=dt.time(9), end_time=dt.time(12))
    windows = availability_windows(
        volunteer=slot.volunteer, start=utc(2026, 10, 25), end=utc(2026, 10, 26)
    )
    assert windows == [(utc(2026, 10, 25, 8), utc(2026, 10, 25, 11))]


def test_week_across_the_autumn_change_keeps_local_wall_clock_times():
    volunteer = VolunteerFactory()
    for day in range(7):
        WeeklySlotFactory(
            volunteer=volunteer, weekday=day, start_time=dt.time(9), end_time=dt.time(12)
        )
    windows = availability_windows(
        volunteer=volunteer,
        start=dt.datetime(2026, 10, 22, tzinfo=BERLIN),
        end=dt.datetime(2026, 10, 29, tzinfo=BERLIN),
    )
    local = [(s.astimezone(BERLIN).time(), e.astimezone(BERLIN).time()) for s, e in windows]
    assert local == [(dt.time(9), dt.time(12))] * 7
    assert [s.hour for s, _e in windows] == [7, 7, 7, 8, 8, 8, 8]


def test_spring_change_moves_utc_times_an_hour_earlier():
    slot = WeeklySlotFactory(weekday=0, start_time=dt.time(14), end_time=dt.time(16))
    windows = availability_windows(
        volunteer=slot.volunteer, start=utc(2026, 3, 23), end=utc(2026, 4, 1)
    )
    assert windows == [
        (utc(2026, 3, 23, 13), utc(2026, 3, 23, 15)),
        (utc(2026, 3, 30, 12), utc(2026, 3, 30, 14)),
    ]


def test_windows_are_clipped_to_the_range():
    slot = WeeklySlotFactory(weekday=0, start_time=dt.time(9), end_time=dt.time(12))
    windows = availability_windows(
        volunteer=slot.volunteer, start=utc(2026, 11, 23, 9), end=utc(2026, 11, 23, 10, 30)
    )
    assert windows == [(utc(2026, 11, 23, 9), utc(2026, 11, 23, 10, 30))]


def test_absence_removes_whole_local_days_inclusive():
    volunteer = VolunteerFactory()
    for day in range(5):
        WeeklySlotFactory(
            volunteer=volunteer, weekday=day, start_time=dt.time(9), end_time=dt.time(12)
        )
    AbsenceFactory(
        volunteer=volunteer, start_date=dt.date(2026, 11, 24), end_date=dt.date(2026, 11, 26)
    )
    windows = availability_windows(
        volunteer=volunteer, start=utc(2026, 11, 23), end=utc(2026, 11, 28)
    )
    assert [s.date() for s, _e in windows] == [dt.date(2026, 11, 23), dt.date(2026, 11, 27)]


def test_touching_slots_are_merged():
    volunteer = VolunteerFactory()
    WeeklySlotFactory(volunteer=volunteer, weekday=2, start_time=dt.time(9), end_time=dt.time(12))
    WeeklySlotFactory(volunteer=volunteer, weekday=2, start_time=dt.time(12), end_time=dt.time(14))
    windows = availability_windows(
        volunteer=volunteer, start=utc(2026, 11, 25), end=utc(2026, 11, 26)
    )
    assert windows == [(utc(2026, 11, 25, 8), utc(2026, 11, 25, 13))]


def test_volunteer_without_slots_has_no_windows():
    volunteer = VolunteerFactory()
    assert (
        availability_windows(volunteer=volunteer, start=utc(2026, 1, 1), end=utc(2026, 2, 1)) == []
    )


def test_bulk_windows_equal_single_and_use_two_queries(django_assert_num_queries):
    volunteers = [VolunteerFactory() for _ in range(4)]
    for i, volunteer in enumerate(volunteers):
        WeeklySlotFactory(
            volunteer=volunteer, weekday=i, start_time=dt.time(8 + i), end_time=dt.time(12)
        )
    AbsenceFactory(
        volunteer=volunteers[1], start_date=dt.date(2026, 11, 24), end_date=dt.date(2026, 11, 24)
    )
    start, end = utc(2026, 11, 16), utc(2026, 12, 7)
    singles = {v.pk: availability_windows(volunteer=v, start=start, end=end) for v in volunteers}
    with django_assert_num_queries(2):
        bulk = availability_windows_for(volunteers=volunteers, start=start, end=end)
    assert bulk == singles
    assert len(bulk[volunteers[1].pk]) == 2


def test_naive_datetimes_are_refused():
    volunteer = VolunteerFactory()
    with pytest.raises(ValueError):
        availability_windows(
            volunteer=volunteer,
            start=dt.datetime(2026, 1, 1),  # noqa: DTZ001
            end=utc(2026, 2, 1),
        )


# --------------------------------------------------------------------------- paperwork

TODAY = dt.date(2026, 11, 23)
#: Paperwork dated relative to the pinned TODAY, not to the real day the suite runs on.
ISSUED = TODAY - dt.timedelta(days=640)


def test_complete_paperwork_clears_an_active_volunteer():
    volunteer = VolunteerFactory()
    PledgeSignatureFactory(volunteer=volunteer, signed_on=ISSUED)
    PoliceCertificateFactory(
        volunteer=volunteer, kind=PoliceCertificate.Kind.EXTENDED, issued_on=ISSUED
    )
    TrainingFactory(volunteer=volunteer, attended_on=ISSUED)
    status = paperwork_status(volunteer=volunteer, on=TODAY)
    assert status.cleared_for_offers and status.child_clearance and status.basic_course
    assert status.missing == []
    assert status.expiring == []


def test_nothing_recorded_means_everything_missing():
    status = paperwork_status(volunteer=VolunteerFactory(), on=TODAY)
    assert not status.cleared_for_offers
    assert status.missing == [
        "pledge",
        "police_certificate",
        "extended_police_certificate",
        "basic_course",
    ]


def test_standard_certificate_does_not_give_child_clearance():
    volunteer = VolunteerFactory()
    PledgeSignatureFactory(volunteer=volunteer, signed_on=ISSUED)
    PoliceCertificateFactory(volunteer=volunteer, issued_on=ISSUED)
    status = paperwork_status(volunteer=volunteer, on=TODAY)
    assert status.police_certificate_valid and status.cleared_for_offers
    assert not status.child_clearance
    assert "extended_police_certificate" in status.missing


def test_certificate_lapses_after_five_years():
    volunteer = VolunteerFactory()
    PledgeSignatureFactory(volunteer=volunteer)
    PoliceCertificateFactory(volunteer=volunteer, issued_on=dt.date(2021, 11, 23))
    status = paperwork_status(volunteer=volunteer, on=TODAY)
    assert not status.police_certificate_valid
    assert not status.cleared_for_offers
    assert paperwork_status(volunteer=volunteer, on=dt.date(2026, 11, 22)).police_certificate_valid


def test_certificate_due_within_sixty_days_is_expiring():
    volunteer = VolunteerFactory()
    PoliceCertificateFactory(
        volunteer=volunteer, kind=PoliceCertificate.Kind.EXTENDED, issued_on=dt.date(2022, 1, 10)
    )
    status = paperwork_status(volunteer=volunteer, on=TODAY)
    assert status.expiring == [
        ("police_certificate", dt.date(2027, 1, 10)),
        ("extended_police_certificate", dt.date(2027, 1, 10)),
    ]


def test_listed_offence_voids_clearance():
    volunteer = VolunteerFactory()
    PledgeSignatureFactory(volunteer=volunteer)
    PoliceCertificateFactory(
        volunteer=volunteer, kind=PoliceCertificate.Kind.EXTENDED, listed_offence=True
    )
    status = paperwork_status(volunteer=volunteer, on=TODAY)
    assert not status.police_certificate_valid and not status.child_clearance
    assert not status.cleared_for_offers


def test_paused_volunteer_is_not_cleared_for_offers():
    volunteer = VolunteerFactory(status=Volunteer.Status.PAUSED)
    PledgeSignatureFactory(volunteer=volunteer, signed_on=ISSUED)
    PoliceCertificateFactory(volunteer=volunteer, issued_on=ISSUED)
    status = paperwork_status(volunteer=volunteer, on=TODAY)
    assert status.pledge_signed and status.police_certificate_valid
    assert not status.cleared_for_offers


def test_short_course_is_not_the_basic_course():
    volunteer = VolunteerFactory()
    TrainingFactory(volunteer=volunteer, lessons=8)
    assert not paperwork_status(volunteer=volunteer, on=TODAY).basic_course


def test_bulk_paperwork_equals_single_in_three_queries(django_assert_num_queries):
    volunteers = [VolunteerFactory() for _ in range(5)]
    PledgeSignatureFactory(volunteer=volunteers[0])
    PoliceCertificateFactory(volunteer=volunteers[0])
    PoliceCertificateFactory(volunteer=volunteers[1], kind=PoliceCertificate.Kind.EXTENDED)
    TrainingFactory(volunteer=volunteers[2])
    singles = {v.pk: paperwork_status(volunteer=v, on=TODAY) for v in volunteers}
    with django_assert_num_queries(3):
        bulk = paperwork_status_for(volunteers=volunteers, on=TODAY)
    assert bulk == singles
