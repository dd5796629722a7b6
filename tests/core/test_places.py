"""Places: coordinators edit them; coordinates come from the center's towns or by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent, Place
from core.services import place_create, place_update
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def karben(tenant) -> Place:
    return PlaceFactory(
        center=tenant.center,
        name="Karben",
        city="Karben",
        postcode="61184",
        lat=50.2322,
        lon=8.7706,
    )


def test_a_new_office_takes_the_coordinates_of_the_chosen_town(tenant, karben):
    response = _client(tenant.users["coordinator"]).post(
        reverse("place-create"),
        {
            "center": tenant.center.pk,
            "name": "Rathaus Karben",
            "kind": "office",
            "street": "Rathausplatz 1",
            "town": karben.pk,
            "coordinates": "town",
        },
    )
    assert response.status_code == 302
    office = Place.objects.get(name="Rathaus Karben")
    assert (office.lat, office.lon) == (karben.lat, karben.lon)
    assert (office.city, office.postcode) == ("Karben", "61184")


def test_filling_in_the_towns_coordinates_shows_them_without_saving(tenant, karben):
    with translation.override("de"):
        response = _client(tenant.users["coordinator"]).post(
            reverse("place-create"),
            {
                "center": tenant.center.pk,
                "name": "Rathaus Karben",
                "kind": "office",
                "town": karben.pk,
                "coordinates": "town",
                "apply_town": "1",
            },
            HTTP_ACCEPT_LANGUAGE="de",
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="50.2322"' in html and 'value="8.7706"' in html
    assert '<details class="advanced" open>' in html
    assert not Place.objects.filter(name="Rathaus Karben").exists()


def test_coordinates_can_still_be_typed_in_by_hand(tenant):
    response = _client(tenant.users["coordinator"]).post(
        reverse("place-create"),
        {
            "center": tenant.center.pk,
            "name": "Hof Hausen",
            "kind": "other",
            "city": "Hausen",
            "coordinates": "manual",
            "lat": "50.1",
            "lon": "8.9",
        },
    )
    assert response.status_code == 302
    assert Place.objects.get(name="Hof Hausen").lat == 50.1


def test_without_town_or_coordinates_the_form_says_what_is_missing(tenant):
    with translation.override("de"):
        response = _client(tenant.users["coordinator"]).post(
            reverse("place-create"),
            {
                "center": tenant.center.pk,
                "name": "Irgendwo",
                "kind": "other",
                "city": "X",
                "coordinates": "town",
            },
            HTTP_ACCEPT_LANGUAGE="de",
        )
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Ort" in response.content.decode()
    assert not Place.objects.filter(name="Irgendwo").exists()


def test_a_coordinator_edits_a_place_and_the_change_is_audited(tenant, karben):
    place = tenant.place
    response = _client(tenant.users["coordinator"]).post(
        reverse("place-edit", args=[place.pk]),
        {
            "name": "Kreishaus neu",
            "kind": "office",
            "street": "Europaplatz",
            "postcode": "61184",
            "city": "Karben",
            "town": karben.pk,
            "coordinates": "town",
        },
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "Kreishaus neu" and place.lat == karben.lat
    event = AuditEvent.objects.get(action="update", object_type="core.place")
    assert {"name", "lat", "lon"} <= set(event.detail["fields"])


def test_the_detail_page_offers_editing_to_coordinators_only(tenant):
    url = reverse("place-detail", args=[tenant.place.pk])
    edit = reverse("place-edit", args=[tenant.place.pk])
    assert edit in _client(tenant.users["coordinator"]).get(url).content.decode()
    assert edit not in _client(tenant.users["caseworker"]).get(url).content.decode()


def test_other_roles_cannot_edit_and_nothing_changes(tenant):
    response = _client(tenant.users["caseworker"]).post(
        reverse("place-edit", args=[tenant.place.pk]),
        {
            "name": "Gekapert",
            "kind": "office",
            "city": "X",
            "coordinates": "manual",
            "lat": "1",
            "lon": "1",
        },
    )
    assert response.status_code == 403
    tenant.place.refresh_from_db()
    assert tenant.place.name != "Gekapert"


def test_a_foreign_place_is_not_found(tenant, other_tenant):
    response = _client(tenant.users["coordinator"]).get(
        reverse("place-edit", args=[other_tenant.place.pk])
    )
    assert response.status_code == 404


def test_the_service_refuses_a_town_of_another_center(tenant, other_tenant):
    foreign_town = PlaceFactory(center=other_tenant.center, name="Fremdstadt")
    with pytest.raises(ValidationError) as info:
        place_create(
            actor=None,
            center=tenant.center,
            name="Büro",
            kind="office",
            city="X",
            town=foreign_town,
        )
    assert "town" in info.value.message_dict
    assert not Place.objects.filter(name="Büro").exists()


def test_the_service_refuses_bad_coordinates_and_keeps_the_old_ones(tenant):
    with pytest.raises(ValidationError):
        place_update(actor=None, place=tenant.place, lat=123.0)
    tenant.place.refresh_from_db()
    assert tenant.place.lat != 123.0
    assert not AuditEvent.objects.filter(object_type="core.place").exists()
