"""Throttles that do something: the general API rates, the registration per client address
(not per login), password-reset mails per address and e-mail, the failed-login lockout per
account and per address, and a wrong password that says so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from core.models import Role
from tests.factories import UserFactory
from tests.volunteers.test_views import form_data, register_url

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rates(settings, **changed: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **changed},
    }


def web(address: str = "127.0.0.1") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


# --------------------------------------------------------------------------- API rates


def test_the_api_throttles_a_logged_in_user(api_as, settings):
    rates(settings, user="3/minute")
    client = api_as(Role.COORDINATOR)
    statuses = [client.get("/api/v1/languages/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_api_throttles_anonymous_callers_per_address(db, settings):
    rates(settings, anon="2/minute")
    client = APIClient()
    statuses = [client.post("/api/v1/auth/token/", {}, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    other = APIClient(REMOTE_ADDR="10.9.8.7")
    assert other.post("/api/v1/auth/token/", {}, format="json").status_code == 400


# --------------------------------------------------------------------------- registration


@pytest.fixture
def town(tenant):
    tenant.place.kind = "town"
    tenant.place.save()
    return tenant.place


def test_web_registration_counts_per_address_even_when_logged_in(tenant, town, settings):
    rates(settings, register="1/hour")
    first = web()
    first.force_login(tenant.users[Role.VOLUNTEER])
    assert first.post(register_url(tenant), form_data(tenant)).status_code == 302
    second = web()
    second.force_login(UserFactory())  # a fresh login from the same address
    response = second.post(
        register_url(tenant), form_data(tenant, email="b@example.org", username="b")
    )
    assert response.status_code == 429


# --------------------------------------------------------------------------- password reset


def test_password_reset_mails_one_address_at_most_the_limit(db, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT = 3
    UserFactory(email="opfer@example.org")
    for _ in range(6):
        response = web().post(reverse("password_reset"), {"email": "opfer@example.org"})
        assert response.status_code == 302  # the same page every time
    assert len(mailoutbox) == 3


def test_password_reset_from_one_address_is_limited(db, settings, mailoutbox):
    settings.PASSWORD_RESET_ADDRESS_LIMIT = 2
    client = web("10.0.0.5")
    for n in range(2):
        assert client.post(reverse("password_reset"), {"email": f"x{n}@example.org"}).status_code
    response = client.post(reverse("password_reset"), {"email": "y@example.org"})
    assert response.status_code == 429
    assert "Too many requests for password links" in response.content.decode()
    assert (
        web("10.0.0.6").post(reverse("password_reset"), {"email": "y@example.org"}).status_code
        == 302
    )


# --------------------------------------------------------------------------- login


def test_a_wrong_password_says_so_plainly(tenant):
    response = log_in(web(), "coordinator-eigen", "wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The user name or the password is wrong" in page


def test_a_wrong_password_says_so_plainly_in_german(tenant):
    with translation.override("de"):
        response = Client(HTTP_ACCEPT_LANGUAGE="de").post(
            reverse("login"), {"username": "coordinator-eigen", "password": "falsch"}
        )
    page = response.content.decode()
    assert "Benutzername oder Passwort ist falsch" in page
    assert "Bitte Benutzername und Passwort eingeben" not in page


@pytest.fixture
def member(db):
    return UserFactory(username="martina")


def test_repeated_failures_lock_the_account_even_for_the_right_password(member, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    for n in range(5):
        log_in(web(f"10.0.1.{n}"), "martina", "wrong")  # from five addresses
    response = log_in(web("10.0.2.1"), "martina", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_account_lock_also_holds_for_the_api_token(member, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        log_in(web(), "martina", "wrong")
    response = APIClient(REMOTE_ADDR="10.3.3.3").post(
        "/api/v1/auth/token/", {"username": "martina", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400 and "token" not in response.json()


def test_repeated_failures_from_one_address_lock_that_address(member, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    client = web("10.0.0.9")
    for n in range(4):
        log_in(client, f"guess{n}", "wrong")  # different accounts, one address
    assert "Too many failed attempts" in log_in(client, "martina", PASSWORD).content.decode()
    assert log_in(web("10.0.0.10"), "martina", PASSWORD).status_code == 302


def test_the_lock_ends_after_its_time(member, settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        log_in(web(), "martina", "wrong")
    assert log_in(web(), "martina", PASSWORD).status_code == 200
    from django.core.cache import cache

    cache.clear()  # the counters' expiry (LOGIN_LOCKOUT_MINUTES) has passed
    assert log_in(web(), "martina", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_account_failures(member, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        log_in(web(), "martina", "wrong")
    assert log_in(web(), "martina", PASSWORD).status_code == 302
    for _ in range(2):
        log_in(web(), "martina", "wrong")
    assert log_in(web(), "martina", PASSWORD).status_code == 302
