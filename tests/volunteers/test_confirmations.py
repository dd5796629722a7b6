"""Destructive or irreversible actions ask first (GET: what follows) and act only on POST."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.networks.factories import NetworkFactory, NetworkMemberFactory
from tests.volunteers.factories import AbsenceFactory, PledgeSignatureFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(tenant) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users["coordinator"])
    return client


def test_marking_as_left_asks_first_and_says_what_follows(tenant, coordinator) -> None:
    volunteer = VolunteerFactory(center=tenant.center)
    url = reverse("volunteer-transition", args=[volunteer.pk, "leave"])

    question = coordinator.get(url)

    assert question.status_code == 200
    assert "cannot be undone" in question.content.decode()
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.ACTIVE
    coordinator.post(url)
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.LEFT


def test_the_detail_page_links_to_the_question_instead_of_acting(tenant, coordinator) -> None:
    volunteer = VolunteerFactory(center=tenant.center)
    url = reverse("volunteer-transition", args=[volunteer.pk, "leave"])

    page = coordinator.get(reverse("volunteer-detail", args=[volunteer.pk])).content.decode()

    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page


def test_removing_an_absence_asks_first(tenant, coordinator) -> None:
    absence = AbsenceFactory(volunteer=VolunteerFactory(center=tenant.center))
    url = reverse("volunteer-absence-delete", args=[absence.volunteer_id, absence.pk])

    assert coordinator.get(url).status_code == 200
    assert absence.volunteer.absences.exists()
    coordinator.post(url)
    assert not absence.volunteer.absences.exists()


def test_removing_paperwork_asks_first(tenant, coordinator) -> None:
    pledge = PledgeSignatureFactory(volunteer=VolunteerFactory(center=tenant.center))
    url = reverse("volunteer-paperwork-delete", args=[pledge.volunteer_id, "pledge", pledge.pk])

    assert coordinator.get(url).status_code == 200
    assert pledge.volunteer.pledges.exists()


def test_taking_a_pate_out_of_a_network_asks_first(tenant, coordinator) -> None:
    member = NetworkMemberFactory(network=NetworkFactory(center=tenant.center))
    url = reverse("network-member-remove", args=[member.network_id, member.pk])

    assert coordinator.get(url).status_code == 200
    member.refresh_from_db()
    assert member.active
