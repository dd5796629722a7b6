"""The networks API (networks, households, sponsorships) names every bad field in one
answer: the serializer's checks and the services' (uniqueness, unknown languages, dates, who
is in the network, the workflow's rules) together, and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Household, Network, Sponsorship
from tests.networks.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

Status = Sponsorship.Status


@pytest.fixture
def coordinator(api_as):
    """A coordinator's API client that asks for English answers."""
    client = api_as("coordinator")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def test_network_create_names_a_taken_name_and_a_too_long_district_together(coordinator, own):
    response = coordinator.post(
        reverse("api-networks"),
        {"name": own.network.name, "district": "x" * 300},
        format="json",
    )
    assert response.status_code == 400
    assert {"district"} <= set(response.json())
    assert "already" in str(response.json())
    assert Network.objects.filter(name=own.network.name).count() == 1


def test_network_patch_names_a_taken_name_and_a_bad_flag_together(coordinator, own, unled):
    response = coordinator.patch(
        reverse("api-network-detail", args=[own.network.pk]),
        {"name": unled.network.name, "is_active": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    assert "is_active" in response.json()
    assert "already" in str(response.json())
    own.network.refresh_from_db()
    assert own.network.name != unled.network.name


def test_household_create_names_every_mistake_at_once(coordinator, own):
    before = Household.objects.count()
    response = coordinator.post(
        reverse("api-households"),
        {
            "network": own.network.pk,
            "reference": own.household.reference,
            "languages": ["xx"],
            "waiting_since": tomorrow(),
            "size": 0,
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert {"languages", "waiting_since", "size"} <= set(body)
    assert "already" in str(body)
    assert Household.objects.count() == before


def test_household_create_names_an_unknown_network_with_the_other_mistakes(
    coordinator, own, foreign
):
    before = Household.objects.count()
    response = coordinator.post(
        reverse("api-households"),
        {"network": foreign.network.pk, "reference": "Amina Haddad", "languages": ["xx"]},
        format="json",
    )
    assert response.status_code == 400
    assert {"network", "reference", "languages"} <= set(response.json())
    assert Household.objects.count() == before


def test_household_patch_names_every_mistake_at_once(coordinator, own):
    household = own.household
    response = coordinator.patch(
        reverse("api-household-detail", args=[household.pk]),
        {"languages": ["xx"], "waiting_since": tomorrow(), "size": 99, "needs": ["work"]},
        format="json",
    )
    assert response.status_code == 400
    assert {"languages", "waiting_since", "size"} <= set(response.json())
    household.refresh_from_db()
    assert household.needs != ["work"]


def test_sponsorship_create_names_an_unknown_household_and_pate_together(coordinator, own, unled):
    before = Sponsorship.objects.count()
    response = coordinator.post(
        reverse("api-sponsorships"),
        {
            "network": own.network.pk,
            "household": unled.household.pk,
            "pate": unled.member.volunteer.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"household", "pate"} <= set(response.json())
    assert Sponsorship.objects.count() == before


def test_sponsorship_create_names_a_bad_id_with_the_unknown_network(coordinator, own, foreign):
    before = Sponsorship.objects.count()
    response = coordinator.post(
        reverse("api-sponsorships"),
        {"network": foreign.network.pk, "household": "²", "pate": own.member.volunteer.pk},
        format="json",
    )
    assert response.status_code == 400
    assert {"network", "household"} <= set(response.json())
    assert Sponsorship.objects.count() == before


def test_sponsorship_patch_names_every_mistake_at_once(coordinator, own, unled):
    url = reverse("api-sponsorship-detail", args=[own.sponsorship.pk])
    response = coordinator.patch(
        url,
        {
            "pate": unled.member.volunteer.pk,
            "end_note": "zu spät",
            "started_on": "2025-02-03",
            "trial_meetings": -1,
            "intro_talk_on": "2025-01-10",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"pate", "end_note", "started_on", "trial_meetings"} <= set(response.json())
    sponsorship = Sponsorship.objects.get(pk=own.sponsorship.pk)
    assert (sponsorship.status, sponsorship.intro_talk_on, sponsorship.end_note) == (
        Status.REQUESTED,
        None,
        "",
    )


def test_a_household_of_another_network_keeps_its_own_after_a_refusal(coordinator, own, unled):
    household = HouseholdFactory(network=unled.network)
    response = coordinator.patch(
        reverse("api-household-detail", args=[household.pk]),
        {"network": own.network.pk, "size": 0},
        format="json",
    )
    assert response.status_code == 400
    household.refresh_from_db()
    assert household.network_id == unled.network.pk
