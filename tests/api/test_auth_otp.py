"""``POST /api/v1/auth/token/`` with two-factor login: the ``otp`` field, refusals counted,
the required roles, and session logins of the API that still owe their code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import AuditEvent, Role, User
from tests.core.test_two_factor import PASSWORD, code_for, password_login, with_two_factor

pytestmark = pytest.mark.django_db


def token_post(user: User, **extra: Any) -> Any:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("api-auth-token"),
        {"username": user.username, "password": PASSWORD, **extra},
        format="json",
    )


@pytest.fixture
def caseworker(tenant: Any) -> User:
    return tenant.users[Role.CASEWORKER]


@pytest.fixture
def no_backoff(settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_without_the_code_no_token_is_issued(caseworker: User) -> None:
    with_two_factor(caseworker)

    response = token_post(caseworker)

    assert response.status_code == 400
    assert set(response.json()) == {"otp"}
    assert "code from your authenticator app" in response.json()["otp"][0]
    assert not Token.objects.filter(user=caseworker).exists()
    assert AuditEvent.objects.filter(actor=caseworker, detail__two_factor="wrong_code").count() == 1


def test_with_a_wrong_code_no_token_is_issued(caseworker: User) -> None:
    device, _codes = with_two_factor(caseworker)
    right = {code_for(device, ahead=step) for step in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in right)

    response = token_post(caseworker, otp=wrong)

    assert response.status_code == 400
    assert "not right" in response.json()["otp"][0]
    assert not Token.objects.filter(user=caseworker).exists()
    assert AuditEvent.objects.filter(
        actor=caseworker, detail={"two_factor": "wrong_code", "via": "api", "failed": True}
    ).exists()


def test_with_the_right_code_the_token_is_issued(caseworker: User) -> None:
    device, _codes = with_two_factor(caseworker)

    response = token_post(caseworker, otp=code_for(device, ahead=1))

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=caseworker).key}


def test_a_recovery_code_gives_a_token_once(caseworker: User) -> None:
    _device, codes = with_two_factor(caseworker)

    first = token_post(caseworker, otp=codes[0])
    Token.objects.all().delete()
    second = token_post(caseworker, otp=codes[0])

    assert first.status_code == 200
    assert second.status_code == 400
    assert not Token.objects.exists()


def test_a_wrong_password_is_refused_before_the_code(caseworker: User) -> None:
    device, _codes = with_two_factor(caseworker)

    response = APIClient().post(
        reverse("api-auth-token"),
        {"username": caseworker.username, "password": "wrong", "otp": code_for(device)},
        format="json",
    )

    assert response.status_code == 400
    assert "otp" not in response.json()
    assert not Token.objects.exists()


def test_wrong_codes_lock_the_token(caseworker: User, settings: Any, no_backoff: None) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    device, _codes = with_two_factor(caseworker)
    for _attempt in range(3):
        token_post(caseworker, otp="999999" if code_for(device) != "999999" else "888888")
    # The wrong codes counted as failed logins, so the password step is blocked as well;
    # the code's own lock holds after that block has passed.
    from django.core.cache import cache

    cache.delete(f"core:login-failures:user:{caseworker.username}")

    response = token_post(caseworker, otp=code_for(device, ahead=1))

    assert response.status_code == 400
    assert "refused for 15 minutes" in response.json()["otp"][0]
    assert not Token.objects.exists()


def test_without_a_device_the_contract_is_unchanged(caseworker: User) -> None:
    plain = token_post(caseworker)
    with_code = token_post(caseworker, otp="123456")

    assert plain.status_code == 200 and with_code.status_code == 200
    assert plain.json() == with_code.json() == {"token": Token.objects.get(user=caseworker).key}


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_required_coordinator_without_a_device_gets_no_token(tenant: Any) -> None:
    coordinator = tenant.users[Role.COORDINATOR]

    response = token_post(coordinator, otp="123456")

    assert response.status_code == 400
    assert "required for your role" in response.json()["otp"][0]
    assert not Token.objects.exists()
    assert token_post(tenant.users[Role.CASEWORKER]).status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_required_coordinator_with_a_device_gets_a_token_with_the_code(tenant: Any) -> None:
    coordinator = tenant.users[Role.COORDINATOR]
    device, _codes = with_two_factor(coordinator)

    assert token_post(coordinator).status_code == 400
    assert token_post(coordinator, otp=code_for(device, ahead=1)).status_code == 200


def test_the_schema_documents_the_otp_field(db: None) -> None:
    schema = APIClient().get(reverse("api-schema"), {"format": "json"}).json()

    fields = schema["components"]["schemas"]["AuthTokenInputRequest"]["properties"]
    assert "otp" in fields
    assert "otp" not in schema["components"]["schemas"]["AuthTokenInputRequest"]["required"]


def test_a_session_that_owes_its_code_is_no_api_login(caseworker: User) -> None:
    device, _codes = with_two_factor(caseworker)
    client: Client = password_login(caseworker)

    refused = client.get(reverse("api-me"))

    assert refused.status_code == 401
    client.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})
    assert client.get(reverse("api-me")).status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_required_role_needs_a_verified_session_for_the_api(tenant: Any) -> None:
    client = Client()
    client.force_login(tenant.users[Role.COORDINATOR])

    assert client.get(reverse("api-me")).status_code == 401
