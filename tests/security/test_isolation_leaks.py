"""Nothing of another center leaks: lists, search, filters, exports, counts and pagination
totals, and writes that name another center's rows.

Center B holds one recognisable row of each kind (every name and reference carries
``FOREIGN_MARK``). For every page and API read of the access table, the members of center A
who may call it see:

* no trace of B, plain or filtered by B's ids, searched for B's names;
* the same answer before and after a second batch of rows of every kind is added to B
  (so no count, total or page number counts B's rows).

A write from center A that names one of B's rows (place, department, interpreter,
volunteer, household, network) answers 400 or 404 and stores nothing.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.access_table import ROUTES, Route
from tests.security.matrix_client import call, client_as, url_of
from tests.security.matrix_world import (
    ADMIN,
    FOREIGN_MARK,
    MEMBER_ROLES,
    CenterRows,
    World,
    more_rows,
    world_fixture,
)

#: Every read of the table that a member of the center may make.
READS = [route for route in ROUTES if route.method == "GET"]
#: The reads without an object: lists, searches, counts, exports of the center.
LISTS = [route for route in READS if not route.has_object]


def readers(route: Route) -> list[str]:
    return [role for role in MEMBER_ROLES if role in route.allowed or role in route.expect]


CASES = [(route, role) for route in READS for role in readers(route)]
LIST_CASES = [(route, role) for route in LISTS for role in readers(route)]


def case_id(case: Any) -> str:
    if isinstance(case, Route):
        return case.id
    return str(case)


CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=|csrf[-_]token" content=)"[^"]*"')


def get(world: World, route: Route, role: str, query: str = "") -> Any:
    """The answer to ``role`` of center A, rolled back afterwards (views audit their reads)."""
    client = client_as(world, role, world.own)
    with transaction.atomic():
        response = call(client, route, url_of(route, world.own) + query, {})
        transaction.set_rollback(True)
    return response


CLOCK = re.compile(rb"\b\d{1,2}:\d{2}(:\d{2})?\b")


def normalised(content: bytes) -> bytes:
    """The answer without what differs on every call: the masked CSRF token, the time of
    day a page says it was made; a spreadsheet's parts without its creation time."""
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            content = b"\n".join(
                book.read(name) for name in sorted(book.namelist()) if name != "docProps/core.xml"
            )
    return CLOCK.sub(b"HH:MM", CSRF.sub(b"", content))


def assert_same(now: bytes, then: bytes, label: str) -> None:
    """Equal answers; else the lines that differ, to see what changed."""
    if now != then:
        diff = difflib.unified_diff(
            then.decode(errors="replace").splitlines(),
            now.decode(errors="replace").splitlines(),
            lineterm="",
            n=2,
        )
        raise AssertionError(label + "\n" + "\n".join(list(diff)[:40]))


def foreign_ids(route: Route, rows: CenterRows) -> set[int]:
    """The ids of B's rows of the kind a list of ``route`` shows."""
    model = LIST_MODELS.get(route.name)
    if model is None:
        return set()
    return set(
        apps.get_model(model)
        ._default_manager.filter(**{LIST_CENTER[model]: rows.center})
        .values_list("pk", flat=True)
    )


#: What an API list shows, and the path from that model to its center.
LIST_MODELS = {
    "api-departments": "core.Department",
    "api-places": "core.Place",
    "api-volunteers": "volunteers.Volunteer",
    "api-interpreters": "sprachpool.InterpreterProfile",
    "api-networks": "networks.Network",
    "api-households": "networks.Household",
    "api-sponsorships": "networks.Sponsorship",
    "api-requests": "requests.InterpreterRequest",
    "api-offers": "requests.Offer",
    "api-assignments": "requests.Assignment",
    "api-allowances": "requests.AllowanceEntry",
    "api-matching-runs": "matching.MatchingRun",
}
LIST_CENTER = {
    "core.Department": "center",
    "core.Place": "center",
    "volunteers.Volunteer": "center",
    "sprachpool.InterpreterProfile": "volunteer__center",
    "networks.Network": "center",
    "networks.Household": "center",
    "networks.Sponsorship": "network__center",
    "requests.InterpreterRequest": "center",
    "requests.Offer": "request__center",
    "requests.Assignment": "request__center",
    "requests.AllowanceEntry": "center",
    "matching.MatchingRun": "center",
}


