"""The volunteer's own message settings: channels, quiet hours for SMS and language, set on
their self-service page; bad input names every field at once and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEvent
from tests.conftest import Tenant
from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def volunteer(tenant: Tenant) -> Volunteer:
    return VolunteerFactory(
        center=tenant.center, user=tenant.users["volunteer"], phone="+4915112345678"
    )


def _state(volunteer: Volunteer) -> tuple[str, dt.time, dt.time, str]:
    volunteer.refresh_from_db()
    return (volunteer.notify_by, volunteer.quiet_from, volunteer.quiet_until, volunteer.language)


def test_the_settings_are_stored_and_audited(volunteer: Volunteer) -> None:
    services.volunteer_message_preferences_set(
        actor=volunteer.user,
        volunteer=volunteer,
        notify_by="sms",
        quiet_from=dt.time(22, 30),
        quiet_until=dt.time(6, 0),
        language="en",
    )
    assert _state(volunteer) == ("sms", dt.time(22, 30), dt.time(6, 0), "en")
    event = AuditEvent.objects.get(object_type="volunteers.volunteer", action="update")
    assert event.detail == {"fields": ["language", "notify_by", "quiet_from", "quiet_until"]}


def test_sms_needs_a_mobile_number(tenant: Tenant) -> None:
    volunteer = VolunteerFactory(center=tenant.center, phone="+4960311234567")
    before = _state(volunteer)
    with pytest.raises(ValidationError) as refused:
        services.volunteer_message_preferences_set(
            actor=None,
            volunteer=volunteer,
            notify_by="both",
            quiet_from=dt.time(21),
            quiet_until=dt.time(7),
        )
    assert set(refused.value.message_dict) == {"notify_by"}
    assert _state(volunteer) == before


def test_every_bad_field_is_named_at_once_and_nothing_changes(volunteer: Volunteer) -> None:
    before = _state(volunteer)
    with pytest.raises(ValidationError) as refused:
        services.volunteer_message_preferences_set(
            actor=None,
            volunteer=volunteer,
            notify_by="pigeon",
            quiet_from="late",
            quiet_until=None,
            language="fr",
        )
    assert set(refused.value.message_dict) == {"notify_by", "quiet_from", "quiet_until", "language"}
    assert _state(volunteer) == before
    assert not AuditEvent.objects.filter(object_type="volunteers.volunteer").exists()


def test_an_anonymised_record_is_read_only(volunteer: Volunteer) -> None:
    Volunteer.objects.filter(pk=volunteer.pk).update(anonymised_at=timezone.now())
    volunteer.refresh_from_db()
    with pytest.raises(ValidationError):
        services.volunteer_message_preferences_set(
            actor=None,
            volunteer=volunteer,
            notify_by="email",
            quiet_from=dt.time(21),
            quiet_until=dt.time(7),
        )
    assert _state(volunteer)[0] == Volunteer.NotifyBy.BOTH


# --- the page -------------------------------------------------------------------------------


def _client(volunteer: Volunteer) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(volunteer.user)
    return client


def test_the_overview_shows_the_settings_and_links_to_the_form(volunteer: Volunteer) -> None:
    html = _client(volunteer).get(reverse("my-volunteer")).content.decode()
    assert "How I get messages" in html and reverse("my-messages") in html
    assert "from 21:00 to 07:00" in html


def test_the_volunteer_changes_their_settings_on_the_page(volunteer: Volunteer) -> None:
    response = _client(volunteer).post(
        reverse("my-messages"),
        {"notify_by": "email", "quiet_from": "20:00", "quiet_until": "08:00", "language": "en"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("my-volunteer")
    assert _state(volunteer) == ("email", dt.time(20), dt.time(8), "en")


def test_a_bad_submit_shows_every_error_and_changes_nothing(volunteer: Volunteer) -> None:
    before = _state(volunteer)
    response = _client(volunteer).post(
        reverse("my-messages"),
        {"notify_by": "pigeon", "quiet_from": "25:99", "quiet_until": "", "language": "de"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"notify_by", "quiet_from", "quiet_until"}
    assert _state(volunteer) == before


def test_someone_without_a_volunteer_record_gets_a_404(tenant: Tenant) -> None:
    client = Client()
    client.force_login(tenant.users["caseworker"])
    assert client.get(reverse("my-messages")).status_code == 404
