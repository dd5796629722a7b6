"""``/api/v1/interpreters/``: list, detail, create and change per role; nested languages and
availability; scope (other center 404, interpreter only self, caseworker 403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sprachpool.models import InterpreterProfile
from tests.sprachpool.factories import interpreter, ready_volunteer

pytestmark = pytest.mark.django_db

LIST = reverse("api-interpreters")


def detail(profile: InterpreterProfile) -> str:
    return reverse("api-interpreter-detail", args=[profile.pk])


@pytest.fixture
def own(tenant) -> InterpreterProfile:
    """The tenant's volunteer user is an interpreter."""
    return interpreter(center=tenant.center, user=tenant.users["volunteer"], last_name="Selbst")


@pytest.fixture
def colleague(tenant) -> InterpreterProfile:
    return interpreter(
        center=tenant.center,
        last_name="Kollegin",
        profile={"excluded_clients": ["K-2291"], "gender": "f"},
    )


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("coordinator", 200, {"Selbst", "Kollegin"}),
        ("volunteer", 200, {"Selbst"}),
        ("caseworker", 403, None),
        ("network_lead", 403, None),
    ],
)
def test_list_per_role(api_as, own, colleague, other_tenant, role, status, expected) -> None:
    interpreter(center=other_tenant.center, last_name="Fremd")

    response = api_as(role).get(LIST)

    assert response.status_code == status
    if expected is not None:
        names = {row["display_name"].split()[-1] for row in response.json()["results"]}
        assert names == expected
        assert response.json()["count"] == len(expected)


def test_list_payload_has_nested_languages_availability_and_paperwork(api_as, colleague) -> None:
    response = api_as("coordinator").get(LIST)

    (row,) = response.json()["results"]
    assert row["volunteer"] == colleague.volunteer_id
    assert {"language": "ar", "level": "native"} in row["languages"]
    assert row["availability"] == []
    assert row["excluded_clients"] == ["K-2291"]
    assert row["gender"] == "f"
    assert row["paperwork"]["cleared"] is True
    assert row["paperwork"]["child_clearance"] is False
    assert row["is_active"] is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=uk", {"Olena"}),
        ("mode=video", {"Olena"}),
        ("qualification=certified", {"Amal"}),
        ("active=false", {"Tesfay"}),
        ("active=true&language=ar", {"Amal"}),
        ("q=amal", {"Amal"}),
        ("town=Nordstadt", {"Amal"}),
    ],
)
def test_list_filters(tenant, api_as, query, expected) -> None:
    from tests.factories import PlaceFactory

    north = PlaceFactory(center=tenant.center, name="Nordstadt")
    interpreter(
        center=tenant.center,
        first_name="Amal",
        home_place=north,
        profile={"qualification": "certified"},
    )
    interpreter(
        center=tenant.center,
        first_name="Olena",
        languages=(("de", "B2"), ("uk", "native")),
        profile={"modes": ["video"]},
    )
    interpreter(center=tenant.center, first_name="Tesfay", active=False)

    response = api_as("coordinator").get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert {row["display_name"].split()[0] for row in response.json()["results"]} == expected


def test_list_filter_with_bad_value_is_a_400(api_as) -> None:
    response = api_as("coordinator").get(f"{LIST}?mode=teleport&active=maybe")

    assert response.status_code == 400
    assert set(response.json()) == {"mode", "active"}


def test_interpreter_does_not_see_excluded_clients(api_as, own) -> None:
    response = api_as("volunteer").get(detail(own))

    assert response.status_code == 200
    assert "excluded_clients" not in response.json()


@pytest.mark.parametrize("role", ["coordinator", "volunteer", "caseworker", "network_lead"])
def test_other_center_gets_404_for_every_interpreter(api_as, other_tenant, own, colleague, role):
    client = api_as(role, of=other_tenant)

    for profile in (own, colleague):
        assert client.get(detail(profile)).status_code == 404
        assert client.patch(detail(profile), {"max_travel_km": 5}, format="json").status_code == 404


def test_interpreter_gets_404_for_a_colleague(api_as, own, colleague) -> None:
    client = api_as("volunteer")

    assert client.get(detail(colleague)).status_code == 404
    assert client.patch(detail(colleague), {"modes": ["phone"]}, format="json").status_code == 404


