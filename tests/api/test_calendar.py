"""``/api/v1/me/calendar/``: the interpreter's feed address (created on the first GET), a POST
renews it and the old address stops serving; interpreters only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.models import AuditEvent
from sprachpool.models import InterpreterProfile
from tests.sprachpool.factories import interpreter

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/calendar/"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = "https://wir.example"


@pytest.fixture
def me(tenant: Any) -> InterpreterProfile:
    return interpreter(center=tenant.center, user=tenant.users["volunteer"])


def path_of(url: str) -> str:
    assert url.startswith("https://wir.example/calendar/") and url.endswith(".ics")
    return url.removeprefix("https://wir.example")


def test_first_get_creates_the_feed_address(api_as: Any, me: InterpreterProfile) -> None:
    response = api_as("volunteer").get(URL)

    assert response.status_code == 200
    assert list(response.json()) == ["url"]
    me.refresh_from_db()
    assert me.calendar_token
    assert response.json()["url"] == f"https://wir.example/calendar/{me.calendar_token}.ics"


def test_feed_at_the_address_is_served_without_login(api_as: Any, me: InterpreterProfile) -> None:
    url = api_as("volunteer").get(URL).json()["url"]

    response = Client().get(path_of(url))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_second_get_keeps_the_address(api_as: Any, me: InterpreterProfile) -> None:
    client = api_as("volunteer")
    first = client.get(URL).json()["url"]

    second = client.get(URL).json()["url"]

    assert second == first
    created = AuditEvent.objects.filter(
        object_type="sprachpool.interpreterprofile", detail__calendar="created"
    )
    assert created.count() == 1


def test_post_renews_and_the_old_address_stops_serving(api_as: Any, me: InterpreterProfile) -> None:
    client = api_as("volunteer")
    old = client.get(URL).json()["url"]

    response = client.post(URL)

    assert response.status_code == 200
    new = response.json()["url"]
    assert new != old
    assert Client().get(path_of(old)).status_code == 404
    assert Client().get(path_of(new)).status_code == 200
    assert client.get(URL).json()["url"] == new


def test_post_without_an_address_creates_one(api_as: Any, me: InterpreterProfile) -> None:
    response = api_as("volunteer").post(URL)

    assert response.status_code == 200
    assert Client().get(path_of(response.json()["url"])).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "network_lead", "volunteer"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_than_interpreters_get_403_and_change_nothing(
    api_as: Any, tenant: Any, role: str, method: str
) -> None:
    """The tenant's volunteer login here has no interpreter profile."""
    someone = interpreter(center=tenant.center)

    response = getattr(api_as(role), method)(URL)

    assert response.status_code == 403
    assert not InterpreterProfile.objects.exclude(calendar_token="").exists()
    someone.refresh_from_db()
    assert someone.calendar_token == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_401(db: None, method: str) -> None:
    response = getattr(APIClient(), method)(URL)

    assert response.status_code == 401
    assert not InterpreterProfile.objects.exclude(calendar_token="").exists()


def test_schema_describes_get_and_post_with_the_url() -> None:
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/me/calendar/"]

    for method in ("get", "post"):
        body = operations[method]["responses"]["200"]["content"]["application/json"]["schema"]
        name = body["$ref"].rsplit("/", 1)[-1]
        component = schema["components"]["schemas"][name]
        assert list(component["properties"]) == ["url"]
        assert component["required"] == ["url"]
    assert "requestBody" not in operations["post"]
