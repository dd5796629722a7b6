"""The demo data does not contradict itself: nobody is approved or confirmed before they
registered, no consent or pledge predates its version, genders match first names."""

from __future__ import annotations

import datetime as dt

import pytest

from core import demo as core_demo
from sprachpool import demo as pool_demo
from sprachpool.models import InterpreterProfile
from volunteers import demo
from volunteers.models import Consent, PledgeSignature, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    core_demo.seed(with_accounts=True)
    demo.seed(with_accounts=True)
    pool_demo.seed(with_accounts=True)


def _version_start(version: str) -> dt.date:
    year, month = (int(part) for part in version.split("-")[:2])
    return dt.date(year, month, 1)


def test_nothing_happens_before_the_registration(seeded):
    for volunteer in Volunteer.objects.all():
        for moment in (volunteer.email_confirmed_at, volunteer.approved_at, volunteer.left_at):
            assert moment is None or moment >= volunteer.created_at, volunteer.pk


def test_no_consent_or_pledge_predates_its_version(seeded):
    for consent in Consent.objects.all():
        assert consent.given_at.date() >= _version_start(consent.version)
    for pledge in PledgeSignature.objects.all():
        assert pledge.signed_on >= _version_start(pledge.version)


def test_genders_are_consistent_with_first_names(seeded):
    for profile in InterpreterProfile.objects.exclude(gender="").select_related("volunteer"):
        expected = demo.demo_gender(profile.volunteer.first_name)
        assert profile.gender == expected, profile.volunteer.first_name