def test_caseworker_gets_404_for_an_interpreter_of_own_center(api_as, colleague) -> None:
    assert api_as("caseworker").get(detail(colleague)).status_code == 404


def _create_payload(person, **overrides) -> dict:
    payload = {
        "volunteer": person.pk,
        "qualification": "trained",
        "modes": ["in_person", "phone"],
        "max_travel_km": 30,
        "declined_topics": ["child_welfare"],
        "excluded_clients": ["K-1177"],
        "languages": [
            {"language": "de", "level": "C1"},
            {"language": "ti", "level": "native"},
        ],
        "availability": [{"weekday": 1, "start": "09:00", "end": "13:00"}],
        "is_active": True,
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 201), ("volunteer", 403), ("caseworker", 403), ("network_lead", 403)],
)
def test_create_per_role(tenant, api_as, role, status) -> None:
    volunteer = ready_volunteer(center=tenant.center, languages=())

    response = api_as(role).post(LIST, _create_payload(volunteer), format="json")

    assert response.status_code == status
    assert InterpreterProfile.objects.filter(volunteer=volunteer).exists() is (status == 201)


def test_create_writes_nested_languages_and_availability(tenant, api_as) -> None:
    volunteer = ready_volunteer(center=tenant.center, languages=())

    response = api_as("coordinator").post(LIST, _create_payload(volunteer), format="json")

    body = response.json()
    assert body["is_active"] is True
    assert body["languages"] == [
        {"language": "de", "level": "C1"},
        {"language": "ti", "level": "native"},
    ]
    assert body["availability"] == [{"weekday": 1, "start": "09:00", "end": "13:00"}]
    assert body["declined_topics"] == ["child_welfare"]
    assert volunteer.weekly_slots.count() == 1


def test_create_for_a_volunteer_of_another_center_is_refused(api_as, other_tenant) -> None:
    volunteer = ready_volunteer(center=other_tenant.center)

    response = api_as("coordinator").post(LIST, _create_payload(volunteer), format="json")

    assert response.status_code == 400
    assert "volunteer" in response.json()
    assert not InterpreterProfile.objects.exists()


