"""The volunteers API names every bad field in one answer: the serializer's and the
service's checks together."""

from __future__ import annotations

import pytest

from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_patch_reports_a_bad_address_and_a_bad_phone_together(tenant, api_as):
    volunteer = VolunteerFactory(center=tenant.center)

    response = api_as("coordinator").patch(
        f"/api/v1/volunteers/{volunteer.pk}/",
        {"email": "kaputt", "phone": "12", "first_name": "Neu"},
        format="json",
    )

    assert response.status_code == 400
    assert {"email", "phone"} <= set(response.json())
    assert Volunteer.objects.get(pk=volunteer.pk).first_name == volunteer.first_name


def test_create_reports_a_bad_address_and_a_bad_phone_together(tenant, api_as):
    response = api_as("coordinator").post(
        "/api/v1/volunteers/",
        {"first_name": "Samira", "last_name": "Haidari", "email": "kaputt", "phone": "12"},
        format="json",
    )

    assert response.status_code == 400
    assert {"email", "phone"} <= set(response.json())
    assert not Volunteer.objects.exists()
