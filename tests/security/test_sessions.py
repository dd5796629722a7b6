"""Sessions: a new one at every login, over after 30 minutes without a request and 12 hours
after the login at most, and gone from the server at logout (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.middleware import LOGIN_AT_SESSION_KEY

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``clock(minutes=…, hours=…)``: move Django's clock that far ahead of the real one."""
    real_now = timezone.now
    offset = [dt.timedelta()]
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset[0])

    def move(**delta: float) -> None:
        offset[0] = dt.timedelta(**delta)

    return move


def store() -> type:
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    """A client logged in through the login form."""
    client = Client(headers={"accept-language": "en"})
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


def is_logged_in(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 200


def test_the_login_starts_a_new_session(tenant):
    client = Client()
    before = store()()
    before["language_hint"] = "de"
    before.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key

    response = client.post(
        reverse("login"),
        {"username": tenant.users["coordinator"].username, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert session_key(client) != before.session_key
    assert not store()().exists(before.session_key)


def test_a_session_lasts_30_minutes_from_the_last_request(tenant):
    client = logged_in(tenant.users["coordinator"])

    client.get(reverse("home"))

    session = store()(session_key=session_key(client))
    assert session.get_expiry_age() == 30 * 60
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_every_request_renews_the_idle_time(tenant, clock):
    client = logged_in(tenant.users["coordinator"])

    for minutes in (25, 50, 75, 100):
        clock(minutes=minutes)
        assert is_logged_in(client), f"logged out after {minutes} minutes of activity"


def test_the_session_is_renewed_at_most_once_a_minute(tenant, clock):
    from django.contrib.sessions.models import Session

    client = logged_in(tenant.users["coordinator"])

    def stored_expiry() -> dt.datetime:
        return Session.objects.get(session_key=session_key(client)).expire_date

    at_login = stored_expiry()
    clock(seconds=30)
    assert is_logged_in(client)
    assert stored_expiry() == at_login
    clock(seconds=90)
    assert is_logged_in(client)
    assert stored_expiry() - at_login >= dt.timedelta(seconds=89)


def test_after_30_minutes_without_a_request_the_session_is_over(tenant, clock):
    client = logged_in(tenant.users["coordinator"])
    clock(minutes=10)
    assert is_logged_in(client)

    clock(minutes=41)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_login_ends_12_hours_after_it_began(tenant, clock):
    client = logged_in(tenant.users["coordinator"])
    key = session_key(client)
    for minutes in range(25, 12 * 60, 25):
        clock(minutes=minutes)
        # The lightest request there is keeps the session busy.
        assert client.get(reverse("api-me")).status_code == 200, f"over after {minutes} min"

    clock(hours=12)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not store()().exists(key)


def test_the_login_page_says_why_after_12_hours(tenant, clock, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # this test is about the 12 hours alone
    client = logged_in(tenant.users["coordinator"])
    clock(hours=11, minutes=59)
    assert is_logged_in(client)
    clock(hours=12)

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "a login lasts at most 12 hours" in response.content.decode()


def test_the_api_refuses_a_session_older_than_12_hours(tenant, clock, settings):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # this test is about the 12 hours alone
    client = logged_in(tenant.users["coordinator"])
    assert client.get(reverse("api-me")).status_code == 200

    clock(hours=12, minutes=1)

    assert client.get(reverse("api-me")).status_code in {401, 403}


def test_a_session_without_the_login_time_is_over(tenant):
    client = logged_in(tenant.users["coordinator"])
    session = store()(session_key=session_key(client))
    del session[LOGIN_AT_SESSION_KEY]
    session.save()

    assert not is_logged_in(client)


def test_logout_ends_the_session_on_the_server(tenant):
    client = logged_in(tenant.users["coordinator"])
    old_key = session_key(client)

    client.post(reverse("logout"))

    assert not store()().exists(old_key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert replay.get(reverse("api-me")).status_code in {401, 403}


def session_settings(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "VAR_DIR": str(tmp_path), **environment}
    )
    code = (
        "from django.conf import settings;"
        "print(settings.SESSION_COOKIE_AGE, settings.SESSION_MAX_HOURS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_session_limits_come_from_the_environment(tmp_path):
    default = session_settings(tmp_path)
    changed = session_settings(tmp_path, SESSION_IDLE_MINUTES="15", SESSION_MAX_HOURS="8")

    assert default.stdout.split() == ["1800", "12"]
    assert changed.stdout.split() == ["900", "8"]


def test_a_session_limit_below_one_is_refused(tmp_path):
    result = session_settings(tmp_path, SESSION_IDLE_MINUTES="0")

    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES: expected at least 1" in result.stderr
