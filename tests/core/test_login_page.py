"""The login page, the first page every anonymous visitor sees, leads to the public
registration."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, label",
    [
        ("en", "Register as a volunteer"),
        ("de", "Als Ehrenamtliche/r registrieren"),
    ],
)
def test_the_login_page_links_to_the_registration(language, label):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("login")).content.decode()
    assert f'href="{reverse("volunteer-register-choose")}"' in page
    assert label in page


def test_an_anonymous_visitor_lands_on_the_login_page_with_the_link():
    response = Client().get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert reverse("volunteer-register-choose") in response.content.decode()
