"""The Django admin cannot change an address past the re-confirmation of the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_admin_cannot_change_the_email_address(tenant):
    volunteer = VolunteerFactory(center=tenant.center, email="vera@example.org")
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])

    page = client.get(url).content.decode()

    assert 'name="email"' not in page
    assert "vera@example.org" in page  # shown, read-only
