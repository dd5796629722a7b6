"""No input causes a server error: hypothesis throws query strings and JSON bodies at every
route of the API and at every web page without path parameters, as a coordinator and
anonymously. The routes are read from the URL configuration, so a new endpoint is fuzzed
without touching this file. ``make test`` runs it on SQLite and on PostgreSQL (where NUL
bytes and overlong numbers used to fail inside the database).

The Django test client re-raises any exception a view lets through, so a 500 fails here
with its traceback.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Role
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

#: Routes not fuzzed: Django's own admin and language switch, the schema and docs (slow,
#: no input), logging out (it would end the session under test).
SKIP_PREFIXES = ("admin/", "i18n/", "api/v1/schema/", "api/v1/docs/", "accounts/logout/")

FUZZ = settings(
    max_examples=15,
    derandomize=True,  # the same examples every run: a failure is reproducible, never flaky
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def routes(*, api: bool, with_pk: bool = False) -> list[str]:
    """Every route of the API (or the web pages): without path parameters, or with one
    integer ``pk`` (filled in by the test)."""
    chosen = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES) or route.startswith("api/") is not api:
            continue
        one_pk = route.count("<") == 1 and "<int:pk>" in route
        if (with_pk and one_pk) or (not with_pk and "<" not in route):
            chosen.append("/" + route)
    return sorted(chosen)


# Text without lone surrogates: the test client must encode the query string as UTF-8.
query_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30
) | st.sampled_from(["\x00", "%00", "99999999999999999999", "-1", "0", "1e309", "' OR 1=1 --"])
param_names = st.sampled_from(
    ["q", "page", "page_size", "place", "status", "language", "network", "kind", "role",
     "from", "to", "active", "center", "department", "interest", "missing", "show", "format"]
)  # fmt: skip
queries = st.dictionaries(param_names, query_text, max_size=4)

# JSON values with every kind of string (NUL, lone surrogates), huge numbers and nesting.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["\x00", "\ud800", "ar", "B2", "2026-13-45", "25:00", "urgent"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=10) | param_names, children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["name", "kind", "center", "languages", "availability", "email", "phone", "first_name",
     "level", "language", "weekday", "start", "end", "status", "username", "password", "place",
     "modes", "interests", "department", "topic", "mode", "priority", "reason", "household"]
)  # fmt: skip
bodies = st.dictionaries(field_names, json_values, max_size=6) | json_values


def body_text(value: Any) -> str:
    # ensure_ascii keeps lone surrogates as \\ud800 escapes, as an attacker would send them.
    return json.dumps(value, ensure_ascii=True)


@pytest.fixture
def coordinator(tenant) -> Client:
    cache.clear()  # throttles count in the cache
    client = Client()
    client.force_login(tenant.users[Role.COORDINATOR])
    return client


@pytest.fixture
def objects(tenant) -> dict[str, int]:
    volunteer = VolunteerFactory(center=tenant.center)
    profile = interpreter(center=tenant.center)
    return {"volunteer": volunteer.pk, "interpreter": profile.pk}


@pytest.mark.parametrize("path", routes(api=True))
@FUZZ
@given(query=queries)
def test_api_get_never_fails(coordinator, path, query):
    assert coordinator.get(path, query).status_code < 500


@pytest.mark.parametrize("path", routes(api=False))
@FUZZ
@given(query=queries)
def test_web_page_get_never_fails(coordinator, path, query):
    assert coordinator.get(path, query).status_code < 500


@pytest.mark.parametrize("path", routes(api=True))
@FUZZ
@given(body=bodies)
def test_api_post_never_fails(coordinator, path, body):
    response = coordinator.post(path, body_text(body), content_type="application/json")
    assert response.status_code < 500


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/volunteers/register/"])
@FUZZ
@given(body=bodies)
def test_anonymous_api_post_never_fails(db, path, body):
    cache.clear()
    response = Client().post(path, body_text(body), content_type="application/json")
    assert response.status_code < 500


@pytest.mark.parametrize("path", routes(api=True, with_pk=True))
@FUZZ
@given(body=bodies)
def test_api_patch_never_fails(coordinator, objects, path, body):
    pk = objects["interpreter"] if "interpreter" in path else objects["volunteer"]
    url = path.replace("<int:pk>", str(pk))
    response = coordinator.patch(url, body_text(body), content_type="application/json")
    assert response.status_code < 500


@pytest.mark.parametrize("path", routes(api=False))
@FUZZ
@given(form=queries)
def test_web_form_post_never_fails(coordinator, path, form):
    assert coordinator.post(path, form).status_code < 500


def test_the_route_walk_finds_the_api_and_the_web_lists():
    api = routes(api=True)
    assert {"/api/v1/volunteers/", "/api/v1/departments/", "/api/v1/auth/token/"} <= set(api)
    assert {"/volunteers/", "/departments/", "/members/"} <= set(routes(api=False))
    assert "/api/v1/volunteers/<int:pk>/" in routes(api=True, with_pk=True)
