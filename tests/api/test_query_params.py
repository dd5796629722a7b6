"""The API's query parameters are parsed one way (api.filters.parse_query): a value that is no
id ("²" and "١٢" pass ``str.isdigit()``, "99999999999999999999" overflows the database), no
known choice or no yes/no is a 400 that names the parameter, never a 500 and never another
filter; an empty value counts as not given."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.models import Department, Place, Role
from tests.core.test_params import BAD_IDS
from tests.factories import PlaceFactory
from tests.networks.factories import HouseholdFactory, NetworkFactory, SponsorshipFactory
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

#: Values that are no id but not empty (an empty one is "not given").
NO_IDS = [value for value in BAD_IDS if value]

ID_FILTERS = [
    ("/api/v1/volunteers/", "place"),
    ("/api/v1/households/", "network"),
    ("/api/v1/sponsorships/", "network"),
    ("/api/v1/matching/runs/", "center"),
    ("/api/v1/requests/", "department"),
]

CHOICE_FILTERS = [
    ("/api/v1/volunteers/", "status"),
    ("/api/v1/volunteers/", "interest"),
    ("/api/v1/interpreters/", "mode"),
    ("/api/v1/interpreters/", "active"),
    ("/api/v1/networks/", "active"),
    ("/api/v1/households/", "waiting"),
    ("/api/v1/sponsorships/", "status"),
    ("/api/v1/sponsorships/", "quiet"),
    ("/api/v1/users/", "role"),
    ("/api/v1/places/", "kind"),
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def records(tenant):
    network = NetworkFactory(center=tenant.center)
    SponsorshipFactory(network=network, household=HouseholdFactory(network=network))
    VolunteerFactory(center=tenant.center)
    interpreter(center=tenant.center)


@pytest.mark.parametrize("value", NO_IDS)
@pytest.mark.parametrize("url, param", ID_FILTERS)
def test_a_filter_id_that_is_no_id_is_a_400_naming_it(api_as, records, url, param, value):
    response = api_as(Role.COORDINATOR).get(url, {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()


@pytest.mark.parametrize("url, param", ID_FILTERS)
def test_an_empty_filter_id_is_not_given(api_as, records, url, param):
    client = api_as(Role.COORDINATOR)
    response = client.get(url, {param: ""})
    assert response.status_code == 200
    assert response.json()["count"] == client.get(url).json()["count"]


@pytest.mark.parametrize("value", ["²", "nope", "1e3"])
@pytest.mark.parametrize("url, param", CHOICE_FILTERS)
def test_an_unknown_choice_is_a_400_naming_it(api_as, records, url, param, value):
    response = api_as(Role.COORDINATOR).get(url, {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_every_bad_parameter_is_named_at_once(api_as, records):
    response = api_as(Role.COORDINATOR).get(
        "/api/v1/sponsorships/", {"network": "²", "status": "nope", "quiet": "maybe"}
    )
    assert response.status_code == 400
    assert {"network", "status", "quiet"} <= set(response.json())


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_town_that_is_no_id_is_searched_as_a_name(api_as, records, value):
    """``?town=`` takes a place id or a town's name: what is no id is a name."""
    response = api_as(Role.COORDINATOR).get("/api/v1/interpreters/", {"town": value})
    assert response.status_code == 200


def test_a_town_id_in_other_digits_is_not_read_as_that_number(api_as, tenant, records):
    """ "١٢" is no id: it does not find the town with id 12 (it is searched as a name)."""
    town = PlaceFactory(center=tenant.center, kind=Place.Kind.TOWN, name="Bad Nauheim")
    interpreter(center=tenant.center, home_place=town)
    other_digits = str(town.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    client = api_as(Role.COORDINATOR)
    assert client.get("/api/v1/interpreters/", {"town": town.pk}).json()["count"] >= 1
    response = client.get("/api/v1/interpreters/", {"town": other_digits})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_long_search_is_cut_not_refused(api_as, records):
    response = api_as(Role.COORDINATOR).get("/api/v1/volunteers/", {"q": "x" * 500})
    assert response.status_code == 200


@pytest.mark.parametrize("value", NO_IDS)
def test_an_id_in_a_body_follows_the_same_rule(api_as, tenant, value):
    """ "١" is no id in a body either: it does not name the center with id 1."""
    other_digits = str(tenant.center.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    before = Department.objects.count()
    client = api_as(Role.COORDINATOR)
    for center in (value, other_digits):
        response = client.post(
            "/api/v1/departments/", {"name": "Jobcenter", "center": center}, format="json"
        )
        assert response.status_code == 400, response.content
        assert "center" in response.json()
    assert Department.objects.count() == before
