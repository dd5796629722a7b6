"""Bad input never becomes a server error: each class of it found by probing gets a 400 (or a
409 for a colliding create) with a message, on the API and on the web pages, on SQLite and
PostgreSQL. One example per class here; ``test_fuzz.py`` walks every route with hypothesis."""

from __future__ import annotations

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Department, Role
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize(
    "url, auth",
    [
        ("/api/v1/auth/token/", False),
        ("/api/v1/volunteers/register/", False),
        ("/api/v1/departments/", True),
    ],
)
def test_deeply_nested_json_is_a_400(api_as, url, auth):
    client = api_as(Role.COORDINATOR) if auth else APIClient()
    response = client.generic(
        "POST", url, nested(50_000), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_moderately_nested_json_is_an_ordinary_field_error(api_as):
    response = api_as(Role.COORDINATOR).generic(
        "POST", "/api/v1/departments/", '{"name": ' + nested(10) + "}", "application/json"
    )
    assert response.status_code == 400 and "name" in response.json()


def test_a_lone_surrogate_in_a_choice_is_a_400_and_stores_nothing(api_as, tenant):
    response = api_as(Role.COORDINATOR).generic(
        "POST",
        "/api/v1/departments/",
        '{"name": "Jugendamt", "kind": "\\ud800", "center": ' + str(tenant.center.pk) + "}",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not Department.objects.filter(name="Jugendamt").exists()


def test_a_nul_byte_in_a_json_body_is_a_400(api_as, tenant):
    response = api_as(Role.COORDINATOR).generic(
        "POST",
        "/api/v1/departments/",
        '{"name": "Jugend\\u0000amt", "center": ' + str(tenant.center.pk) + "}",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Department.objects.filter(name__startswith="Jugend").exists()


def test_a_nul_byte_in_a_form_body_is_a_400(tenant):
    response = Client().post(
        "/api/v1/auth/token/", {"username": "caseworker-eigen\x00", "password": "x"}
    )
    assert response.status_code == 400


@pytest.fixture
def vera(tenant):
    return VolunteerFactory(center=tenant.center)


@pytest.mark.parametrize("field", ["languages", "availability"])
def test_patch_with_an_incomplete_volunteer_item_is_a_field_error(api_as, vera, field):
    response = api_as(Role.COORDINATOR).patch(
        f"/api/v1/volunteers/{vera.pk}/", {field: [{}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize("field", ["languages", "availability"])
def test_patch_with_an_incomplete_interpreter_item_is_a_field_error(api_as, tenant, field):
    profile = interpreter(center=tenant.center)
    response = api_as(Role.COORDINATOR).patch(
        f"/api/v1/interpreters/{profile.pk}/", {field: [{"level": "B2"}]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert profile.volunteer.languages.count() == 2


# --------------------------------------------------------------------------- query strings


@pytest.mark.parametrize(
    "url", ["/api/v1/volunteers/", "/api/v1/departments/", "/api/v1/users/", "/api/v1/places/"]
)
def test_a_nul_byte_in_an_api_query_is_a_400(api_as, url):
    response = api_as(Role.COORDINATOR).get(url, {"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("name", ["volunteer-list", "department-list", "member-list", "place-list"])
def test_a_nul_byte_in_a_web_query_is_a_400_page(tenant, name):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users[Role.COORDINATOR])
    response = client.get(reverse(name), {"q": "\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_huge_id_in_an_api_filter_is_not_a_server_error(api_as, vera):
    response = api_as(Role.COORDINATOR).get(
        "/api/v1/volunteers/", {"place": "99999999999999999999"}
    )
    assert response.status_code in (200, 400)


def test_a_huge_id_in_a_web_filter_is_not_a_server_error(tenant, vera):
    client = Client()
    client.force_login(tenant.users[Role.COORDINATOR])
    response = client.get(reverse("volunteer-list"), {"place": "99999999999999999999"})
    assert response.status_code in (200, 400)


# --------------------------------------------------------------------------- collisions


@pytest.fixture
def race(monkeypatch):
    """Two identical creates at the same moment: both pass the uniqueness checks before
    either has stored its row, so only the database's constraint sees the second one."""
    monkeypatch.setattr(models.Model, "validate_unique", lambda self, exclude=None: None)
    monkeypatch.setattr(models.Model, "validate_constraints", lambda self, exclude=None: None)


def test_a_colliding_api_create_is_a_409(api_as, tenant, race):
    client = api_as(Role.COORDINATOR)
    body = {"name": "Jobcenter", "kind": "job_centre", "center": tenant.center.pk}
    assert client.post("/api/v1/departments/", body, format="json").status_code == 201
    second = client.post("/api/v1/departments/", body, format="json")
    assert second.status_code == 409
    assert "detail" in second.json()
    assert Department.objects.filter(name="Jobcenter").count() == 1


def test_a_colliding_web_create_is_a_409_page(tenant, race):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users[Role.COORDINATOR])
    form = {"center": tenant.center.pk, "name": "Jobcenter", "kind": "job_centre"}
    assert client.post(reverse("department-create"), form).status_code == 302
    second = client.post(reverse("department-create"), form)
    assert second.status_code == 409
    assert "saved by another request" in second.content.decode()
    assert Department.objects.filter(name="Jobcenter").count() == 1


def test_sqlite_writers_wait_for_the_lock_instead_of_failing(settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
