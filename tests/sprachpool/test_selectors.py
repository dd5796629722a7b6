"""Pool list filters and scope, language coverage counts, and the engine's candidates."""

from __future__ import annotations

import datetime as dt

import pytest

from core.choices import Mode
from sprachpool import selectors
from sprachpool.models import InterpreterProfile
from tests.factories import PlaceFactory
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import AbsenceFactory, VolunteerFactory, WeeklySlotFactory

pytestmark = pytest.mark.django_db


def _names(profiles) -> set[str]:
    return {p.volunteer.last_name for p in profiles}


@pytest.fixture
def pool(tenant):
    """Three interpreters of the tenant with different languages, towns and modes."""
    north = PlaceFactory(center=tenant.center, name="Nordstadt")
    south = PlaceFactory(center=tenant.center, name="Südheim")
    return {
        "amal": interpreter(
            center=tenant.center,
            last_name="Haddad",
            first_name="Amal",
            home_place=north,
            languages=(("de", "C1"), ("ar", "native"), ("uk", "B2")),
            profile={"modes": [Mode.IN_PERSON], "qualification": "certified"},
        ),
        "olena": interpreter(
            center=tenant.center,
            last_name="Kovalenko",
            first_name="Olena",
            home_place=north,
            languages=(("de", "B2"), ("uk", "native")),
            profile={"modes": [Mode.PHONE, Mode.VIDEO], "qualification": "lay"},
        ),
        "tesfay": interpreter(
            center=tenant.center,
            active=False,
            police=False,
            last_name="Gebremedhin",
            first_name="Tesfay",
            home_place=south,
            languages=(("de", "B1"), ("ti", "native"), ("ar", "A2")),
            profile={"modes": [Mode.IN_PERSON]},
        ),
        "north": north,
        "south": south,
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"Haddad", "Kovalenko", "Gebremedhin"}),
        ({"language": "ar"}, {"Haddad", "Gebremedhin"}),
        ({"language": "ar", "min_level": "B1"}, {"Haddad"}),
        ({"mode": "phone"}, {"Kovalenko"}),
        ({"mode": "in_person"}, {"Haddad", "Gebremedhin"}),
        ({"qualification": "certified"}, {"Haddad"}),
        ({"active": True}, {"Haddad", "Kovalenko"}),
        ({"active": False}, {"Gebremedhin"}),
        ({"cleared": True}, {"Haddad", "Kovalenko"}),
        ({"cleared": False}, {"Gebremedhin"}),
        ({"search": "olena kov"}, {"Kovalenko"}),
        ({"town_name": "südheim"}, {"Gebremedhin"}),
    ],
)
def test_pool_filters(tenant, pool, filters, expected) -> None:
    profiles = selectors.interpreter_list(user=tenant.users["coordinator"], **filters)

    assert _names(profiles) == expected


def test_town_filter_by_place_id(tenant, pool) -> None:
    profiles = selectors.interpreter_list(user=tenant.users["coordinator"], town=pool["north"].pk)

    assert _names(profiles) == {"Haddad", "Kovalenko"}


def test_coordinator_of_another_center_sees_nothing(tenant, other_tenant, pool) -> None:
    assert not selectors.interpreter_list(user=other_tenant.users["coordinator"]).exists()


def test_volunteer_sees_only_own_profile(tenant, pool) -> None:
    user = tenant.users["volunteer"]
    mine = interpreter(center=tenant.center, user=user, last_name="Selbst")

    assert list(selectors.interpreter_list(user=user)) == [mine]


@pytest.mark.parametrize("role", ["caseworker", "network_lead"])
def test_other_roles_see_no_interpreters(tenant, pool, role) -> None:
    assert not selectors.interpreter_list(user=tenant.users[role]).exists()


def test_volunteers_without_profile_are_those_who_want_to_interpret(tenant, pool) -> None:
    wants = VolunteerFactory(center=tenant.center, interests=["interpreting", "sponsorship"])
    VolunteerFactory(center=tenant.center, interests=["sponsorship"])

    volunteers = selectors.volunteers_without_profile(user=tenant.users["coordinator"])

    assert list(volunteers) == [wants]


def test_coverage_counts_active_interpreters_per_language_and_town(
    tenant, other_tenant, pool
) -> None:
    interpreter(center=other_tenant.center, languages=(("de", "C1"), ("ar", "native")))

    coverage = selectors.language_coverage(user=tenant.users["coordinator"])

    columns = [t.name if t else None for t in coverage.towns]
    table = {row.language.code: dict(zip(columns, row.cells, strict=True)) for row in coverage.rows}
    assert table["uk"]["Nordstadt"] == 2
    assert table["ar"]["Nordstadt"] == 1
    assert table["ar"]["Südheim"] == 0  # inactive, and only A2
    assert table["ti"]["Südheim"] == 0  # inactive
    assert "de" not in table
    assert coverage.interpreters == 2


