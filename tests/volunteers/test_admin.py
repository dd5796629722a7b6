"""The Django admin shows volunteers read-only: no address past the re-confirmation of the
services, no change or deletion past their rules."""

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


def test_admin_cannot_change_or_delete_a_volunteer(tenant):
    volunteer = VolunteerFactory(center=tenant.center, last_name="Weber", phone="+4915112345678")
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    change = client.post(
        reverse("admin:volunteers_volunteer_change", args=[volunteer.pk]),
        {"last_name": "Anders", "phone": "+4915199999999"},
    )
    delete = client.post(
        reverse("admin:volunteers_volunteer_delete", args=[volunteer.pk]), {"post": "yes"}
    )

    volunteer.refresh_from_db()
    assert (change.status_code, delete.status_code) == (403, 403)
    assert (volunteer.last_name, volunteer.phone) == ("Weber", "+4915112345678")
