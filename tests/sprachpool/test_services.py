"""Rules of the interpreter profile: activation needs the pledge, a working status and
German at B1 or better plus another language; bad input stores nothing."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from sprachpool import services
from sprachpool.models import InterpreterProfile
from tests.sprachpool.factories import InterpreterProfileFactory, interpreter, ready_volunteer
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_create_stores_profile_and_audits_field_names_only(tenant) -> None:
    volunteer = ready_volunteer(center=tenant.center)
    actor = tenant.users["coordinator"]

    profile = services.interpreter_profile_create(
        actor=actor,
        volunteer=volunteer,
        modes=["video", "phone"],
        max_travel_km=40,
        excluded_clients=["K-2291"],
    )

    assert profile.modes == ["phone", "video"]
    assert profile.is_active is False
    event = AuditEvent.objects.get(object_type="sprachpool.interpreterprofile", action="create")
    assert event.center_id == tenant.center.pk
    assert "K-2291" not in str(event.detail)
    assert "excluded_clients" in event.detail["fields"]


def test_create_refuses_a_second_profile(tenant) -> None:
    profile = interpreter(center=tenant.center)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_create(actor=None, volunteer=profile.volunteer)

    assert "volunteer" in info.value.message_dict


def test_activation_needs_a_signed_pledge(tenant) -> None:
    profile = interpreter(center=tenant.center, active=False, pledge=False)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_activate(actor=None, profile=profile)

    assert "confidentiality pledge" in " ".join(info.value.message_dict["is_active"])
    profile.refresh_from_db()
    assert profile.is_active is False


@pytest.mark.parametrize("status", [Volunteer.Status.REGISTERED, Volunteer.Status.PAUSED])
def test_activation_needs_an_approved_or_active_volunteer(tenant, status: str) -> None:
    profile = interpreter(center=tenant.center, active=False, status=status)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_activate(actor=None, profile=profile)

    assert "status" in " ".join(info.value.message_dict["is_active"])


@pytest.mark.parametrize(
    ("languages", "message"),
    [
        ((("ar", "native"),), "German at level B1"),
        ((("de", "A2"), ("ar", "native")), "German at level B1"),
        ((("de", "native"),), "besides German"),
    ],
)
def test_activation_needs_german_b1_and_another_language(tenant, languages, message) -> None:
    profile = interpreter(center=tenant.center, active=False, languages=languages)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_activate(actor=None, profile=profile)

    assert message in info.value.message_dict["languages"][0]


def test_activation_of_a_ready_volunteer_is_audited_as_transition(tenant) -> None:
    profile = interpreter(
        center=tenant.center, active=False, languages=(("de", "B1"), ("ti", "C1"))
    )

    services.interpreter_profile_activate(actor=tenant.users["coordinator"], profile=profile)

    profile.refresh_from_db()
    assert profile.is_active is True
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION, object_id=str(profile.pk)
    ).exists()


def test_deactivation_keeps_the_profile(tenant) -> None:
    profile = interpreter(center=tenant.center)

    services.interpreter_profile_deactivate(actor=None, profile=profile)

    profile.refresh_from_db()
    assert profile.is_active is False


def test_update_writes_languages_and_availability_through_the_registry(tenant) -> None:
    profile = interpreter(center=tenant.center)

    services.interpreter_profile_update(
        actor=None,
        profile=profile,
        max_travel_km=60,
        languages=[("de", "B2"), ("uk", "native")],
        availability=[(0, time(9), time(12)), (3, time(14), time(18))],
    )

    volunteer = profile.volunteer
    assert dict(volunteer.languages.values_list("language_id", "level")) == {
        "de": "B2",
        "uk": "native",
    }
    assert volunteer.weekly_slots.count() == 2
    profile.refresh_from_db()
    assert profile.max_travel_km == 60


def test_bad_nested_language_stores_nothing(tenant) -> None:
    profile = interpreter(center=tenant.center)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_update(
            actor=None,
            profile=profile,
            max_travel_km=80,
            languages=[("de", "C1"), ("xx-unknown", "B2")],
            availability=[(0, time(9), time(12))],
        )

    assert "languages" in info.value.message_dict
    profile.refresh_from_db()
    assert profile.max_travel_km == 25
    assert set(profile.volunteer.languages.values_list("language_id", flat=True)) == {"de", "ar"}
    assert not profile.volunteer.weekly_slots.exists()


def test_active_interpreter_cannot_drop_german(tenant) -> None:
    profile = interpreter(center=tenant.center)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_update(
            actor=None, profile=profile, languages=[("ar", "native"), ("fr", "C1")]
        )

    assert "German" in info.value.message_dict["languages"][0]
    assert profile.volunteer.languages.filter(language_id="de").exists()


def test_end_before_start_in_availability_is_refused(tenant) -> None:
    profile = interpreter(center=tenant.center)

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_update(
            actor=None, profile=profile, availability=[(1, time(12), time(9))]
        )

    assert "availability" in info.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"modes": []}, "modes"),
        ({"modes": ["teleport"]}, "modes"),
        ({"max_travel_km": 201}, "max_travel_km"),
        ({"declined_topics": ["astrology"]}, "declined_topics"),
        ({"excluded_clients": ["K-1", "anna@example.org"]}, "excluded_clients"),
        ({"excluded_clients": ["Anna Schmidt"]}, "excluded_clients"),
        ({"excluded_clients": ["0151 23456789"]}, "excluded_clients"),
        ({"gender": "x"}, "gender"),
    ],
)
def test_bad_profile_values_get_a_field_error(tenant, fields, field) -> None:
    profile = InterpreterProfileFactory(volunteer=ready_volunteer(center=tenant.center))

    with pytest.raises(ValidationError) as info:
        services.interpreter_profile_update(actor=None, profile=profile, **fields)

    assert field in info.value.message_dict
    assert InterpreterProfile.objects.get(pk=profile.pk).modes == ["in_person", "phone"]


def test_update_by_patch_can_activate_with_the_same_rules(tenant) -> None:
    profile = interpreter(center=tenant.center, active=False, pledge=False)

    with pytest.raises(ValidationError):
        services.interpreter_profile_update(actor=None, profile=profile, is_active=True)

    profile.refresh_from_db()
    assert profile.is_active is False


def test_anonymising_the_volunteer_erases_the_profile_settings_and_leaves_the_pool():
    from volunteers.services import volunteer_anonymise

    profile = interpreter(
        profile={
            "gender": "f",
            "excluded_clients": ["K-2291"],
            "declined_topics": ["health"],
            "max_travel_km": 30,
        }
    )

    volunteer_anonymise(actor=None, volunteer=profile.volunteer)

    profile.refresh_from_db()
    assert not profile.is_active
    assert (profile.gender, profile.excluded_clients, profile.declined_topics) == ("", [], [])
    assert profile.max_travel_km == 30  # kept for the pool's statistics
    erased = AuditEvent.objects.get(
        object_type="sprachpool.interpreterprofile", object_id=str(profile.pk)
    )
    assert erased.action == AuditEvent.Action.UPDATE and erased.detail["erased"] is True
    assert "K-2291" not in str(erased.detail)
