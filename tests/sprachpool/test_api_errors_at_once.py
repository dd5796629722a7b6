"""The interpreters API names every bad field in one answer: the serializer's checks (shape,
choices, limits) and the services' (languages, the volunteer, activation) together, and
stores nothing."""

from __future__ import annotations

import pytest

from sprachpool.models import InterpreterProfile
from tests.sprachpool.factories import interpreter, ready_volunteer

pytestmark = pytest.mark.django_db

LIST = "/api/v1/interpreters/"


@pytest.fixture
def coordinator(api_as):
    """A coordinator's API client that asks for English answers."""
    client = api_as("coordinator")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def create_payload(volunteer_id, **overrides) -> dict:
    payload = {
        "volunteer": volunteer_id,
        "modes": ["in_person"],
        "max_travel_km": 30,
        "languages": [{"language": "de", "level": "C1"}, {"language": "ar", "level": "B2"}],
    }
    payload.update(overrides)
    return payload


def test_create_names_an_unknown_language_a_bad_level_and_a_bad_distance_together(
    tenant, coordinator
):
    volunteer = ready_volunteer(center=tenant.center, languages=(("de", "C1"), ("ar", "B2")))

    response = coordinator.post(
        LIST,
        create_payload(
            volunteer.pk,
            languages=[{"language": "xx", "level": "B2"}, {"language": "ar", "level": "Z9"}],
            max_travel_km=5000,
            gender="robot",
        ),
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert {"languages", "max_travel_km", "gender"} <= set(body)
    assert "xx" in str(body["languages"]) and "Z9" in str(body["languages"])
    assert not InterpreterProfile.objects.exists()
    assert set(volunteer.languages.values_list("language_id", "level")) == {
        ("de", "C1"),
        ("ar", "B2"),
    }


def test_create_names_an_unknown_volunteer_together_with_bad_modes(
    tenant, other_tenant, coordinator
):
    foreign = ready_volunteer(center=other_tenant.center)

    response = coordinator.post(
        LIST, create_payload(foreign.pk, modes=["telepathy"]), format="json"
    )

    assert response.status_code == 400
    assert {"volunteer", "modes"} <= set(response.json())
    assert not InterpreterProfile.objects.exists()


def test_patch_names_an_unknown_language_and_a_bad_gender_together(tenant, coordinator):
    profile = interpreter(center=tenant.center)
    before = set(profile.volunteer.languages.values_list("language_id", "level"))

    response = coordinator.patch(
        f"{LIST}{profile.pk}/",
        {
            "languages": [{"language": "de", "level": "C1"}, {"language": "xx", "level": "B2"}],
            "availability": [{"weekday": 1, "start": "13:00", "end": "09:00"}],
            "gender": "robot",
            "max_travel_km": 10,
        },
        format="json",
    )

    assert response.status_code == 400
    assert {"languages", "availability", "gender"} <= set(response.json())
    profile.refresh_from_db()
    assert profile.max_travel_km != 10
    assert set(profile.volunteer.languages.values_list("language_id", "level")) == before
    assert not profile.volunteer.weekly_slots.exists()