def test_create_active_without_pledge_is_refused_and_stores_nothing(tenant, api_as) -> None:
    volunteer = ready_volunteer(center=tenant.center, languages=(), pledge=False)

    response = api_as("coordinator").post(LIST, _create_payload(volunteer), format="json")

    assert response.status_code == 400
    assert "is_active" in response.json()
    assert not InterpreterProfile.objects.exists()
    assert not volunteer.languages.exists()
    assert not volunteer.weekly_slots.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"languages": [{"language": "xx", "level": "B2"}]}, "languages"),
        ({"languages": [{"language": "ar", "level": "fluent"}]}, "languages"),
        ({"availability": [{"weekday": 1, "start": "13:00", "end": "09:00"}]}, "availability"),
        ({"availability": [{"weekday": 9, "start": "09:00", "end": "10:00"}]}, "availability"),
        ({"modes": []}, "modes"),
        ({"max_travel_km": 500}, "max_travel_km"),
        ({"excluded_clients": ["max@example.org"]}, "excluded_clients"),
        ({"excluded_clients": ["x" * 100_000]}, "excluded_clients"),
        ({"declined_topics": ["astrology"]}, "declined_topics"),
        ({"volunteer": "abc"}, "volunteer"),
    ],
)
def test_bad_create_input_gets_a_field_error_and_stores_nothing(
    tenant, api_as, overrides, field
) -> None:
    volunteer = ready_volunteer(center=tenant.center, languages=(("de", "C1"), ("ar", "B2")))

    response = api_as("coordinator").post(
        LIST, _create_payload(volunteer, **overrides), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not InterpreterProfile.objects.exists()
    assert set(volunteer.languages.values_list("language_id", flat=True)) == {"de", "ar"}
    assert not volunteer.weekly_slots.exists()


def test_garbage_json_is_a_400(api_as, colleague) -> None:
    client = api_as("coordinator")

    assert client.post(LIST, "{nope", content_type="application/json").status_code == 400
    assert (
        client.patch(detail(colleague), "[1,", content_type="application/json").status_code == 400
    )
    assert client.patch(detail(colleague), [1, 2], format="json").status_code == 400


def test_coordinator_patches_fields_and_nested_lists(api_as, colleague) -> None:
    response = api_as("coordinator").patch(
        detail(colleague),
        {
            "max_travel_km": 50,
            "excluded_clients": ["K-3", "K-4"],
            "languages": [{"language": "de", "level": "B2"}, {"language": "fa", "level": "C1"}],
            "availability": [
                {"weekday": 0, "start": "08:00", "end": "12:00"},
                {"weekday": 4, "start": "14:00", "end": "18:30"},
            ],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["max_travel_km"] == 50
    assert body["excluded_clients"] == ["K-3", "K-4"]
    assert [row["language"] for row in body["languages"]] == ["de", "fa"]
    assert body["availability"][1] == {"weekday": 4, "start": "14:00", "end": "18:30"}


def test_bad_nested_patch_stores_nothing(api_as, colleague) -> None:
    response = api_as("coordinator").patch(
        detail(colleague),
        {
            "max_travel_km": 99,
            "languages": [{"language": "de", "level": "B2"}, {"language": "zz", "level": "C1"}],
        },
        format="json",
    )

    assert response.status_code == 400
    colleague.refresh_from_db()
    assert colleague.max_travel_km == 25
    assert set(colleague.volunteer.languages.values_list("language_id", flat=True)) == {"de", "ar"}


def test_interpreter_patches_own_modes_radius_languages(api_as, own) -> None:
    response = api_as("volunteer").patch(
        detail(own),
        {
            "modes": ["phone"],
            "max_travel_km": 0,
            "declined_topics": ["health"],
            "languages": [{"language": "de", "level": "C2"}, {"language": "ar", "level": "native"}],
            "availability": [{"weekday": 2, "start": "10:00", "end": "11:00"}],
        },
        format="json",
    )

    assert response.status_code == 200
    own.refresh_from_db()
    assert own.modes == ["phone"]
    assert own.max_travel_km == 0
    assert own.volunteer.weekly_slots.get().weekday == 2


@pytest.mark.parametrize(
    "field_value",
    [
        {"excluded_clients": []},
        {"is_active": False},
        {"qualification": "certified"},
        {"allowance_tier": "certified"},
    ],
)
def test_interpreter_may_not_patch_coordinator_fields(api_as, own, field_value) -> None:
    response = api_as("volunteer").patch(detail(own), field_value, format="json")

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.is_active is True
    assert own.qualification == "trained"


def test_patch_activation_without_pledge_is_a_field_error(tenant, api_as) -> None:
    profile = interpreter(center=tenant.center, active=False, pledge=False)

    response = api_as("coordinator").patch(detail(profile), {"is_active": True}, format="json")

    assert response.status_code == 400
    assert "is_active" in response.json()


def test_list_is_paginated(tenant, api_as) -> None:
    for _ in range(3):
        interpreter(center=tenant.center)

    response = api_as("coordinator").get(f"{LIST}?page_size=2")

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None


def test_list_takes_a_fixed_number_of_queries(
    tenant, api_as, django_assert_max_num_queries
) -> None:
    client = api_as("coordinator")
    interpreter(center=tenant.center)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for _ in range(10):
        interpreter(center=tenant.center)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert response.json()["count"] == 11


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"languages": "ar"}, "languages"),
        ({"availability": [{"weekday": 1, "start": "late", "end": "later"}]}, "availability"),
        ({"modes": "phone"}, "modes"),
        ({"max_travel_km": "far"}, "max_travel_km"),
        ({"gender": "x"}, "gender"),
    ],
)
def test_bad_patch_input_is_a_field_error(api_as, colleague, payload, field) -> None:
    response = api_as("coordinator").patch(detail(colleague), payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_gender_can_be_cleared_with_null(api_as, colleague) -> None:
    response = api_as("coordinator").patch(detail(colleague), {"gender": None}, format="json")

    assert response.status_code == 200
    assert response.json()["gender"] is None
    colleague.refresh_from_db()
    assert colleague.gender == ""


def test_reading_an_interpreter_through_the_api_is_audited(api_as, tenant):
    from core.models import AuditEvent
    from tests.sprachpool.factories import InterpreterProfileFactory

    profile = InterpreterProfileFactory(volunteer__center=tenant.center)
    response = api_as("coordinator").get(f"/api/v1/interpreters/{profile.pk}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="view", object_id=str(profile.volunteer_id)).exists()
