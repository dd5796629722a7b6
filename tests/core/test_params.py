"""Query and form parameters are read one way (core.params): a number is ASCII digits within
the database's id range, anything else is no number. Pages ignore a filter that does not
parse, whatever the characters ("²" and "١٢" pass ``str.isdigit()``, "99999999999999999999"
overflows the database), and a refused form changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core import selectors
from core.models import Place, Role
from core.params import MAX_ID, is_digits, parse_choice, parse_id
from core.validators import is_postcode, validate_postcode
from tests.factories import PlaceFactory
from tests.networks.factories import HouseholdFactory, NetworkFactory, SponsorshipFactory
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import VolunteerFactory

#: Values that are no id: other scripts' digits, a sign, an exponent, too large, text, empty.
BAD_IDS = [
    "²",
    "١٢",
    "１２",
    "-1",
    "+1",
    "1e3",
    "1.0",
    "1_000",
    "0",
    "99999999999999999999",
    "abc",
    "",
]


# --------------------------------------------------------------------------- the helpers


@pytest.mark.parametrize("value", BAD_IDS + [" ", "1 2", "9" * 5000, None, True, 0, -3, 2**63])
def test_what_is_no_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(
    "value, expected",
    [("1", 1), ("42", 42), (" 7 ", 7), ("007", 7), (str(MAX_ID), MAX_ID), (12, 12)],
)
def test_ids_in_ascii_digits_within_the_range(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "", "1a", "-1"])
def test_only_ascii_digits_are_digits(text):
    assert not is_digits(text)


def test_a_choice_is_kept_only_when_known():
    assert parse_choice("active", ["active", "paused"]) == "active"
    assert parse_choice("²", ["active", "paused"]) == ""
    assert parse_choice(None, ["active"]) == ""


@pytest.mark.parametrize("value", ["61169", "01067"])
def test_german_postcodes(value):
    assert is_postcode(value)
    validate_postcode(value)


@pytest.mark.parametrize("value", ["１２３４５", "٦١١٦٩", "6116", "611690", "6116a", "²1169"])
def test_what_is_no_postcode(value):
    assert not is_postcode(value)
    with pytest.raises(ValidationError):
        validate_postcode(value)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["²", "١٢", "99999999999999999999", "-1"])
def test_the_audit_trail_ignores_an_actor_that_is_no_id(tenant, actor):
    events = selectors.audit_event_list(user=tenant.users[Role.COORDINATOR], actor=actor)
    assert list(events) == list(selectors.audit_event_list(user=tenant.users[Role.COORDINATOR]))


# --------------------------------------------------------------------------- pages


@pytest.fixture
def coordinator(tenant) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users[Role.COORDINATOR])
    return client


@pytest.fixture
def records(tenant):
    """One row on every filtered list: a volunteer, an interpreter, a household, a sponsorship."""
    network = NetworkFactory(center=tenant.center)
    return {
        "volunteer-list": VolunteerFactory(center=tenant.center, last_name="Quellwasser"),
        "interpreter-list": interpreter(center=tenant.center, last_name="Bergquelle"),
        "household-list": HouseholdFactory(network=network, reference="H-7731"),
        "sponsorship-list": SponsorshipFactory(
            network=network, household=HouseholdFactory(network=network, reference="H-7732")
        ),
    }


def _shown(name: str, record) -> str:
    if name == "household-list":
        return record.reference
    if name == "sponsorship-list":
        return record.household.reference
    if name == "interpreter-list":
        return record.volunteer.last_name
    return record.last_name


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize(
    "name, param",
    [
        ("volunteer-list", "place"),
        ("interpreter-list", "town"),
        ("household-list", "network"),
        ("sponsorship-list", "network"),
    ],
)
def test_a_list_ignores_a_filter_id_that_is_no_id(coordinator, records, name, param, value):
    response = coordinator.get(reverse(name), {param: value})
    assert response.status_code == 200
    assert _shown(name, records[name]) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize(
    "name, param",
    [
        ("household-create", "network"),
        ("sponsorship-create", "network"),
        ("request-create", "center"),
        ("matching-runs", "center"),
        ("audit-list", "actor"),
    ],
)
def test_a_page_ignores_a_parameter_that_is_no_id(coordinator, records, name, param, value):
    response = coordinator.get(reverse(name), {param: value})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_IDS)
def test_taking_the_coordinates_of_a_town_that_is_no_id_changes_nothing(coordinator, tenant, value):
    PlaceFactory(center=tenant.center, kind=Place.Kind.TOWN, name="Friedberg")
    before = Place.objects.count()
    response = coordinator.post(
        reverse("place-create"),
        {
            "center": tenant.center.pk,
            "name": "Beratungsstelle",
            "kind": Place.Kind.OFFICE,
            "city": "Friedberg",
            "town": value,
            "apply_town": "1",
        },
    )
    assert response.status_code == 200
    assert Place.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["１２３４５", "٦١١٦٩", "6116"])
def test_a_place_with_a_postcode_in_other_digits_is_refused(coordinator, tenant, value):
    before = Place.objects.count()
    response = coordinator.post(
        reverse("place-create"),
        {
            "center": tenant.center.pk,
            "name": "Beratungsstelle",
            "kind": Place.Kind.OFFICE,
            "city": "Friedberg",
            "postcode": value,
            "coordinates": "manual",
            "lat": "50.33",
            "lon": "8.75",
        },
    )
    assert response.status_code == 200
    assert "five digits" in response.content.decode()
    assert Place.objects.count() == before
