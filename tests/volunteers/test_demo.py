"""The volunteers' demo data: realistic spread, the demo login, idempotent."""

from __future__ import annotations

from collections import Counter

import pytest

from core import demo as core_demo
from volunteers import demo
from volunteers.models import LanguageSkill, PoliceCertificate, Volunteer, WeeklySlot
from volunteers.selectors import paperwork_status, paperwork_status_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    core_demo.seed(with_accounts=True)
    demo.seed(with_accounts=True)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Volunteer, LanguageSkill, WeeklySlot, PoliceCertificate)
    )


def test_seeding_twice_gives_the_same_counts(seeded):
    first = counts()
    demo.seed(with_accounts=True)
    assert counts() == first


def test_wetterau_has_about_120_volunteers_mostly_active(seeded):
    volunteers = Volunteer.objects.filter(center__slug="wetteraukreis")
    statuses = Counter(volunteers.values_list("status", flat=True))
    assert 110 <= volunteers.count() <= 130
    assert set(statuses) == set(Volunteer.Status.values)
    assert statuses["active"] > volunteers.count() / 2
    assert 20 <= Volunteer.objects.filter(center__slug="hochtaunuskreis").count() <= 40


def test_languages_have_a_long_tail(seeded):
    per_language = Counter(
        LanguageSkill.objects.filter(volunteer__center__slug="wetteraukreis")
        .exclude(language_id="de")
        .values_list("language_id", flat=True)
    )
    assert len(per_language) >= 15
    for common in ("ar", "uk", "ru", "tr", "prs", "kmr"):
        assert per_language[common] >= 5, common
    for scarce in ("ti", "so", "fa", "ur"):
        assert 1 <= per_language[scarce] <= 4, scarce


def test_interpreters_speak_german_at_b1_or_better_and_some_paperwork_expires(seeded):
    volunteers = list(Volunteer.objects.filter(center__slug="wetteraukreis"))
    interpreters = [v for v in volunteers if "interpreting" in v.interests]
    assert 65 <= len(interpreters) <= 90
    for volunteer in interpreters:
        assert dict(volunteer.languages.values_list("language_id", "level")).get("de") != "A2"
    statuses = paperwork_status_for(volunteers=volunteers)
    assert sum(statuses[v.pk].cleared_for_offers for v in interpreters) >= 45
    assert any(s.expiring for s in statuses.values())
    assert sum("sponsorship" in v.interests for v in volunteers) >= 40


def test_demo_login_is_vera_an_active_cleared_interpreter(seeded):
    vera = Volunteer.objects.get(user__username="volunteer")
    assert vera.display_name == "Vera Haddad" and vera.status == "active"
    assert dict(vera.languages.values_list("language_id", "level")) == {
        "ar": "native",
        "uk": "C1",
        "de": "C1",
    }
    status = paperwork_status(volunteer=vera)
    assert status.cleared_for_offers and status.child_clearance and status.basic_course


def test_demo_phone_numbers_are_valid_mobile_numbers(seeded):
    import phonenumbers

    for phone in Volunteer.objects.values_list("phone", flat=True):
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone)), phone
