"""One postcode rule everywhere (core.validators.is_postcode): five ASCII digits. "１２３４５"
(full-width) and "٦١١٦٩" (Arabic-Indic) pass ``str.isdigit()`` but are no German postcode;
every path that takes a postcode refuses them and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import Role
from requests import services as request_services
from requests.models import InterpreterRequest
from tests.requests.factories import next_week_at
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

OTHER_DIGITS = ["１２３４５", "٦١١٦٩"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("postcode", OTHER_DIGITS)
def test_a_volunteer_with_a_postcode_in_other_digits_is_refused(api_as, postcode):
    response = api_as(Role.COORDINATOR).post(
        "/api/v1/volunteers/",
        {
            "first_name": "Samira",
            "last_name": "Haidari",
            "email": "samira@example.org",
            "postcode": postcode,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "postcode" in response.json()
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("postcode", OTHER_DIGITS)
def test_a_request_at_an_address_with_a_postcode_in_other_digits_is_refused(
    api_as, tenant, postcode
):
    start = next_week_at(9, days=14)
    response = api_as(Role.CASEWORKER).post(
        "/api/v1/requests/",
        {
            "language": "ar",
            "min_level": "B2",
            "start": start.isoformat(),
            "end": (start + dt.timedelta(hours=1)).isoformat(),
            "mode": "in_person",
            "place": {
                "street": "Europaplatz 1",
                "postcode": postcode,
                "city": "Friedberg",
                "lat": 50.33,
                "lon": 8.75,
            },
            "topic": "health",
            "client_ref": "K-1177",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "postcode" in str(response.json())
    assert not InterpreterRequest.objects.exists()


@pytest.mark.parametrize("postcode", OTHER_DIGITS)
def test_the_request_form_refuses_a_postcode_in_other_digits(tenant, postcode):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users[Role.CASEWORKER])
    day = request_services.earliest_start_day(center=tenant.center) + dt.timedelta(days=7)
    response = client.post(
        reverse("request-create"),
        {
            "department": str(tenant.department.pk),
            "language": "ar",
            "min_level": "B2",
            "date": day.isoformat(),
            "start_time": "09:00",
            "end_time": "10:00",
            "mode": "in_person",
            "place": "",
            "street": "Europaplatz 1",
            "postcode": postcode,
            "city": "Friedberg",
            "topic": "health",
            "client_ref": "K-1177",
            "priority": "normal",
        },
    )
    assert response.status_code == 200
    assert "five digits" in response.content.decode()
    assert not InterpreterRequest.objects.exists()
