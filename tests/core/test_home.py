"""The landing page gathers figures from every app, by role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Role
from tests.factories import UserFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def home_html(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_coordinator_sees_registrations_awaiting_approval(tenant, other_tenant):
    VolunteerFactory(center=tenant.center, status=Volunteer.Status.CONFIRMED)
    VolunteerFactory(center=tenant.center, status=Volunteer.Status.REGISTERED)
    VolunteerFactory(center=other_tenant.center, status=Volunteer.Status.CONFIRMED)
    html = home_html(tenant.users[Role.COORDINATOR])
    assert "Registrations awaiting approval" in html
    card = html.split("Registrations awaiting approval")[0].rsplit('class="figure"', 1)[1]
    assert ">2<" in card
    for label in ("Active interpreters", "Households waiting for a Pate"):
        assert label in html


def test_caseworker_sees_no_coordinator_figures(tenant):
    html = home_html(tenant.users[Role.CASEWORKER])
    assert "Registrations awaiting approval" not in html
    assert "Active interpreters" not in html


def test_pending_registrant_is_pointed_to_their_data(tenant):
    user = UserFactory(username="neu-registriert")
    VolunteerFactory(center=tenant.center, user=user, status=Volunteer.Status.REGISTERED)
    html = home_html(user)
    assert "Your registration is being checked" in html
    assert reverse("my-volunteer") in html
    assert "not yet assigned to a center" not in html