def test_coverage_marks_languages_with_fewer_than_two_active_as_scarce(tenant, pool) -> None:
    coverage = selectors.language_coverage(user=tenant.users["coordinator"])

    scarce = {row.language.code for row in coverage.rows if row.scarce}
    assert scarce == {"ar", "ti"}
    assert coverage.scarce_count == 2
    assert [row.language.code for row in coverage.rows][0] == "uk"


def test_coverage_town_totals_add_up(tenant, pool) -> None:
    coverage = selectors.language_coverage(user=tenant.users["coordinator"])

    assert sum(coverage.town_totals) == sum(row.total for row in coverage.rows) == 3


def test_candidates_are_active_cleared_interpreters_with_engine_data(tenant, pool) -> None:
    amal = pool["amal"]
    amal.gender = "f"
    amal.excluded_clients = ["K-2291"]
    amal.declined_topics = ["health"]
    amal.max_travel_km = 30
    amal.save()
    volunteer = amal.volunteer
    volunteer.home_lat, volunteer.home_lon = 50.33, 8.75
    volunteer.save()

    candidates = {c.id: c for c in selectors.interpreter_candidates(center=tenant.center)}

    assert set(candidates) == {amal.pk, pool["olena"].pk}
    candidate = candidates[amal.pk]
    assert candidate.languages == {"de": "C1", "ar": "native", "uk": "B2"}
    assert candidate.gender == "f"
    assert candidate.home == (50.33, 8.75)
    assert candidate.max_travel_km == 30
    assert candidate.modes == ("in_person",)
    assert candidate.excluded_clients == ("K-2291",)
    assert candidate.declined_topics == ("health",)
    assert candidate.child_clearance is False
    assert candidate.to_instance()["id"] == f"i-{amal.pk}"


def test_candidate_child_clearance_comes_from_the_extended_certificate(tenant) -> None:
    profile = interpreter(center=tenant.center, extended=True)

    (candidate,) = selectors.interpreter_candidates(center=tenant.center)

    assert candidate.id == profile.pk
    assert candidate.child_clearance is True


def test_candidate_without_coordinates_falls_back_to_town_then_to_remote_modes(tenant) -> None:
    town = PlaceFactory(center=tenant.center, name="Ort mit Koordinaten", lat=50.1, lon=8.7)
    with_town = interpreter(center=tenant.center, home_place=town)
    nowhere = interpreter(center=tenant.center, profile={"modes": ["in_person", "video"]})
    interpreter(center=tenant.center, profile={"modes": ["in_person"]})  # cannot work at all

    candidates = {c.id: c for c in selectors.interpreter_candidates(center=tenant.center)}

    assert set(candidates) == {with_town.pk, nowhere.pk}
    assert candidates[with_town.pk].home == (50.1, 8.7)
    assert candidates[nowhere.pk].modes == ("video",)
    assert candidates[nowhere.pk].home is None


def test_candidates_of_other_centers_are_left_out(tenant, other_tenant) -> None:
    interpreter(center=other_tenant.center)

    assert selectors.interpreter_candidates(center=tenant.center) == []


def test_candidates_carry_availability_windows_for_a_range(tenant) -> None:
    profile = interpreter(center=tenant.center, home_lat=50.3, home_lon=8.7)
    WeeklySlotFactory(volunteer=profile.volunteer, weekday=0, start_time=dt.time(9))
    AbsenceFactory(
        volunteer=profile.volunteer,
        start_date=dt.date(2026, 11, 30),
        end_date=dt.date(2026, 11, 30),
    )
    berlin = dt.timezone(dt.timedelta(hours=1))
    start = dt.datetime(2026, 11, 23, tzinfo=berlin)

    (candidate,) = selectors.interpreter_candidates(
        center=tenant.center, start=start, end=start + dt.timedelta(days=14)
    )

    assert candidate.availability == (
        (dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), dt.datetime(2026, 11, 23, 11, tzinfo=dt.UTC)),
    )
    window = candidate.to_instance()["availability"][0]
    assert window == {"start": "2026-11-23T09:00:00+01:00", "end": "2026-11-23T12:00:00+01:00"}


def test_candidates_take_a_fixed_number_of_queries(tenant, django_assert_max_num_queries) -> None:
    for _ in range(12):
        interpreter(center=tenant.center, home_lat=50.3, home_lon=8.7)
    start = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)

    with django_assert_max_num_queries(9):
        candidates = selectors.interpreter_candidates(
            center=tenant.center, start=start, end=start + dt.timedelta(days=7)
        )

    assert len(candidates) == 12
    assert InterpreterProfile.objects.count() == 12
