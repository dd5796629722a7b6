"""Two-factor login (core.two_factor): set-up with a real TOTP code, the login's second step,
recovery codes, wrong codes locked out, the required roles, switching off, and the admin."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from core.models import AuditEvent, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"


def code_for(device: TOTPDevice, *, ahead: int = 0) -> str:
    """The code the authenticator app shows now (``ahead``: that many steps later, which the
    device still accepts within its tolerance, for a second code in the same 30 seconds)."""
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead)
    return f"{value:0{device.digits}d}"


def with_two_factor(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set two-factor login up for ``user`` through the services, as the page does."""
    device = two_factor.totp_setup_start(user=user)
    codes = two_factor.totp_setup_confirm(user=user, code=code_for(device), request=None)
    device.refresh_from_db()
    return device, codes


def password_login(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, ahead=step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def volunteer(tenant: Any) -> User:
    return tenant.users[Role.VOLUNTEER]


@pytest.fixture
def no_backoff(settings: Any) -> None:
    """Without django-otp's per-device back-off (1, 2, 4 s), so a test may follow a wrong
    code with a right one at once; the lockout count is what these tests look at."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --------------------------------------------------------------------------- set-up


def test_set_up_with_a_real_code_switches_on_and_shows_ten_recovery_codes(volunteer: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(volunteer)

    client.post(reverse("two-factor"), {"action": "start"})
    page = client.get(reverse("two-factor"))
    device = TOTPDevice.objects.get(user=volunteer)
    assert not device.confirmed
    assert "<svg" in page.content.decode()
    assert two_factor.secret_text(device) in page.content.decode()

    response = client.post(reverse("two-factor"), {"action": "confirm", "code": code_for(device)})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=volunteer).count() == 10
    assert AuditEvent.objects.filter(
        actor=volunteer, action=AuditEvent.Action.CREATE, object_type="otp_totp.totpdevice"
    ).exists()
    # The session that set it up counts as verified.
    assert client.get(reverse("home")).status_code == 200


def test_set_up_with_a_wrong_code_switches_nothing_on(volunteer: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(volunteer)
    client.post(reverse("two-factor"), {"action": "start"})
    device = TOTPDevice.objects.get(user=volunteer)

    response = client.post(reverse("two-factor"), {"action": "confirm", "code": wrong_code(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=volunteer).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_recovery_codes_are_stored_only_as_keyed_hashes(volunteer: User) -> None:
    _device, codes = with_two_factor(volunteer)

    stored = set(StaticToken.objects.values_list("token", flat=True))

    plain = {two_factor.normalise_code(code) for code in codes}
    assert not stored & plain
    assert stored == {two_factor.recovery_code_hash(code) for code in plain}


def test_the_set_up_page_is_phone_friendly_and_labelled(volunteer: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(volunteer)
    client.post(reverse("two-factor"), {"action": "start"})

    html = client.get(reverse("two-factor")).content.decode()

    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label for="id_code">' in html
    assert "style=" not in html and "<script" not in html


# --------------------------------------------------------------------------- login


def test_a_login_with_a_device_needs_the_code_before_any_page(volunteer: User) -> None:
    device, _codes = with_two_factor(volunteer)
    client = password_login(volunteer)

    refused = client.get(reverse("department-list"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("two-factor-verify"))
    assert "next=%2Fdepartments%2F" in refused["Location"]

    answer = client.post(
        reverse("two-factor-verify"),
        {"code": code_for(device, ahead=1), "next": "/departments/"},
    )

    assert answer.status_code == 302 and answer["Location"] == "/departments/"
    assert client.get(reverse("department-list")).status_code == 200
    assert AuditEvent.objects.filter(
        actor=volunteer, action=AuditEvent.Action.LOGIN, detail__two_factor="code"
    ).exists()


def test_a_wrong_code_leaves_the_session_unverified_and_is_audited(volunteer: User) -> None:
    device, _codes = with_two_factor(volunteer)
    client = password_login(volunteer)

    answer = client.post(reverse("two-factor-verify"), {"code": wrong_code(device)})

    assert answer.status_code == 400
    assert "not right" in answer.content.decode()
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-verify"))
    assert AuditEvent.objects.filter(actor=volunteer, detail__two_factor="wrong_code").count() == 1


def test_a_login_without_a_device_needs_no_code(volunteer: User) -> None:
    client = password_login(volunteer)

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two-factor-verify"))["Location"] == "/"


def test_a_recovery_code_works_once(volunteer: User) -> None:
    _device, codes = with_two_factor(volunteer)
    client = password_login(volunteer)

    first = client.post(reverse("two-factor-verify"), {"code": codes[0], "recovery": "1"})

    assert first.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=volunteer).count() == 9
    client.post(reverse("logout"))

    again = password_login(volunteer)
    second = again.post(reverse("two-factor-verify"), {"code": codes[0], "recovery": "1"})

    assert second.status_code == 400
    assert again.get(reverse("home")).status_code == 302
    assert StaticToken.objects.filter(device__user=volunteer).count() == 9


def test_a_code_used_once_is_not_taken_again(volunteer: User) -> None:
    device, _codes = with_two_factor(volunteer)
    code = code_for(device, ahead=1)
    first = password_login(volunteer)
    assert first.post(reverse("two-factor-verify"), {"code": code}).status_code == 302

    second = password_login(volunteer)

    assert second.post(reverse("two-factor-verify"), {"code": code}).status_code == 400
    assert second.get(reverse("home")).status_code == 302


def test_wrong_codes_lock_the_code_step(volunteer: User, settings: Any, no_backoff: None) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    device, _codes = with_two_factor(volunteer)
    client = password_login(volunteer)
    for _attempt in range(3):
        client.post(reverse("two-factor-verify"), {"code": wrong_code(device)})
    device.refresh_from_db()
    last_t = device.last_t

    locked = client.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})

    assert locked.status_code == 429
    assert "refused for 15 minutes" in locked.content.decode()
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.last_t == last_t  # the right code was not even checked
    assert AuditEvent.objects.filter(actor=volunteer, detail__two_factor="wrong_code").count() == 3
    # The wrong codes count as failed logins: the password is refused for now as well.
    again = Client().post(reverse("login"), {"username": volunteer.username, "password": PASSWORD})
    assert again.status_code == 200


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(
    volunteer: User, settings: Any, no_backoff: None
) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    device, _codes = with_two_factor(volunteer)
    first = password_login(volunteer)
    for _attempt in range(2):
        first.post(reverse("two-factor-verify"), {"code": wrong_code(device)})
    second = password_login(volunteer)  # resets the password's count, not the codes'
    second.post(reverse("two-factor-verify"), {"code": wrong_code(device)})

    locked = second.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})

    assert locked.status_code == 429
    assert second.get(reverse("home")).status_code == 302


def test_the_device_backs_off_after_a_wrong_code(volunteer: User, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a minute's wait, however slow the machine
    device, _codes = with_two_factor(volunteer)
    client = password_login(volunteer)
    client.post(reverse("two-factor-verify"), {"code": wrong_code(device)})

    at_once = client.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})

    assert at_once.status_code == 400
    assert "wait a few seconds" in at_once.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_foreign_next_address_is_not_followed(volunteer: User) -> None:
    device, _codes = with_two_factor(volunteer)
    client = password_login(volunteer)

    answer = client.post(
        reverse("two-factor-verify"),
        {"code": code_for(device, ahead=1), "next": "https://evil.example/"},
    )

    assert answer["Location"] == "/"


# --------------------------------------------------------------------------- required roles


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_required_role_without_a_device_is_sent_to_the_set_up(tenant: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users[Role.COORDINATOR])

    refused = client.get(reverse("department-list"))

    assert refused.status_code == 302 and refused["Location"] == reverse("two-factor")
    page = client.get(reverse("two-factor"))
    assert page.status_code == 200
    assert "required" in page.content.decode()
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_an_admin_without_a_device_is_sent_to_the_set_up(db: None) -> None:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    assert client.get(reverse("home"))["Location"] == reverse("two-factor")


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_other_roles_are_not_required(tenant: Any) -> None:
    for role in (Role.CASEWORKER, Role.VOLUNTEER, Role.NETWORK_LEAD):
        client = Client()
        client.force_login(tenant.users[role])
        assert client.get(reverse("home")).status_code == 200, role


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_a_required_role_with_a_device_is_asked_for_the_code(tenant: Any) -> None:
    coordinator = tenant.users[Role.COORDINATOR]
    device, _codes = with_two_factor(coordinator)
    client = password_login(coordinator)

    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-verify"))
    # The account's own pages wait for the code too (no new recovery codes past it).
    assert client.get(reverse("two-factor"))["Location"].startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})
    assert client.get(reverse("home")).status_code == 200


# --------------------------------------------------------------------------- managing


def verified_client(user: User, device: TOTPDevice) -> Client:
    client = password_login(user)
    assert client.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})[
        "Location"
    ]
    return client


def test_new_recovery_codes_replace_the_old_ones(volunteer: User) -> None:
    device, old = with_two_factor(volunteer)
    client = verified_client(volunteer, device)

    asked = client.get(reverse("two-factor-recovery-codes"))
    assert asked.status_code == 200
    assert StaticToken.objects.filter(
        token=two_factor.recovery_code_hash(two_factor.normalise_code(old[0]))
    ).exists()

    response = client.post(reverse("two-factor-recovery-codes"))

    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    hashes = set(StaticToken.objects.values_list("token", flat=True))
    assert hashes == {two_factor.recovery_code_hash(two_factor.normalise_code(c)) for c in new}
    assert AuditEvent.objects.filter(
        actor=volunteer, action=AuditEvent.Action.UPDATE, object_type="otp_static.staticdevice"
    ).exists()


def test_an_unverified_session_cannot_make_recovery_codes(volunteer: User) -> None:
    _device, _codes = with_two_factor(volunteer)
    before = set(StaticToken.objects.values_list("token", flat=True))
    client = password_login(volunteer)

    response = client.post(reverse("two-factor-recovery-codes"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert set(StaticToken.objects.values_list("token", flat=True)) == before


def test_switching_off_needs_a_code_and_the_confirmation(volunteer: User, no_backoff: None) -> None:
    device, codes = with_two_factor(volunteer)
    client = verified_client(volunteer, device)
    url = reverse("two-factor-disable")

    unconfirmed = client.post(url, {"code": codes[0]})
    wrong = client.post(url, {"code": wrong_code(device), "confirm": "on"})

    assert unconfirmed.status_code == 200 and wrong.status_code == 200
    assert TOTPDevice.objects.filter(user=volunteer, confirmed=True).exists()
    assert StaticToken.objects.filter(device__user=volunteer).count() == 10
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()

    # The app's code of this half-minute was used for the login: a recovery code then.
    done = client.post(url, {"code": codes[0], "confirm": "on"})

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=volunteer).exists()
    assert not StaticDevice.objects.filter(user=volunteer).exists()
    assert AuditEvent.objects.filter(
        actor=volunteer, action=AuditEvent.Action.DELETE, object_type="otp_totp.totpdevice"
    ).exists()
    assert password_login(volunteer).get(reverse("home")).status_code == 200


def test_the_reset_command_removes_a_lost_device(volunteer: User) -> None:
    with_two_factor(volunteer)

    call_command("two_factor_reset", volunteer.username, stdout=StringIO())

    assert not two_factor.has_two_factor(volunteer)
    assert AuditEvent.objects.filter(
        actor=None, action=AuditEvent.Action.DELETE, object_type="otp_totp.totpdevice"
    ).exists()


# --------------------------------------------------------------------------- admin


def _admin_request(user: User, *, verified: bool) -> Any:
    request = RequestFactory().get("/admin/")
    user.is_verified = lambda: verified  # type: ignore[attr-defined]
    request.user = user
    return request


def test_the_admin_refuses_a_superuser_with_a_device_until_verified(db: None) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    device, _codes = with_two_factor(root)

    assert not admin.site.has_permission(_admin_request(root, verified=False))
    assert admin.site.has_permission(_admin_request(root, verified=True))

    client = password_login(root)
    refused = client.get("/admin/core/center/")
    assert refused["Location"].startswith(reverse("two-factor-verify"))
    client.post(reverse("two-factor-verify"), {"code": code_for(device, ahead=1)})
    assert client.get("/admin/core/center/").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_the_admin_needs_the_second_factor_when_required(db: None) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    assert not admin.site.has_permission(_admin_request(root, verified=False))


def test_the_admin_never_shows_a_totp_secret(db: None) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    device, _codes = with_two_factor(root)
    client = verified_client(root, device)

    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html
    assert two_factor.secret_text(device).replace(" ", "") not in html


def test_the_pages_speak_english_when_asked(volunteer: User) -> None:
    with translation.override("en"):
        _device, _codes = with_two_factor(volunteer)
        html = password_login(volunteer).get(reverse("two-factor-verify")).content.decode()
    assert "Enter your code" in html
