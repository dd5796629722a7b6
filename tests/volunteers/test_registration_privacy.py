"""Registration tells nobody who is registered: a taken e-mail address or user name gets the
same answer as a new registration (the mail to the address says the rest), on the API and
the web form; the confirmation link carries the record's id only, never the address."""

from __future__ import annotations

import base64
import contextlib
import re

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from core.models import User
from tests.factories import UserFactory
from volunteers import services
from volunteers.models import Volunteer

from .factories import VolunteerFactory
from .test_api import REGISTER, payload
from .test_views import form_data, register_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def town(tenant):
    tenant.place.kind = "town"
    tenant.place.save()
    return tenant.place


def api_answer(tenant, **overrides):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        REGISTER, payload(tenant, **overrides), format="json"
    )
    return response.status_code, response.json()


def test_the_api_answers_a_taken_address_like_a_new_registration(
    tenant, town, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = api_answer(tenant)
        again = api_answer(tenant, email="OLENA@example.org", username="olena2")
    assert first == again
    assert Volunteer.objects.count() == 1
    assert not User.objects.filter(username="olena2").exists()
    notice = mailoutbox[-1]
    assert notice.to == ["olena@example.org"] and "already registered" in notice.body


def test_the_api_answers_a_taken_user_name_like_a_new_registration(
    tenant, town, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="olena")
    with django_capture_on_commit_callbacks(execute=True):
        taken = api_answer(tenant)
        fresh = api_answer(tenant, email="new@example.org", username="olena-new")
    assert taken == fresh
    assert list(Volunteer.objects.values_list("email", flat=True)) == ["new@example.org"]
    [notice] = [mail for mail in mailoutbox if mail.to == ["olena@example.org"]]
    assert "user name you chose is already taken" in notice.body


def test_the_web_form_answers_a_taken_address_like_a_new_registration(tenant, town):
    first = Client().post(register_url(tenant), form_data(tenant))
    second = Client(REMOTE_ADDR="10.2.2.2").post(
        register_url(tenant), form_data(tenant, username="someone-else")
    )
    assert (first.status_code, first.url) == (second.status_code, second.url)
    assert Volunteer.objects.count() == 1


def test_other_field_errors_are_still_reported(tenant, town):
    VolunteerFactory(center=tenant.center, email="olena@example.org")
    status, body = api_answer(tenant, phone="12")
    assert status == 400 and set(body) == {"phone"}


def test_the_confirmation_link_carries_the_id_but_not_the_address(tenant):
    volunteer = VolunteerFactory(
        center=tenant.center, email="geheim@example.org", status="registered"
    )
    token = services.confirmation_token(volunteer)
    assert token.split(":")[0] == str(volunteer.pk)
    readable = token
    for part in token.split(":"):
        with contextlib.suppress(ValueError):
            readable += base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode("latin-1")
    assert "geheim" not in readable.lower()
    url_in_mail = services.confirmation_url(volunteer)
    assert "geheim" not in url_in_mail and re.search(
        rf"/register/confirm/{volunteer.pk}:", url_in_mail
    )
    confirmed, changed = services.volunteer_confirm_email(token=token)
    assert changed and confirmed.status == "confirmed"


def test_an_old_style_link_with_the_address_no_longer_works(tenant):
    from django.core import signing

    volunteer = VolunteerFactory(center=tenant.center, status="registered")
    old = signing.dumps({"v": volunteer.pk, "e": volunteer.email}, salt=services.CONFIRM_SALT)
    with pytest.raises(Exception) as exc:
        services.volunteer_confirm_email(token=old)
    assert getattr(exc.value, "code", None) == "invalid"


@pytest.mark.parametrize("token", ["²:abc:def", "٣:abc:def", "99999999999999999999:a:b", ""])
def test_a_link_with_odd_digits_is_invalid_not_a_server_error(db, token):
    with pytest.raises(Exception) as exc:
        services.read_confirmation_token(token)
    assert getattr(exc.value, "code", None) == "invalid"


@pytest.mark.parametrize("center", ["²", "①"])
def test_a_center_given_in_odd_digits_is_a_field_error(tenant, town, center):
    status, body = api_answer(tenant, center=center)
    assert status == 400 and "center" in body
