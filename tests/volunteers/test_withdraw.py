"""A volunteer withdraws their privacy consent and has their data erased, themselves:
the service (:func:`volunteers.services.volunteer_withdraw_consent`) and the pages
``/my/withdraw/`` and ``/withdrawn/``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, Role, User
from tests.conftest import Tenant
from volunteers import services
from volunteers.models import Consent, Volunteer

from .factories import (
    ConsentFactory,
    LanguageSkillFactory,
    PledgeSignatureFactory,
    VolunteerFactory,
    WeeklySlotFactory,
)

pytestmark = pytest.mark.django_db

#: The password tests/factories.py gives every user.
PASSWORD = "secret-pass-123"
EARLIER = dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def me(tenant: Tenant) -> Volunteer:
    """The tenant's volunteer login with its record, a privacy consent, a language, a
    weekly time and a signed pledge."""
    volunteer = VolunteerFactory(
        center=tenant.center,
        user=tenant.users["volunteer"],
        first_name="Vera",
        last_name="Lind",
        phone="+4915123456789",
        home_place=tenant.place,
    )
    ConsentFactory(volunteer=volunteer)
    LanguageSkillFactory(volunteer=volunteer, language_id="ar")
    WeeklySlotFactory(volunteer=volunteer)
    PledgeSignatureFactory(volunteer=volunteer)
    return volunteer


def client_for(user: User | None = None, language: str = "de") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def withdraw(me: Volunteer) -> Volunteer:
    return services.volunteer_withdraw_consent(actor=me.user, volunteer=me)


# --------------------------------------------------------------------------- service


def test_withdraw_sets_withdrawn_at_on_every_open_consent(me):
    sharing = ConsentFactory(volunteer=me, kind=Consent.Kind.CONTACT_SHARING)
    withdraw(me)
    consents = Consent.objects.filter(volunteer=me)
    assert consents.count() == 2
    assert all(c.withdrawn_at is not None for c in consents)
    assert Consent.objects.get(pk=sharing.pk).withdrawn_at is not None


def test_withdraw_keeps_the_time_of_an_earlier_withdrawal(me):
    earlier = ConsentFactory(volunteer=me, version="2025-01", withdrawn_at=EARLIER)
    withdraw(me)
    assert Consent.objects.get(pk=earlier.pk).withdrawn_at == EARLIER


def test_withdrawn_consents_survive_as_non_personal_facts(me):
    consent = me.consents.get()
    withdraw(me)
    kept = Consent.objects.get(pk=consent.pk)
    assert (kept.kind, kept.version, kept.given_at) == (
        consent.kind,
        consent.version,
        consent.given_at,
    )
    assert kept.withdrawn_at is not None


def test_withdraw_anonymises_the_record_and_keeps_statistics(me, tenant):
    withdraw(me)
    me.refresh_from_db()
    assert services.is_anonymised(me)
    assert me.first_name != "Vera" and me.last_name != "Lind" and me.phone == ""
    assert me.status == Volunteer.Status.LEFT and me.user is None
    assert not me.weekly_slots.exists() and not me.pledges.exists()
    assert list(me.languages.values_list("language_id", flat=True)) == ["ar"]
    assert me.home_place == tenant.place


def test_withdraw_closes_the_login(me):
    user = me.user
    withdraw(me)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not user.memberships.filter(role=Role.VOLUNTEER).exists()


def test_withdraw_is_audited_before_the_erasure_without_personal_values(me):
    user = me.user
    consent = me.consents.get()
    withdraw(me)
    events = list(
        AuditEvent.objects.filter(object_type="volunteers.volunteer", object_id=str(me.pk))
        .filter(action__in=[AuditEvent.Action.UPDATE, AuditEvent.Action.DELETE])
        .order_by("pk")
    )
    assert [e.action for e in events] == ["update", "delete"]
    assert all(e.actor == user for e in events)
    assert events[0].detail["consents"] == [consent.pk]
    assert events[0].detail["kinds"] == ["privacy"]
    text = repr([e.detail for e in events])
    assert "Vera" not in text and "Lind" not in text and "4915123456789" not in text


def test_a_second_withdrawal_is_refused_and_changes_nothing(me):
    withdraw(me)
    me.refresh_from_db()
    stamp = me.consents.get().withdrawn_at
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.volunteer_withdraw_consent(actor=None, volunteer=me)
    assert caught.value.code == "anonymised"
    assert me.consents.get().withdrawn_at == stamp
    assert AuditEvent.objects.count() == events


def test_withdrawal_is_undone_when_the_erasure_fails(me):
    # A stored value full_clean() rejects makes volunteer_anonymise fail half-way.
    Volunteer.objects.filter(pk=me.pk).update(confirmed_via="pigeon")
    with pytest.raises(ValidationError):
        withdraw(me)
    me.refresh_from_db()
    assert me.consents.get().withdrawn_at is None
    assert me.first_name == "Vera" and me.user is not None
    assert not AuditEvent.objects.filter(action="update", object_id=str(me.pk)).exists()


def test_coordinator_anonymising_still_deletes_consents_in_force(me, tenant):
    services.volunteer_anonymise(actor=tenant.users["coordinator"], volunteer=me)
    assert not Consent.objects.filter(volunteer=me).exists()


def test_a_login_with_another_role_stays_open(tenant):
    coordinator = tenant.users["coordinator"]
    volunteer = VolunteerFactory(center=tenant.center, user=coordinator)
    assert services.login_kept_on_anonymisation(volunteer)
    services.volunteer_withdraw_consent(actor=coordinator, volunteer=volunteer)
    coordinator.refresh_from_db()
    assert coordinator.is_active and coordinator.has_usable_password()


def test_a_volunteer_only_login_is_not_kept(me):
    assert not services.login_kept_on_anonymisation(me)


# --------------------------------------------------------------------------- pages

URL = "/my/withdraw/"


def test_the_urls_are_named():
    assert reverse("my-withdraw") == URL
    assert reverse("volunteer-withdrawn") == "/withdrawn/"


def test_page_explains_in_german_and_asks_for_the_tick(me, tenant):
    response = client_for(tenant.users["volunteer"]).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Einwilligung widerrufen und meine Daten löschen</h1>" in page
    assert "Das lässt sich nicht rückgängig machen." in page
    assert "Ihr Zugang wird geschlossen." in page
    assert 'type="checkbox" name="confirm"' in page and 'for="id_confirm"' in page
    assert 'class="danger"' in page


def test_page_in_english(me, tenant):
    page = client_for(tenant.users["volunteer"], language="en").get(URL).content.decode()
    assert "Withdraw consent and erase my data" in page
    assert "This cannot be undone." in page


def test_page_tells_a_login_with_another_role_that_it_stays_open(tenant):
    coordinator = tenant.users["coordinator"]
    VolunteerFactory(center=tenant.center, user=coordinator)
    page = client_for(coordinator, language="en").get(URL).content.decode()
    assert "it stays open for that role" in page
    assert "Your login will be closed." not in page


def test_anonymous_visitor_is_sent_to_the_login(tenant):
    response = client_for().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["coordinator", "caseworker"])
def test_user_without_volunteer_record_gets_404(tenant, role, method):
    response = getattr(client_for(tenant.users[role]), method)(URL, {"confirm": "on"})
    assert response.status_code == 404


def test_post_without_the_tick_is_refused_and_changes_nothing(me, tenant):
    client = client_for(tenant.users["volunteer"])
    events = AuditEvent.objects.count()  # after the login's own entry
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "Bitte setzen Sie zur Bestätigung das Häkchen." in response.content.decode()
    me.refresh_from_db()
    assert me.first_name == "Vera" and me.status == Volunteer.Status.ACTIVE
    assert me.consents.get().withdrawn_at is None
    assert AuditEvent.objects.count() == events


def test_post_without_csrf_token_is_refused(me, tenant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.users["volunteer"])
    assert client.post(URL, {"confirm": "on"}).status_code == 403
    me.refresh_from_db()
    assert me.consents.get().withdrawn_at is None


def test_post_with_the_tick_erases_logs_out_and_confirms(me, tenant):
    user = tenant.users["volunteer"]
    client = client_for()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.post(URL, {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("volunteer-withdrawn")
    assert "_auth_user_id" not in client.session
    me.refresh_from_db()
    assert services.is_anonymised(me) and me.consents.get().withdrawn_at is not None
    event = AuditEvent.objects.get(action="update", object_id=str(me.pk), actor=user)
    assert event.detail["kinds"] == ["privacy"]
    after = client.get(reverse("my-volunteer"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))


def test_a_login_with_another_role_is_logged_out_too(tenant):
    coordinator = tenant.users["coordinator"]
    VolunteerFactory(center=tenant.center, user=coordinator)
    client = client_for(coordinator)
    assert client.post(URL, {"confirm": "on"})["Location"] == reverse("volunteer-withdrawn")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_login_no_longer_works_after_withdrawing(me, tenant):
    user = tenant.users["volunteer"]
    client_for(user).post(URL, {"confirm": "on"})
    assert not client_for().login(username=user.username, password=PASSWORD)
    user.refresh_from_db()
    assert not client_for().login(username=user.username, password=PASSWORD)


def test_withdrawn_page_is_public(tenant):
    response = client_for().get(reverse("volunteer-withdrawn"))
    assert response.status_code == 200
    assert "Ihre Daten sind gelöscht" in response.content.decode()


def test_overview_links_to_the_withdrawal(me, tenant):
    page = client_for(tenant.users["volunteer"]).get(reverse("my-volunteer")).content.decode()
    assert f'href="{URL}"' in page


def test_privacy_notice_links_to_the_withdrawal(tenant):
    page = client_for().get(reverse("privacy-notice")).content.decode()
    assert f'href="{URL}"' in page
