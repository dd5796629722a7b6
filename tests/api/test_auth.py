"""Token login and ``/api/v1/me/`` per the contract."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Role

pytestmark = pytest.mark.django_db


def test_token_for_good_credentials_opens_me(tenant):
    client = APIClient()
    response = client.post(
        reverse("api-auth-token"),
        {"username": "caseworker-eigen", "password": "secret-pass-123"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(reverse("api-me"))
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "caseworker-eigen"
    assert body["user"]["username"] == "caseworker-eigen"
    assert body["memberships"] == [
        {
            "center": tenant.center.pk,
            "center_name": tenant.center.name,
            "center_slug": tenant.center.slug,
            "role": "caseworker",
            "department": tenant.department.pk,
            "department_name": "Gesundheitsamt",
        }
    ]


def test_token_for_wrong_password_is_400_without_token(tenant):
    response = APIClient().post(
        reverse("api-auth-token"),
        {"username": "caseworker-eigen", "password": "wrong"},
        format="json",
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_with_missing_fields_names_them(db):
    response = APIClient().post(reverse("api-auth-token"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}


def test_me_without_credentials_is_401(db):
    assert APIClient().get(reverse("api-me")).status_code == 401


def test_me_with_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(reverse("api-me")).status_code == 401


def test_malformed_json_is_a_400_not_a_500(api_as):
    client = api_as(Role.COORDINATOR)
    response = client.generic(
        "POST", reverse("api-departments"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_languages_are_listed_with_dialect_level(api_as):
    response = api_as(Role.VOLUNTEER).get(reverse("api-languages"), {"page_size": 200})
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    assert {"fa", "prs", "kmr", "ckb", "zza", "ti", "tig", "apc", "ar"} <= codes
    assert response.json()["count"] >= 40


def test_schema_and_docs_are_served_without_cdn(db):
    client = APIClient()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/auth/token/" in target.read_text()
