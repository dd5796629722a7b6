"""``Cache-Control: no-store`` (and ``Pragma: no-cache``) on every API answer and on every
page for a logged-in user; an anonymous page may be cached only when its view says so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_no_store(response) -> None:  # type: ignore[no-untyped-def]
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_an_api_answer_is_not_stored(tenant):
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=tenant.users['coordinator'])}"
    )

    response = client.get(reverse("api-me"))

    assert response.status_code == 200
    assert_no_store(response)


def test_an_api_refusal_is_not_stored(db):
    response = APIClient().get(reverse("api-me"))

    assert response.status_code == 401
    assert_no_store(response)


def test_the_api_schema_is_not_stored(db):
    response = APIClient().get(reverse("api-schema"))

    assert response.status_code == 200
    assert_no_store(response)


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "volunteer", "network_lead"])
def test_a_page_for_a_logged_in_user_is_not_stored(tenant, role):
    client = Client()
    client.force_login(tenant.users[role])

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert_no_store(response)


def test_a_refusal_for_a_logged_in_user_is_not_stored(tenant):
    client = Client()
    client.force_login(tenant.users["volunteer"])

    response = client.get(reverse("audit-list"))

    assert response.status_code == 403
    assert_no_store(response)


@pytest.mark.urls("tests.security.urls")
def test_a_view_cannot_allow_caching_for_a_logged_in_user(tenant):
    client = Client()
    client.force_login(tenant.users["coordinator"])

    response = client.get(reverse("test-cacheable"))

    assert_no_store(response)


@pytest.mark.urls("tests.security.urls")
def test_an_anonymous_page_may_be_cached_when_its_view_says_so(db):
    response = Client().get(reverse("test-cacheable"))

    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    assert not response.has_header("Pragma")


def test_an_anonymous_page_without_its_own_rule_is_not_stored(tenant):
    """The public registration form: no view rule, so no-store (as for the signed links)."""
    response = Client().get(reverse("volunteer-register", args=[tenant.center.slug]))

    assert response.status_code == 200
    assert_no_store(response)
