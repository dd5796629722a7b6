"""Web pages: public registration with double opt-in, coordinators' registry and the
volunteer's own pages, in German and English, scoped by center and role."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, User
from volunteers import services
from volunteers.models import LanguageSkill, PoliceCertificate, Volunteer
from volunteers.privacy import PRIVACY_NOTICE_VERSION

from .factories import PledgeSignatureFactory, PoliceCertificateFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def client_for(user: User | None = None, language: str = "de") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def town(tenant):
    tenant.place.kind = "town"
    tenant.place.save()
    return tenant.place


def form_data(tenant, **overrides):
    data = {
        "first_name": "Samira",
        "last_name": "Haidari",
        "email": "samira@example.org",
        "phone": "0151 23456789",
        "place": str(tenant.place.pk),
        "postcode": "",
        "interests": ["interpreting"],
        "username": "samira",
        "password": "Sommer-Wind-2026",
        "password_again": "Sommer-Wind-2026",
        "privacy_consent": "on",
        "privacy_version": PRIVACY_NOTICE_VERSION,
        "lang-TOTAL_FORMS": "2",
        "lang-INITIAL_FORMS": "0",
        "lang-0-language": "fa",
        "lang-0-level": "native",
        "lang-1-language": "de",
        "lang-1-level": "B2",
        "slot-TOTAL_FORMS": "2",
        "slot-INITIAL_FORMS": "0",
        "slot-0-weekday": "1",
        "slot-0-start": "09:00",
        "slot-0-end": "12:00",
        "slot-1-weekday": "",
        "slot-1-start": "",
        "slot-1-end": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register_url(tenant) -> str:
    return reverse("volunteer-register", args=[tenant.center.slug])


# --------------------------------------------------------------------------- registration


@pytest.mark.parametrize(
    "language, heading",
    [("de", "Als Ehrenamtliche"), ("en", "Register as a volunteer")],
)
def test_registration_page_in_german_and_english(tenant, town, language, heading):
    page = client_for(language=language).get(register_url(tenant))
    assert page.status_code == 200
    assert heading in page.content.decode()


def test_center_chooser_lists_every_center(tenant, other_tenant):
    page = client_for().get(reverse("volunteer-register-choose")).content.decode()
    assert register_url(tenant) in page and register_url(other_tenant) in page


def test_chooser_goes_straight_to_the_only_center(tenant):
    response = client_for().get(reverse("volunteer-register-choose"))
    assert response.status_code == 302 and response["Location"] == register_url(tenant)


def test_registration_form_registers_and_sends_the_link(
    tenant, town, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for().post(register_url(tenant), form_data(tenant))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(email="samira@example.org")
    assert volunteer.status == "registered" and volunteer.phone == "+4915123456789"
    assert set(volunteer.languages.values_list("language_id", flat=True)) == {"fa", "de"}
    assert volunteer.weekly_slots.count() == 1
    assert mailoutbox and volunteer.first_name in mailoutbox[0].body


@pytest.mark.parametrize("language", ["en", "de"])
def test_registration_keeps_the_language_the_form_was_used_in(tenant, town, language):
    response = client_for(language=language).post(register_url(tenant), form_data(tenant))
    assert response.status_code == 302
    assert Volunteer.objects.get(email="samira@example.org").language == language


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"phone": "0151 2"}, "gültige Telefonnummer"),
        ({"privacy_consent": None}, "Datenschutz"),
        ({"email": "kein-at"}, "E-Mail-Adresse"),
        ({"first_name": "N" * 100_000}, "höchstens"),
        ({"slot-0-end": "08:00"}, "nach dem Beginn"),
        ({"lang-0-level": ""}, "Niveau"),
        ({"password_again": "anders"}, "Passwörter"),
    ],
)
def test_bad_registration_form_shows_the_error_and_stores_nothing(tenant, town, overrides, message):
    response = client_for().post(register_url(tenant), form_data(tenant, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Volunteer.objects.exists()
    assert not User.objects.filter(username="samira").exists()


def test_registration_errors_are_tied_to_their_inputs_for_screen_readers(tenant, town):
    import re

    data = form_data(tenant, email="kein-at", first_name="")

    html = client_for().post(register_url(tenant), data).content.decode()

    described = {
        ref for refs in re.findall(r'aria-describedby="([^"]*)"', html) for ref in refs.split()
    }
    error_lists = set(re.findall(r'<ul class="errorlist" id="([^"]+)"', html))
    assert error_lists >= {"id_email_error", "id_first_name_error"}
    assert error_lists <= described
    assert described <= set(re.findall(r'\bid="([^"]+)"', html))


def test_registration_form_is_throttled(tenant, town, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"register": "1/hour"},
    }
    client = client_for()
    assert client.post(register_url(tenant), form_data(tenant)).status_code == 302
    second = client.post(
        register_url(tenant), form_data(tenant, email="b@example.org", username="b")
    )
    assert second.status_code == 429
    assert Volunteer.objects.count() == 1


def test_privacy_page_shows_the_version(db):
    page = client_for().get(reverse("privacy-notice")).content.decode()
    assert PRIVACY_NOTICE_VERSION in page


# --------------------------------------------------------------------------- double opt-in


@pytest.fixture
def pending(tenant):
    return VolunteerFactory(center=tenant.center, status="registered")


def test_confirmation_link_asks_then_confirms(pending):
    url = reverse("volunteer-register-confirm", args=[services.confirmation_token(pending)])
    client = client_for()
    assert client.get(url).status_code == 200
    pending.refresh_from_db()
    assert pending.status == "registered"
    response = client.post(url)
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == "confirmed" and pending.confirmed_via == "email"


def test_tampered_link_shows_a_friendly_error(pending):
    token = services.confirmation_token(pending)
    url = reverse("volunteer-register-confirm", args=[token + "x"])
    response = client_for().post(url)
    assert response.status_code == 400
    assert "nicht gültig" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "registered"


def test_expired_link_shows_a_friendly_error(pending, monkeypatch):
    url = reverse("volunteer-register-confirm", args=[services.confirmation_token(pending)])
    monkeypatch.setattr(services.registration, "CONFIRM_MAX_AGE", dt.timedelta(seconds=-1))
    response = client_for(language="en").post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "registered"


# --------------------------------------------------------------------------- coordinators


def test_coordinator_list_shows_own_center_only(tenant, other_tenant):
    VolunteerFactory(center=tenant.center, last_name="Eigenmann")
    VolunteerFactory(center=other_tenant.center, last_name="Fremdling")
    page = client_for(tenant.users["coordinator"]).get(reverse("volunteer-list")).content.decode()
    assert "Eigenmann" in page and "Fremdling" not in page


def test_list_search_and_empty_state(tenant):
    VolunteerFactory(center=tenant.center, last_name="Eigenmann")
    client = client_for(tenant.users["coordinator"], language="en")
    page = client.get(reverse("volunteer-list"), {"q": "zzz"}).content.decode()
    assert "No volunteer matches your search." in page
    assert "Eigenmann" in client.get(reverse("volunteer-list"), {"q": "eigen"}).content.decode()


def test_list_names_languages_and_levels_instead_of_codes(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    LanguageSkill.objects.create(volunteer=volunteer, language_id="ar", level="native")
    LanguageSkill.objects.create(volunteer=volunteer, language_id="de", level="B2")
    page = client_for(tenant.users["coordinator"]).get(reverse("volunteer-list")).content.decode()
    assert "Arabisch (Hocharabisch): Muttersprache" in page and "Deutsch: B2" in page
    assert "ar native" not in page


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_other_roles_may_not_open_the_registry(tenant, role):
    client = client_for(tenant.users[role])
    for name in ("volunteer-list", "volunteer-approvals", "volunteer-paperwork"):
        assert client.get(reverse(name)).status_code == 403


DETAIL_PAGES = [
    ("get", "volunteer-detail", ()),
    ("get", "volunteer-edit", ()),
    ("get", "volunteer-languages", ()),
    ("get", "volunteer-availability", ()),
    ("get", "volunteer-absences", ()),
    ("get", "volunteer-certificate-add", ()),
    ("get", "volunteer-export", ()),
    ("get", "volunteer-delete", ()),
    ("post", "volunteer-transition", ("leave",)),
    ("post", "volunteer-resend", ()),
    ("post", "volunteer-delete", ()),
]


@pytest.mark.parametrize("method, name, extra", DETAIL_PAGES)
def test_coordinator_of_another_center_gets_404(tenant, other_tenant, method, name, extra):
    volunteer = VolunteerFactory(center=tenant.center)
    client = client_for(other_tenant.users["coordinator"])
    response = getattr(client, method)(reverse(name, args=[volunteer.pk, *extra]))
    assert response.status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.status == "active"


@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_other_roles_get_404_for_volunteer_pages(tenant, role):
    volunteer = VolunteerFactory(center=tenant.center)
    assert (
        client_for(tenant.users[role])
        .get(reverse("volunteer-detail", args=[volunteer.pk]))
        .status_code
        == 404
    )


def test_detail_page_shows_data_and_actions(tenant):
    volunteer = VolunteerFactory(center=tenant.center, status="confirmed", phone="+4915123456789")
    page = (
        client_for(tenant.users["coordinator"], language="en")
        .get(reverse("volunteer-detail", args=[volunteer.pk]))
        .content.decode()
    )
    assert volunteer.display_name in page and "01512 3456789" in page
    assert "Approve" in page and "Mark as left" in page


def test_approve_button_approves(tenant):
    volunteer = VolunteerFactory(center=tenant.center, status="confirmed")
    client = client_for(tenant.users["coordinator"])
    response = client.post(reverse("volunteer-transition", args=[volunteer.pk, "approve"]))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "approved"


def test_illegal_action_shows_a_message_and_changes_nothing(tenant):
    volunteer = VolunteerFactory(center=tenant.center, status="active")
    client = client_for(tenant.users["coordinator"], language="en")
    response = client.post(
        reverse("volunteer-transition", args=[volunteer.pk, "resume"]), follow=True
    )
    assert "Only paused volunteers can resume" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == "active"


def test_approval_queue_lists_confirmed_and_unconfirmed(tenant):
    VolunteerFactory(center=tenant.center, status="confirmed", last_name="Bestätigt")
    VolunteerFactory(center=tenant.center, status="registered", last_name="Offen")
    VolunteerFactory(center=tenant.center, status="active", last_name="Aktiv")
    page = (
        client_for(tenant.users["coordinator"]).get(reverse("volunteer-approvals")).content.decode()
    )
    assert "Bestätigt" in page and "Offen" in page and "Aktiv" not in page
    assert page.index("Bestätigt") < page.index("Offen")


def test_recording_a_certificate_through_the_form(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    today = timezone.localdate()
    response = client_for(tenant.users["coordinator"]).post(
        reverse("volunteer-certificate-add", args=[volunteer.pk]),
        {
            "kind": "extended",
            "issued_on": (today - dt.timedelta(days=20)).isoformat(),
            "seen_on": today.isoformat(),
            "listed_offence": "no",
        },
    )
    assert response.status_code == 302
    certificate = PoliceCertificate.objects.get(volunteer=volunteer)
    assert certificate.seen_by == tenant.users["coordinator"] and not certificate.listed_offence


def test_too_old_certificate_is_a_form_error(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    today = timezone.localdate()
    response = client_for(tenant.users["coordinator"], language="en").post(
        reverse("volunteer-certificate-add", args=[volunteer.pk]),
        {
            "kind": "standard",
            "issued_on": (today - dt.timedelta(days=200)).isoformat(),
            "seen_on": today.isoformat(),
            "listed_offence": "no",
        },
    )
    assert response.status_code == 200
    assert "more than three months old" in response.content.decode()
    assert not PoliceCertificate.objects.exists()


def test_paperwork_page_lists_missing_and_expiring(tenant):
    today = timezone.localdate()
    missing = VolunteerFactory(center=tenant.center, last_name="Ohnepapier")
    due = VolunteerFactory(center=tenant.center, last_name="Baldfällig")
    PledgeSignatureFactory(volunteer=due)
    PoliceCertificateFactory(
        volunteer=due, issued_on=today.replace(year=today.year - 5) + dt.timedelta(days=20)
    )
    fine = VolunteerFactory(center=tenant.center, last_name="Allesgut", interests=[])
    PledgeSignatureFactory(volunteer=fine)
    PoliceCertificateFactory(volunteer=fine, issued_on=today - dt.timedelta(days=30))
    page = (
        client_for(tenant.users["coordinator"]).get(reverse("volunteer-paperwork")).content.decode()
    )
    assert missing.last_name in page and due.last_name in page and fine.last_name not in page


def test_erasing_through_the_web_anonymises(tenant):
    volunteer = VolunteerFactory(center=tenant.center, last_name="Weg")
    response = client_for(tenant.users["coordinator"]).post(
        reverse("volunteer-delete", args=[volunteer.pk])
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "left" and volunteer.last_name != "Weg"


def test_languages_formset_saves_and_rejects_duplicates(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    client = client_for(tenant.users["coordinator"])
    url = reverse("volunteer-languages", args=[volunteer.pk])
    base = {"lang-TOTAL_FORMS": "2", "lang-INITIAL_FORMS": "0"}
    dup = client.post(
        url,
        {
            **base,
            "lang-0-language": "ar",
            "lang-0-level": "B1",
            "lang-1-language": "ar",
            "lang-1-level": "C1",
        },
    )
    assert dup.status_code == 200 and not volunteer.languages.exists()
    ok = client.post(
        url,
        {
            **base,
            "lang-0-language": "ar",
            "lang-0-level": "B1",
            "lang-1-language": "ti",
            "lang-1-level": "native",
        },
    )
    assert ok.status_code == 302
    stored = LanguageSkill.objects.filter(volunteer=volunteer)
    assert sorted(stored.values_list("language_id", "level")) == [("ar", "B1"), ("ti", "native")]


# --------------------------------------------------------------------------- self-service


@pytest.fixture
def me(tenant):
    return VolunteerFactory(
        center=tenant.center, user=tenant.users["volunteer"], phone="+4915123456789"
    )


def test_my_page_shows_own_data(me, tenant):
    page = client_for(tenant.users["volunteer"]).get(reverse("my-volunteer")).content.decode()
    assert me.email in page and "01512 3456789" in page


def test_pending_registrant_sees_the_pending_state(tenant, town):
    services.volunteer_register(
        center=tenant.center,
        first_name="Pia",
        last_name="Neu",
        email="pia@example.org",
        phone="0151 99999999",
        place=town.pk,
        languages=[("de", "native")],
        interests=[],
        availability=[],
        privacy_consent=True,
        privacy_version=PRIVACY_NOTICE_VERSION,
        username="pia",
        password="Sommer-Wind-2026",
    )
    client = client_for(language="en")
    assert client.login(username="pia", password="Sommer-Wind-2026")
    page = client.get(reverse("my-volunteer")).content.decode()
    assert "Please confirm your e-mail address" in page


def test_user_without_volunteer_record_gets_404_on_my_pages(tenant):
    assert client_for(tenant.users["caseworker"]).get(reverse("my-volunteer")).status_code == 404


def test_my_contact_rejects_a_bad_phone(me, tenant):
    client = client_for(tenant.users["volunteer"])
    response = client.post(
        reverse("my-contact"),
        {
            "first_name": me.first_name,
            "last_name": me.last_name,
            "email": me.email,
            "phone": "12",
            "place": "",
            "postcode": "61169",
        },
    )
    assert response.status_code == 200 and "gültige Telefonnummer" in response.content.decode()
    me.refresh_from_db()
    assert me.phone == "+4915123456789"


def test_my_availability_rejects_overlaps(me, tenant):
    response = client_for(tenant.users["volunteer"]).post(
        reverse("my-availability"),
        {
            "slot-TOTAL_FORMS": "2",
            "slot-INITIAL_FORMS": "0",
            "slot-0-weekday": "0",
            "slot-0-start": "09:00",
            "slot-0-end": "12:00",
            "slot-1-weekday": "0",
            "slot-1-start": "11:00",
            "slot-1-end": "13:00",
        },
    )
    assert response.status_code == 200 and "überschneiden" in response.content.decode()
    assert not me.weekly_slots.exists()


def test_my_absences_add_and_remove(me, tenant):
    client = client_for(tenant.users["volunteer"])
    bad = client.post(
        reverse("my-absences"),
        {"start_date": "2026-12-10", "end_date": "2026-12-01", "reason": "holiday"},
    )
    assert bad.status_code == 200 and not me.absences.exists()
    client.post(
        reverse("my-absences"),
        {"start_date": "2026-12-01", "end_date": "2026-12-10", "reason": "holiday"},
    )
    absence = me.absences.get()
    client.post(reverse("my-absence-delete", args=[absence.pk]))
    assert not me.absences.exists()


def test_cannot_remove_someone_elses_absence(me, tenant):
    other = VolunteerFactory(center=tenant.center)
    absence = other.absences.create(start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 2))
    response = client_for(tenant.users["volunteer"]).post(
        reverse("my-absence-delete", args=[absence.pk])
    )
    assert response.status_code == 404 and other.absences.exists()


def test_pause_and_resume_self(me, tenant):
    client = client_for(tenant.users["volunteer"])
    client.post(reverse("my-pause"))
    me.refresh_from_db()
    assert me.status == "paused"
    client.post(reverse("my-resume"))
    me.refresh_from_db()
    assert me.status == "active"


def test_my_data_download_is_json_and_audited(me, tenant):
    response = client_for(tenant.users["volunteer"]).get(reverse("my-data"), {"format": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == me.email and data["id"] == me.pk
    assert AuditEvent.objects.filter(
        action="export", object_id=str(me.pk), actor=tenant.users["volunteer"]
    ).exists()


def test_my_data_page_in_english(me, tenant):
    page = (
        client_for(tenant.users["volunteer"], language="en")
        .get(reverse("my-data"))
        .content.decode()
    )
    assert "Everything stored about me" in page and me.email in page


def test_navigation_offers_registry_links_to_coordinators(tenant):
    page = (
        client_for(tenant.users["coordinator"], language="en").get(reverse("home")).content.decode()
    )
    assert reverse("volunteer-list") in page and reverse("volunteer-paperwork") in page


def test_navigation_offers_my_data_to_volunteers(me, tenant):
    page = (
        client_for(tenant.users["volunteer"], language="en").get(reverse("home")).content.decode()
    )
    assert reverse("my-volunteer") in page


def test_coordinator_creates_volunteer_through_the_form(tenant, town):
    client = client_for(tenant.users["coordinator"])
    response = client.post(
        reverse("volunteer-create"),
        {
            "center": tenant.center.pk,
            "first_name": "Jonas",
            "last_name": "Weber",
            "email": "jonas@example.org",
            "phone": "0151 23456780",
            "place": str(town.pk),
            "postcode": "",
            "interests": ["sponsorship"],
            "notes": "",
        },
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(email="jonas@example.org")
    assert volunteer.interests == ["sponsorship"] and volunteer.phone == "+4915123456780"


@pytest.mark.parametrize(
    "overrides",
    [
        {"lang-TOTAL_FORMS": None, "lang-INITIAL_FORMS": None},
        {"lang-TOTAL_FORMS": "100000"},
        {"slot-0-weekday": "abc"},
        {"place": "99999999999999999999"},
        {"interests": ["knitting"]},
        {"slot-0-start": "99:99"},
    ],
)
def test_garbage_registration_input_is_a_form_error_not_a_crash(tenant, town, overrides):
    response = client_for().post(register_url(tenant), form_data(tenant, **overrides))
    assert response.status_code == 200
    assert not Volunteer.objects.exists()
