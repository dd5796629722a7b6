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


# --------------------------------------------------------------------------- token lifetime


def token_for(client: APIClient, username: str, password: str) -> str:
    response = client.post(
        reverse("api-auth-token"), {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def me_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(reverse("api-me")).status_code


def test_the_owner_revokes_the_token_and_a_new_login_gets_a_new_one(tenant):
    old = token_for(APIClient(), "caseworker-eigen", "secret-pass-123")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.delete(reverse("api-auth-token")).status_code == 204
    assert me_status(old) == 401
    new = token_for(APIClient(), "caseworker-eigen", "secret-pass-123")
    assert new != old and me_status(new) == 200


def test_revoking_without_a_login_is_401(db):
    assert APIClient().delete(reverse("api-auth-token")).status_code == 401


def test_a_password_change_revokes_the_tokens(tenant):
    from django.test import Client

    old = token_for(APIClient(), "caseworker-eigen", "secret-pass-123")
    web = Client()
    web.force_login(tenant.users["caseworker"])
    response = web.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "Winter-Regen-2027",
            "new_password2": "Winter-Regen-2027",
        },
    )
    assert response.status_code == 302
    assert me_status(old) == 401
    new = token_for(APIClient(), "caseworker-eigen", "Winter-Regen-2027")
    assert new != old and me_status(new) == 200


def test_a_password_reset_revokes_the_tokens(tenant, mailoutbox):
    import re

    from django.test import Client

    user = tenant.users["caseworker"]
    user.email = "cw@example.org"
    user.save()
    old = token_for(APIClient(), "caseworker-eigen", "secret-pass-123")
    web = Client()
    web.post(reverse("password_reset"), {"email": "cw@example.org"})
    link = re.search(r"/accounts/reset/\S+/", mailoutbox[-1].body).group(0)
    form_url = web.get(link).url  # Django swaps the token for a session and redirects
    response = web.post(
        form_url, {"new_password1": "Winter-Regen-2027", "new_password2": "Winter-Regen-2027"}
    )
    assert response.status_code == 302
    assert me_status(old) == 401


def test_saving_a_user_without_a_new_password_keeps_the_token(tenant):
    token = token_for(APIClient(), "caseworker-eigen", "secret-pass-123")
    user = tenant.users["caseworker"]
    user.first_name = "Neu"
    user.save()
    assert me_status(token) == 200
