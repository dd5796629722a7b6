"""The rule of an active interpreter (German at B1 or better, another language, a signed
pledge) holds on every path: self-service, coordinator pages, API, service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sprachpool import services
from tests.sprachpool.factories import interpreter
from volunteers import services as volunteer_services

pytestmark = pytest.mark.django_db


def _languages(volunteer) -> set[tuple[str, str]]:
    return set(volunteer.languages.values_list("language_id", "level"))


def test_a_volunteer_cannot_delete_german_under_my_languages_while_active(tenant) -> None:
    user = tenant.users["volunteer"]
    profile = interpreter(center=tenant.center, user=user)
    before = _languages(profile.volunteer)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    data = {
        "lang-TOTAL_FORMS": "1",
        "lang-INITIAL_FORMS": "0",
        "lang-0-language": "ar",
        "lang-0-level": "native",
    }

    response = client.post(reverse("my-languages"), data)

    assert response.status_code == 200
    assert response.context["languages"].non_form_errors()
    assert _languages(profile.volunteer) == before


def test_the_api_refuses_the_same_change(tenant, api_as) -> None:
    profile = interpreter(center=tenant.center)
    before = _languages(profile.volunteer)

    response = api_as("coordinator").patch(
        f"/api/v1/volunteers/{profile.volunteer.pk}/",
        {"languages": [{"language": "ar", "level": "native"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "languages" in response.json()
    assert _languages(profile.volunteer) == before


def test_an_inactive_interpreter_may_change_languages_freely(tenant) -> None:
    profile = interpreter(center=tenant.center, active=False)

    volunteer_services.volunteer_languages_set(
        actor=None, volunteer=profile.volunteer, languages=[("ar", "native")]
    )

    assert _languages(profile.volunteer) == {("ar", "native")}


def test_the_pledge_of_an_active_interpreter_cannot_be_deleted(tenant) -> None:
    profile = interpreter(center=tenant.center)
    pledge = profile.volunteer.pledges.get()

    with pytest.raises(ValidationError):
        volunteer_services.paperwork_delete(actor=None, entry=pledge)

    assert profile.volunteer.pledges.exists()


def test_deactivating_and_dropping_german_in_one_call_is_allowed(tenant) -> None:
    profile = interpreter(center=tenant.center)

    services.interpreter_profile_update(
        actor=None, profile=profile, is_active=False, languages=[("ar", "native")]
    )

    profile.refresh_from_db()
    assert not profile.is_active
    assert _languages(profile.volunteer) == {("ar", "native")}


def test_the_interpreter_form_shows_the_german_rule_with_the_other_mistakes(tenant) -> None:
    profile = interpreter(center=tenant.center)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users["coordinator"])
    data = {
        "kind": "volunteer",
        "qualification": "trained",
        "modes": ["in_person"],
        "max_travel_km": "viel",
        "allowance_tier": "standard",
        "languages-TOTAL_FORMS": "1",
        "languages-INITIAL_FORMS": "0",
        "languages-0-language": "ar",
        "languages-0-level": "native",
    }

    response = client.post(reverse("interpreter-edit", args=[profile.pk]), data)

    assert "max_travel_km" in response.context["form"].errors
    assert response.context["formset"].non_form_errors()
