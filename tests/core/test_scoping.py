"""Tenant scoping: a foreign center's objects are invisible (404) by page and by API."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, Department, Place, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "attr"),
    [
        ("api-department-detail", "department"),
        ("api-place-detail", "place"),
    ],
)
def test_api_detail_of_other_center_is_404(api_as, tenant, other_tenant, url_name, attr):
    client = api_as(Role.COORDINATOR, of=other_tenant)
    response = client.get(reverse(url_name, args=[getattr(tenant, attr).pk]))
    assert response.status_code == 404
    assert "detail" in response.json()


def test_api_user_of_other_center_is_404(api_as, tenant, other_tenant):
    client = api_as(Role.COORDINATOR, of=other_tenant)
    foreign = tenant.users[Role.CASEWORKER]
    assert client.get(reverse("api-user-detail", args=[foreign.pk])).status_code == 404
    own = other_tenant.users[Role.CASEWORKER]
    assert client.get(reverse("api-user-detail", args=[own.pk])).status_code == 200


@pytest.mark.parametrize("url_name", ["api-departments", "api-places", "api-users"])
def test_api_lists_hold_only_own_center(api_as, tenant, other_tenant, url_name):
    client = api_as(Role.COORDINATOR, of=other_tenant)
    payload = client.get(reverse(url_name)).json()
    assert {"count", "next", "previous", "results"} <= payload.keys()
    ids = {row["id"] for row in payload["results"]}
    assert ids, "the caller's own center has rows"
    foreign_ids = {
        "api-departments": {tenant.department.pk},
        "api-places": {tenant.place.pk},
        "api-users": {u.pk for u in tenant.users.values()},
    }[url_name]
    assert not ids & foreign_ids


@pytest.mark.parametrize(
    "url_name",
    ["department-detail", "place-detail", "member-detail"],
)
def test_web_detail_of_other_center_is_404(tenant, other_tenant, url_name):
    client = Client()
    client.force_login(other_tenant.users[Role.COORDINATOR])
    target = {
        "department-detail": tenant.department.pk,
        "place-detail": tenant.place.pk,
        "member-detail": tenant.users[Role.VOLUNTEER].pk,
    }[url_name]
    assert client.get(reverse(url_name, args=[target])).status_code == 404


def test_web_department_list_hides_other_center(tenant, other_tenant):
    other_dept = Department.objects.create(center=tenant.center, name="Jugendamt Geheim")
    client = Client()
    client.force_login(other_tenant.users[Role.COORDINATOR])
    page = client.get(reverse("department-list")).content.decode()
    assert other_tenant.department.name in page
    assert other_dept.name not in page


def test_web_place_list_hides_other_center(tenant, other_tenant):
    client = Client()
    client.force_login(other_tenant.users[Role.COORDINATOR])
    page = client.get(reverse("place-list")).content.decode()
    assert other_tenant.place.name in page
    assert tenant.place.name not in page


def test_web_edit_of_other_center_department_is_404(tenant, other_tenant):
    client = Client()
    client.force_login(other_tenant.users[Role.COORDINATOR])
    url = reverse("department-edit", args=[tenant.department.pk])
    response = client.post(url, {"name": "Übernommen", "kind": "other"})
    assert response.status_code == 404
    tenant.department.refresh_from_db()
    assert tenant.department.name == "Gesundheitsamt"


def test_caseworker_may_read_but_not_change_department(api_as, tenant):
    client = api_as(Role.CASEWORKER)
    url = reverse("api-department-detail", args=[tenant.department.pk])
    assert client.get(url).status_code == 200
    response = client.patch(url, {"name": "Umbenannt"}, format="json")
    assert response.status_code == 403
    tenant.department.refresh_from_db()
    assert tenant.department.name == "Gesundheitsamt"


def test_coordinator_changes_department_and_it_is_audited(api_as, tenant):
    client = api_as(Role.COORDINATOR)
    url = reverse("api-department-detail", args=[tenant.department.pk])
    response = client.patch(url, {"cost_centre": "KST-999"}, format="json")
    assert response.status_code == 200
    assert response.json()["cost_centre"] == "KST-999"
    event = AuditEvent.objects.get(object_type="core.department", action="update")
    assert event.actor == tenant.users[Role.COORDINATOR]
    assert event.center == tenant.center
    assert event.detail == {"fields": ["cost_centre"]}


def test_coordinator_creates_department_in_own_center(api_as, tenant, other_tenant):
    client = api_as(Role.COORDINATOR)
    response = client.post(reverse("api-departments"), {"name": "Schulamt"}, format="json")
    assert response.status_code == 201
    assert response.json()["center"] == tenant.center.pk
    foreign = client.post(
        reverse("api-departments"),
        {"name": "Fremdamt", "center": other_tenant.center.pk},
        format="json",
    )
    assert foreign.status_code == 400
    assert "center" in foreign.json()
    assert not Department.objects.filter(name="Fremdamt").exists()


def test_duplicate_department_name_is_a_field_error(api_as, tenant):
    client = api_as(Role.COORDINATOR)
    response = client.post(reverse("api-departments"), {"name": "Gesundheitsamt"}, format="json")
    assert response.status_code == 400
    assert Department.objects.filter(center=tenant.center, name="Gesundheitsamt").count() == 1


def test_volunteer_cannot_create_department(api_as, tenant):
    response = api_as(Role.VOLUNTEER).post(
        reverse("api-departments"), {"name": "Neu"}, format="json"
    )
    assert response.status_code == 403
    assert not Department.objects.filter(name="Neu").exists()


def test_anonymous_api_is_401_and_web_redirects_to_login(tenant):
    client = Client()
    assert client.get(reverse("api-departments")).status_code == 401
    response = client.get(reverse("department-list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_member_list_is_for_coordinators_only(tenant):
    client = Client()
    client.force_login(tenant.users[Role.CASEWORKER])
    assert client.get(reverse("member-list")).status_code == 403


def test_place_created_by_web_form_lands_in_own_center(tenant):
    client = Client()
    client.force_login(tenant.users[Role.COORDINATOR])
    response = client.post(
        reverse("place-create"),
        {
            "center": tenant.center.pk,
            "name": "Rathaus Karben",
            "kind": "office",
            "postcode": "61184",
            "city": "Karben",
            "lat": "50.2322",
            "lon": "8.7706",
        },
    )
    assert response.status_code == 302
    place = Place.objects.get(name="Rathaus Karben")
    assert place.center == tenant.center


def test_place_form_rejects_bad_postcode_and_stores_nothing(tenant):
    client = Client()
    client.force_login(tenant.users[Role.COORDINATOR])
    response = client.post(
        reverse("place-create"),
        {
            "center": tenant.center.pk,
            "name": "X",
            "kind": "town",
            "postcode": "12",
            "city": "Y",
            "lat": "50",
            "lon": "8",
        },
    )
    assert response.status_code == 200
    assert "fünf Ziffern" in response.content.decode() or "five digits" in response.content.decode()
    assert not Place.objects.filter(name="X").exists()
