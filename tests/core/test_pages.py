"""Login, logout, role landing pages, language selection, and the seeded demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, Center, Department, Language, Membership, Place, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    call_command("seed_demo", "--with-accounts", stdout=StringIO())


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Center, Department, Place, User, Membership, Language)
    }


def test_seed_demo_twice_gives_the_same_counts(demo):
    first = counts()
    call_command("seed_demo", "--with-accounts", stdout=StringIO())
    assert counts() == first
    assert first["Center"] == 2
    logins = set(User.objects.values_list("username", flat=True))
    assert {"coordinator", "caseworker", "volunteer", "coordinator2", "caseworker2"} <= logins


def test_seed_demo_without_debug_creates_no_logins(db):
    call_command("seed_demo", stdout=StringIO())
    assert Center.objects.count() == 2
    assert not User.objects.exists()


def test_seed_demo_has_real_towns_with_coordinates(demo):
    friedberg = Place.objects.get(center__slug="wetteraukreis", name="Friedberg (Hessen)")
    assert friedberg.postcode == "61169"
    assert 50.3 < friedberg.lat < 50.4 and 8.7 < friedberg.lon < 8.8
    assert Place.objects.filter(center__slug="hochtaunuskreis", city="Usingen").exists()


def test_login_page_logs_demo_coordinator_in_and_out(demo):
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(reverse("login"), {"username": "coordinator", "password": "demo"})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert "Clara Becker" in home.content.decode()
    assert AuditEvent.objects.filter(action="login", actor__username="coordinator").exists()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_error_and_stays_logged_out(demo):
    client = Client()
    response = client.post(reverse("login"), {"username": "coordinator", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("coordinator", "Koordination"),
        ("caseworker", "Dolmetschanfragen"),
        ("volunteer", "Mein Engagement"),
    ],
)
def test_landing_page_shows_the_role_section(demo, username, heading):
    client = Client()
    client.force_login(User.objects.get(username=username))
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert heading in html
    others = {"Koordination", "Dolmetschanfragen", "Mein Engagement"} - {heading}
    assert not any(other in html for other in others)


def test_page_is_german_by_default_and_english_on_request(demo, settings):
    settings.LANGUAGE_CODE = "de"  # the project's default (config/settings/base.py)
    client = Client()
    german = client.get(reverse("login")).content.decode()
    assert 'lang="de"' in german and "Anmelden" in german
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and "Log in" in english


def test_language_switcher_sets_english(demo):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_password_reset_sends_a_link(demo, mailoutbox):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "coordinator@demo.example"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_base_page_has_landmarks_and_skip_link(demo):
    html = Client().get(reverse("login")).content.decode()
    for marker in ('href="#main"', "<main", "<header", "<footer", 'name="viewport"'):
        assert marker in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]
