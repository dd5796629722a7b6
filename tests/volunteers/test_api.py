"""``/api/v1/volunteers/``: registration (throttled), scoping by role and center,
nested languages and availability, approval and anonymising deletion."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEvent, Membership, Role, User
from tests.factories import PlaceFactory, UserFactory
from volunteers.models import Volunteer
from volunteers.privacy import PRIVACY_NOTICE_VERSION

from .factories import LanguageSkillFactory, VolunteerFactory, WeeklySlotFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/volunteers/register/"
LIST = "/api/v1/volunteers/"


def detail(pk: int) -> str:
    return f"/api/v1/volunteers/{pk}/"


def payload(tenant, **overrides):
    data = {
        "center": tenant.center.slug,
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "email": "olena@example.org",
        "phone": "0151 23456789",
        "place": tenant.place.pk,
        "languages": [{"language": "uk", "level": "native"}, {"language": "de", "level": "B2"}],
        "interests": ["interpreting", "sponsorship"],
        "availability": [{"weekday": 0, "start": "09:00", "end": "12:00"}],
        "privacy_consent": True,
        "privacy_version": PRIVACY_NOTICE_VERSION,
        "username": "olena",
        "password": "Sommer-Wind-2026",
    }
    data.update(overrides)
    return data


@pytest.fixture
def town(tenant):
    tenant.place.kind = "town"
    tenant.place.save()
    return tenant.place


# --------------------------------------------------------------------------- registration


def test_anonymous_registration_creates_a_pending_volunteer(
    tenant, town, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(REGISTER, payload(tenant), format="json")
    assert response.status_code == 202, response.json()
    assert set(response.json()) == {"detail"}
    volunteer = Volunteer.objects.get(email="olena@example.org")
    assert volunteer.status == "registered" and volunteer.user.username == "olena"
    assert volunteer.phone == "+4915123456789"
    assert volunteer.consents.get().version == PRIVACY_NOTICE_VERSION
    assert len(mailoutbox) == 1


def test_registration_without_privacy_version_records_the_current_one(tenant, town):
    data = payload(tenant)
    del data["privacy_version"]
    response = APIClient().post(REGISTER, data, format="json")
    assert response.status_code == 202, response.json()
    volunteer = Volunteer.objects.get(email="olena@example.org")
    assert volunteer.consents.get().version == PRIVACY_NOTICE_VERSION


def test_registration_with_an_outdated_privacy_version_stores_nothing(tenant, town):
    response = APIClient().post(REGISTER, payload(tenant, privacy_version="1999-01"), format="json")
    assert response.status_code == 400
    assert "privacy_version" in response.json()
    assert not Volunteer.objects.filter(email="olena@example.org").exists()


def test_registration_reports_every_bad_field_at_once(tenant, town):
    bad = payload(
        tenant,
        email="not-an-address",
        phone="12",
        first_name="x" * 100_000,
        privacy_consent=False,
        languages=[{"language": "xx", "level": "B2"}],
    )
    response = APIClient().post(REGISTER, bad, format="json")
    assert response.status_code == 400
    assert {"email", "phone", "first_name", "privacy_consent", "languages"} <= set(response.json())
    assert not Volunteer.objects.exists()


def test_registration_accepts_the_center_id(tenant, town):
    response = APIClient().post(
        REGISTER, payload(tenant, center=str(tenant.center.pk)), format="json"
    )
    assert response.status_code == 202


def test_registration_keeps_the_callers_language_for_messages(tenant, town):
    body = payload(tenant)
    response = APIClient().post(REGISTER, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 202
    assert Volunteer.objects.get(email=body["email"]).language == "en"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"privacy_consent": False}, "privacy_consent"),
        ({"email": "no-at-sign"}, "email"),
        ({"phone": "0151"}, "phone"),
        ({"phone": "+49 30 12"}, "phone"),
        ({"first_name": "x" * 100_000}, "first_name"),
        ({"languages": [{"language": "klingon", "level": "B1"}]}, "languages"),
        ({"languages": [{"language": "ar", "level": "fluent"}]}, "languages"),
        ({"availability": [{"weekday": 0, "start": "12:00", "end": "09:00"}]}, "availability"),
        ({"availability": [{"weekday": 9, "start": "09:00", "end": "10:00"}]}, "availability"),
        ({"availability": [{"weekday": 0, "start": "25:00", "end": "26:00"}]}, "availability"),
        ({"center": "nowhere"}, "center"),
        ({"interests": ["knitting"]}, "interests"),
        ({"password": "1"}, "password"),
    ],
)
def test_bad_registration_is_a_field_error_and_stores_nothing(tenant, town, overrides, field):
    users = User.objects.count()
    response = APIClient().post(REGISTER, payload(tenant, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Volunteer.objects.exists()
    assert User.objects.count() == users


@pytest.mark.parametrize("body", ["{not json", "[]", '"text"'])
def test_garbage_registration_body_is_400(body):
    response = APIClient().post(REGISTER, body, content_type="application/json")
    assert response.status_code == 400


def test_registration_is_throttled_per_client_address(tenant, town, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "register": "2/hour",
        },
    }
    client = APIClient()
    statuses = [
        client.post(
            REGISTER, payload(tenant, email=f"p{i}@example.org", username=f"p{i}"), format="json"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]
    other_address = APIClient(REMOTE_ADDR="10.1.2.3")
    response = other_address.post(
        REGISTER, payload(tenant, email="q@example.org", username="q"), format="json"
    )
    assert response.status_code == 202
    assert Volunteer.objects.count() == 3


def test_registered_login_sees_only_its_own_pending_record(tenant, town):
    APIClient().post(REGISTER, payload(tenant), format="json")
    VolunteerFactory(center=tenant.center)
    client = APIClient()
    client.force_authenticate(User.objects.get(username="olena"))
    response = client.get(LIST)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["status"] for r in rows] == ["registered"] and response.json()["count"] == 1


# --------------------------------------------------------------------------- scoping


@pytest.fixture
def own(tenant):
    # A fixed last name: a random one (e.g. "Kraus") could match the searches below.
    volunteer = VolunteerFactory(
        center=tenant.center, user=tenant.users["volunteer"], first_name="Vera", last_name="Lind"
    )
    LanguageSkillFactory(volunteer=volunteer, language_id="ar", level="native")
    WeeklySlotFactory(volunteer=volunteer)
    return volunteer


@pytest.fixture
def foreign(other_tenant):
    return VolunteerFactory(center=other_tenant.center, user=other_tenant.users["volunteer"])


def test_coordinator_lists_volunteers_of_own_center_only(api_as, tenant, own, foreign):
    VolunteerFactory(center=tenant.center)
    response = api_as("coordinator").get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {r["center"] for r in body["results"]} == {tenant.center.pk}
    row = next(r for r in body["results"] if r["id"] == own.pk)
    assert row["languages"] == [{"language": "ar", "level": "native"}]
    assert row["availability"] == [{"weekday": 0, "start": "09:00", "end": "12:00"}]
    assert row["phone"].startswith("+49")
    assert set(row["paperwork"]) >= {"cleared_for_offers", "missing", "expiring"}


def test_volunteer_list_shows_exactly_self(api_as, tenant, own, foreign):
    VolunteerFactory(center=tenant.center)
    body = api_as("volunteer").get(LIST).json()
    assert body["count"] == 1 and body["results"][0]["id"] == own.pk


@pytest.mark.parametrize("role", ["caseworker", "network_lead"])
def test_other_roles_get_403_on_the_list(api_as, role, own):
    assert api_as(role).get(LIST).status_code == 403


@pytest.mark.parametrize("role", ["caseworker", "network_lead"])
def test_other_roles_get_404_on_objects(api_as, role, own):
    client = api_as(role)
    assert client.get(detail(own.pk)).status_code == 404
    assert client.patch(detail(own.pk), {"first_name": "X"}, format="json").status_code == 404
    assert client.delete(detail(own.pk)).status_code == 404
    assert client.post(detail(own.pk) + "approve/").status_code == 404
    own.refresh_from_db()
    assert (own.first_name, own.last_name, own.status) == ("Vera", "Lind", "active")
    assert own.anonymised_at is None


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_coordinator_of_another_center_gets_404(api_as, own, other_tenant, method):
    client = api_as("coordinator", of=other_tenant)
    response = getattr(client, method)(detail(own.pk), {"first_name": "X"}, format="json")
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.first_name == "Vera" and own.status == "active"


@pytest.mark.parametrize("suffix", ["approve/", "pause/", "leave/", "absences/"])
def test_foreign_actions_are_404(api_as, own, other_tenant, suffix):
    absences = own.absences.count()
    assert (
        api_as("coordinator", of=other_tenant)
        .post(detail(own.pk) + suffix, {}, format="json")
        .status_code
        == 404
    )
    own.refresh_from_db()
    assert own.status == "active" and own.absences.count() == absences


def test_volunteer_gets_404_for_another_volunteer(api_as, tenant, own):
    other = VolunteerFactory(center=tenant.center)
    client = api_as("volunteer")
    assert client.get(detail(other.pk)).status_code == 404
    assert (
        client.patch(detail(other.pk), {"phone": "0151 11111111"}, format="json").status_code == 404
    )


def test_search_and_filters(api_as, tenant, own):
    VolunteerFactory(center=tenant.center, first_name="Bernd", last_name="Krause", status="paused")
    client = api_as("coordinator")
    assert [r["first_name"] for r in client.get(LIST, {"q": "krau"}).json()["results"]] == ["Bernd"]
    assert [r["id"] for r in client.get(LIST, {"language": "ar"}).json()["results"]] == [own.pk]
    assert [r["first_name"] for r in client.get(LIST, {"status": "paused"}).json()["results"]] == [
        "Bernd"
    ]
    phone_hit = client.get(LIST, {"q": "0" + own.phone[3:7]}).json()["results"]
    assert own.pk in [r["id"] for r in phone_hit]


# --------------------------------------------------------------------------- writes


def test_coordinator_creates_a_volunteer(api_as, tenant, town):
    response = api_as("coordinator").post(
        LIST,
        {
            "first_name": "Hassan",
            "last_name": "Rahimi",
            "email": "hassan@example.org",
            "phone": "0176 98765432",
            "place": town.pk,
            "languages": [{"language": "prs", "level": "native"}],
            "availability": [{"weekday": 2, "start": "14:00", "end": "17:00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+4917698765432" and body["status"] == "registered"
    assert body["languages"] == [{"language": "prs", "level": "native"}]
    assert AuditEvent.objects.filter(action="create", object_id=str(body["id"])).exists()


@pytest.mark.parametrize("role", ["volunteer", "caseworker"])
def test_only_coordinators_create(api_as, role):
    before = Volunteer.objects.count()
    response = api_as(role).post(
        LIST, {"first_name": "A", "last_name": "B", "email": "a@example.org"}, format="json"
    )
    assert response.status_code == 403
    assert Volunteer.objects.count() == before
    assert not Volunteer.objects.filter(email="a@example.org").exists()


def test_volunteer_patches_own_contact_languages_and_availability(api_as, own):
    response = api_as("volunteer").patch(
        detail(own.pk),
        {
            "phone": "0160 5551234",
            "languages": [{"language": "ar", "level": "native"}, {"language": "de", "level": "C1"}],
            "availability": [{"weekday": 4, "start": "08:30", "end": "11:00"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["phone"] == "+491605551234"
    assert len(body["languages"]) == 2
    assert body["availability"] == [{"weekday": 4, "start": "08:30", "end": "11:00"}]


def test_volunteer_cannot_patch_internal_notes(api_as, own):
    response = api_as("volunteer").patch(detail(own.pk), {"notes": "all good"}, format="json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.notes == ""


def test_bad_patch_is_a_field_error_and_changes_nothing(api_as, own):
    response = api_as("coordinator").patch(
        detail(own.pk), {"first_name": "Eva", "phone": "not a phone"}, format="json"
    )
    assert response.status_code == 400 and "phone" in response.json()
    own.refresh_from_db()
    assert own.first_name == "Vera"


def test_volunteer_cannot_delete_self(api_as, own):
    assert api_as("volunteer").delete(detail(own.pk)).status_code == 403
    own.refresh_from_db()
    assert own.status == "active" and own.first_name == "Vera" and own.phone != ""
    assert own.anonymised_at is None


def test_delete_anonymises_and_keeps_statistics(api_as, own):
    response = api_as("coordinator").delete(detail(own.pk))
    assert response.status_code == 204
    own.refresh_from_db()
    assert own.status == "left" and own.first_name != "Vera" and own.phone == ""
    assert own.languages.count() == 1


def test_approve_needs_met_in_person_for_unconfirmed(api_as, tenant):
    user = UserFactory()
    volunteer = VolunteerFactory(center=tenant.center, status="registered", user=user)
    client = api_as("coordinator")
    refused = client.post(detail(volunteer.pk) + "approve/", {}, format="json")
    assert refused.status_code == 400 and "met_in_person" in refused.json()
    response = client.post(
        detail(volunteer.pk) + "approve/", {"met_in_person": True}, format="json"
    )
    assert response.status_code == 200
    assert (
        response.json()["status"] == "approved" and response.json()["confirmed_via"] == "in_person"
    )
    assert Membership.objects.filter(user=user, role=Role.VOLUNTEER, center=tenant.center).exists()


def test_approving_an_active_volunteer_is_400(api_as, own):
    response = api_as("coordinator").post(detail(own.pk) + "approve/", {}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_volunteer_cannot_approve_self(api_as, tenant, own):
    own.status = "registered"
    own.save(update_fields=["status"])
    assert (
        api_as("volunteer").post(detail(own.pk) + "approve/", {}, format="json").status_code == 403
    )
    own.refresh_from_db()
    assert own.status == "registered"


def test_volunteer_pauses_and_resumes_self(api_as, own):
    client = api_as("volunteer")
    assert client.post(detail(own.pk) + "pause/").json()["status"] == "paused"
    assert client.post(detail(own.pk) + "resume/").json()["status"] == "active"
    assert client.post(detail(own.pk) + "leave/").status_code == 403


def test_volunteer_manages_own_absences(api_as, own):
    client = api_as("volunteer")
    bad = client.post(
        detail(own.pk) + "absences/",
        {"start_date": "2026-12-10", "end_date": "2026-12-01"},
        format="json",
    )
    assert bad.status_code == 400 and "end_date" in bad.json()
    created = client.post(
        detail(own.pk) + "absences/",
        {"start_date": "2026-12-01", "end_date": "2026-12-10", "reason": "holiday"},
        format="json",
    )
    assert created.status_code == 201
    listed = client.get(detail(own.pk) + "absences/").json()
    assert listed["count"] == 1
    assert client.delete(detail(own.pk) + f"absences/{created.json()['id']}/").status_code == 204
    assert not own.absences.exists()


def test_place_of_the_other_center_is_refused(api_as, own, other_tenant):
    foreign_town = PlaceFactory(center=other_tenant.center)
    response = api_as("coordinator").patch(
        detail(own.pk), {"place": foreign_town.pk}, format="json"
    )
    assert response.status_code == 400 and "place" in response.json()


def test_list_is_paginated(api_as, tenant):
    for _ in range(3):
        VolunteerFactory(center=tenant.center)
    body = api_as("coordinator").get(LIST, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_schema_lists_the_volunteer_endpoints(client):
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/volunteers/register/" in schema and "/api/v1/volunteers/{id}/approve/" in schema


def test_coordinator_reading_a_record_is_audited_as_a_view(api_as, tenant, own):
    assert api_as("coordinator").get(detail(own.pk)).status_code == 200
    assert AuditEvent.objects.filter(
        action="view", object_id=str(own.pk), actor=tenant.users["coordinator"]
    ).exists()


def test_huge_ids_are_not_a_crash(api_as, tenant, town):
    client = api_as("coordinator")
    assert client.get(detail(10**25)).status_code == 404
    response = APIClient().post(REGISTER, payload(tenant, place=10**25), format="json")
    assert response.status_code == 400 and "place" in response.json()