def result_ids(response: Any) -> set[int]:
    if "json" not in response.get("Content-Type", ""):
        return set()
    data = json.loads(response.content)
    items = data.get("results", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return set()
    return {item["id"] for item in items if isinstance(item, dict) and "id" in item}


def b_filters(world: World) -> str:
    """A query naming B's rows in every filter the project's lists know."""
    b = world.other
    return (
        f"?center={b.pk('center')}&department={b.pk('department')}&place={b.pk('place')}"
        f"&network={b.pk('network')}&interpreter={b.pk('interpreter')}"
        f"&town={b.pk('place')}&volunteer={b.pk('volunteer')}&household={b.pk('household')}"
        f"&request={b.pk('request')}&page=1&page_size=1000"
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


@pytest.fixture(scope="module")
def before(world: World, django_db_blocker: Any) -> dict[tuple[str, str], bytes]:
    """Every list as each reader of A sees it now; then a second batch of rows goes into B."""
    with django_db_blocker.unblock():
        seen = {
            (route.id, role): normalised(get(world, route, role).content)
            for route, role in [*LIST_CASES, *ADMIN_CASES]
        }
        more_rows(world.other, slug="fremd-zwei", mark=FOREIGN_MARK + "Zwei")
    return seen


#: The admin sees every center: where the checks must find B (they can fail).
ADMIN_CASES = [(route, ADMIN) for route in LISTS if route.name in ("api-requests", "request-list")]
OBJECT_CASES = [(route, role) for route, role in CASES if route.has_object]


def assert_nothing_of_b(response: Any, world: World, route: Route, label: str) -> None:
    assert FOREIGN_MARK.encode() not in response.content, f"{label}: shows a name of B"
    assert not result_ids(response) & foreign_ids(route, world.other), f"{label}: lists B's rows"


@pytest.mark.parametrize(("route", "role"), OBJECT_CASES, ids=case_id)
def test_a_page_of_an_own_object_shows_nothing_of_the_other_center(
    db: None, world: World, route: Route, role: str
) -> None:
    assert_nothing_of_b(get(world, route, role), world, route, f"{route.id} as {role}")


@pytest.mark.parametrize(("route", "role"), LIST_CASES, ids=case_id)
def test_a_list_shows_nothing_of_the_other_center(
    db: None, world: World, before: dict[tuple[str, str], bytes], route: Route, role: str
) -> None:
    """Plain, the list is as it was before B grew (no count, total or page counts B's rows)
    and names nothing of B. Filtered by B's ids and searched for B's names, it answers as a
    search for a name nobody has (the search term may be echoed in the search box, as often
    as the unknown one) and lists none of B's rows."""
    label = f"{route.id} as {role}"
    plain = get(world, route, role)
    assert_nothing_of_b(plain, world, route, label)
    assert_same(
        normalised(plain.content), before[(route.id, role)], f"{label}: changed when B grew"
    )

    unknown = "Zzunbekannt"
    searched = get(world, route, role, f"{b_filters(world)}&q={FOREIGN_MARK}&search={FOREIGN_MARK}")
    control = get(world, route, role, f"{b_filters(world)}&q={unknown}&search={unknown}")
    assert searched.status_code == control.status_code, label
    assert searched.content.count(FOREIGN_MARK.encode()) == control.content.count(
        unknown.encode()
    ), f"{label}: a search for B's names finds something"
    assert not result_ids(searched) & foreign_ids(route, world.other), label
    assert not result_ids(control) & foreign_ids(route, world.other), label


@pytest.mark.parametrize(("route", "role"), ADMIN_CASES, ids=case_id)
def test_the_checks_find_the_other_center_where_it_may_be_seen(
    db: None, world: World, before: dict[tuple[str, str], bytes], route: Route, role: str
) -> None:
    """The installation admin sees both centers: there the same checks do find B."""
    plain = get(world, route, role)
    with pytest.raises(AssertionError):
        assert_nothing_of_b(plain, world, route, route.id)
    assert normalised(plain.content) != before[(route.id, role)]


# --------------------------------------------------------------------------- writes


def count(label: str) -> int:
    return apps.get_model(label)._default_manager.count()


def api(world: World, role: str) -> Client:
    return client_as(world, role, world.own)


def post_json(client: Client, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def request_body(world: World, **changes: Any) -> dict[str, Any]:
    start = "2027-03-01T09:00:00+01:00"
    body = {
        "department": world.own.pk("department"),
        "language": "ar",
        "start": start,
        "end": "2027-03-01T10:00:00+01:00",
        "mode": "in_person",
        "place": world.own.pk("place"),
        "topic": "health",
        "client_ref": "K-5000",
    }
    body.update(changes)
    return body


def assert_refused(response: Any, label: str, rows: int, what: str) -> None:
    assert response.status_code in (400, 404), (response.status_code, response.content[:300])
    assert count(label) == rows, f"{what}: a row was stored"


def test_a_valid_request_body_is_accepted(db: None, world: World) -> None:
    """The bodies below are refused for the foreign id alone, not for anything else."""
    response = post_json(api(world, "caseworker"), reverse("api-requests"), request_body(world))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
@pytest.mark.parametrize("field", ["department", "place"])
def test_a_request_naming_the_other_centers_row_is_refused(
    db: None, world: World, role: str, field: str
) -> None:
    rows = count("requests.InterpreterRequest")
    body = request_body(world, **{field: world.other.pk(field)})
    response = post_json(api(world, role), reverse("api-requests"), body)
    assert_refused(response, "requests.InterpreterRequest", rows, f"{role} {field}")


@pytest.mark.parametrize("field", ["department", "place"])
def test_a_request_form_naming_the_other_centers_row_is_refused(
    db: None, world: World, field: str
) -> None:
    rows = count("requests.InterpreterRequest")
    form = {
        "department": world.own.pk("department"),
        "language": "ar",
        "min_level": "B1",
        "date": "2027-03-01",
        "start_time": "09:00",
        "end_time": "10:00",
        "mode": "in_person",
        "place": world.own.pk("place"),
        "topic": "health",
        "client_ref": "K-5001",
        "priority": "normal",
    }
    form[field] = world.other.pk(field)
    response = api(world, "coordinator").post(reverse("request-create"), form)
    assert response.status_code in (200, 400, 404)
    assert count("requests.InterpreterRequest") == rows


def test_a_request_edit_to_the_other_centers_place_is_refused(db: None, world: World) -> None:
    request = world.own.objects["request"]
    url = reverse("api-request-detail", args=[request.pk])
    response = post_json(
        api(world, "caseworker"), url, {"place": world.other.pk("place")}, method="patch"
    )
    assert response.status_code in (400, 404)
    request.refresh_from_db()
    assert request.place_id == world.own.pk("place")


@pytest.mark.parametrize("role", ["coordinator", "network_lead"])
@pytest.mark.parametrize("field", ["network", "household", "pate"])
def test_a_sponsorship_naming_the_other_centers_row_is_refused(
    db: None, world: World, role: str, field: str
) -> None:
    household = world.own.objects["household"]
    body = {
        "network": world.own.pk("network"),
        "household": household.pk,
        "pate": world.own.pk("pate"),
    }
    body[field] = world.other.pk(field)
    rows = count("networks.Sponsorship")
    response = post_json(api(world, role), reverse("api-sponsorships"), body)
    assert_refused(response, "networks.Sponsorship", rows, f"{role} {field}")


@pytest.mark.parametrize("role", ["coordinator", "network_lead"])
def test_a_sponsorship_change_to_the_other_centers_pate_is_refused(
    db: None, world: World, role: str
) -> None:
    sponsorship = world.own.objects["sponsorship"]
    url = reverse("api-sponsorship-detail", args=[sponsorship.pk])
    response = post_json(api(world, role), url, {"pate": world.other.pk("pate")}, method="patch")
    assert response.status_code in (400, 404), response.content
    sponsorship.refresh_from_db()
    assert sponsorship.pate_id == world.own.pk("pate")


@pytest.mark.parametrize("role", ["coordinator", "network_lead"])
def test_a_household_in_the_other_centers_network_is_refused(
    db: None, world: World, role: str
) -> None:
    rows = count("networks.Household")
    body = {"network": world.other.pk("network"), "reference": "H-9999", "size": 2}
    response = post_json(api(world, role), reverse("api-households"), body)
    assert_refused(response, "networks.Household", rows, role)


def test_a_network_in_the_other_centers_town_is_refused(db: None, world: World) -> None:
    rows = count("networks.Network")
    body = {"name": "Netz Neu", "town": world.other.pk("place")}
    response = post_json(api(world, "coordinator"), reverse("api-networks"), body)
    assert_refused(response, "networks.Network", rows, "town")


@pytest.mark.parametrize("field", ["place", "center"])
def test_a_volunteer_with_the_other_centers_row_is_refused(
    db: None, world: World, field: str
) -> None:
    rows = count("volunteers.Volunteer")
    body = {
        "first_name": "Neu",
        "last_name": "Person",
        "email": "neu.person@example.org",
        field: world.other.pk(field),
    }
    response = post_json(api(world, "coordinator"), reverse("api-volunteers"), body)
    assert_refused(response, "volunteers.Volunteer", rows, field)


def test_a_volunteer_change_to_the_other_centers_place_is_refused(db: None, world: World) -> None:
    volunteer = world.own.objects["volunteer"]
    url = reverse("api-volunteer-detail", args=[volunteer.pk])
    before = volunteer.home_place_id
    response = post_json(
        api(world, "coordinator"), url, {"place": world.other.pk("place")}, method="patch"
    )
    assert response.status_code in (400, 404), response.content
    volunteer.refresh_from_db()
    assert volunteer.home_place_id == before


def test_languages_patched_onto_the_other_centers_volunteer_are_refused(
    db: None, world: World
) -> None:
    foreign = world.other.objects["volunteer"]
    skills = list(foreign.languages.values_list("language_id", "level"))
    url = reverse("api-volunteer-detail", args=[foreign.pk])
    response = post_json(
        api(world, "coordinator"),
        url,
        {"languages": [{"language": "fa", "level": "native"}]},
        method="patch",
    )
    assert response.status_code == 404
    assert list(foreign.languages.values_list("language_id", "level")) == skills


def test_an_interpreter_profile_for_the_other_centers_volunteer_is_refused(
    db: None, world: World
) -> None:
    rows = count("sprachpool.InterpreterProfile")
    body = {"volunteer": world.other.pk("pending"), "qualification": "trained"}
    response = post_json(api(world, "coordinator"), reverse("api-interpreters"), body)
    assert_refused(response, "sprachpool.InterpreterProfile", rows, "volunteer")


def phone_request(world: World) -> int:
    """Center A's open request, by phone (no travel: only the foreign id can fail it)."""
    request = world.own.objects["request"]
    type(request).objects.filter(pk=request.pk).update(mode="phone")
    return request.pk


def test_a_manual_offer_to_the_other_centers_interpreter_stores_nothing(
    db: None, world: World
) -> None:
    rows = count("requests.Offer")
    url = reverse("matching-request-offer", args=[phone_request(world)])
    response = api(world, "coordinator").post(url, {"interpreter": world.other.pk("interpreter2")})
    assert response.status_code in (302, 400, 404)
    assert count("requests.Offer") == rows


def test_a_manual_offer_to_an_own_interpreter_is_stored(db: None, world: World) -> None:
    """The same form with the own center's interpreter does make an offer (the refusal above
    is for the foreign id, not for a broken form)."""
    rows = count("requests.Offer")
    url = reverse("matching-request-offer", args=[phone_request(world)])
    api(world, "coordinator").post(url, {"interpreter": world.own.pk("interpreter2")})
    assert count("requests.Offer") == rows + 1


def test_an_exclusion_of_the_other_centers_interpreter_is_refused(db: None, world: World) -> None:
    rows = count("requests.RequestExclusion")
    url = reverse(
        "matching-request-exclude",
        args=[world.own.pk("request"), world.other.pk("interpreter2")],
    )
    response = api(world, "coordinator").post(url)
    assert response.status_code == 404
    assert count("requests.RequestExclusion") == rows


@pytest.mark.parametrize(
    ("name", "field", "key"),
    [
        ("network-members", "volunteer", "pate"),
        ("network-leads", "user", "lead_user"),
    ],
)
def test_a_network_page_adding_the_other_centers_person_stores_nothing(
    db: None, world: World, name: str, field: str, key: str
) -> None:
    label = "networks.NetworkMember" if name == "network-members" else "networks.NetworkLead"
    rows = count(label)
    url = reverse(name, args=[world.own.pk("network")])
    response = api(world, "coordinator").post(url, {field: world.other.pk(key)})
    assert response.status_code in (200, 400, 404)
    assert count(label) == rows


def own_bodies(world: World) -> list[tuple[str, dict[str, Any]]]:
    a = world.own
    return [
        (
            "api-sponsorships",
            {"network": a.pk("network"), "household": a.pk("household"), "pate": a.pk("pate")},
        ),
        ("api-households", {"network": a.pk("network"), "reference": "H-9999", "size": 2}),
        ("api-networks", {"name": "Netz Neu", "town": a.pk("place")}),
        (
            "api-volunteers",
            {
                "first_name": "Neu",
                "last_name": "Person",
                "email": "neu.person@example.org",
                "place": a.pk("place"),
            },
        ),
    ]


@pytest.mark.parametrize("index", range(4))
def test_the_same_writes_with_own_rows_are_stored(db: None, world: World, index: int) -> None:
    """The refusals above are for the foreign id alone: with the own center's rows the same
    bodies are stored."""
    name, body = own_bodies(world)[index]
    response = post_json(api(world, "coordinator"), reverse(name), body)
    assert response.status_code == 201, (name, response.content)
