"""The isolation matrix: every route of the access table, called by every role of the
object's own center and of the other center (``tests/security/access_table.py`` says who
may), and a walk over the URL resolver that fails for any route without a line there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.access_table import ROUTES, SKIPPED_PREFIXES, UNCHECKED, Route
from tests.security.matrix_client import expected_other, expected_own, problems, run
from tests.security.matrix_world import MEMBER_ROLES, ROLES, World, world_fixture


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_route_answers_each_role_as_the_table_says(db: None, world: World, route: Route) -> None:
    found: list[str] = []
    for role in ROLES:
        outcome = run(world, route, role, world.own, world.own)
        found += problems(route, role, "own", outcome, expected_own(route, role))
    if route.has_object:
        for role in MEMBER_ROLES:
            outcome = run(world, route, role, world.other, world.own)
            found += problems(route, role, "other", outcome, expected_other(route, role))
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- the walk


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    """(pattern, url name) of every route below ``resolver``, includes followed."""
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not pattern.startswith(SKIPPED_PREFIXES):
                yield from walk(entry, pattern)
        elif isinstance(entry, URLPattern) and not pattern.startswith(SKIPPED_PREFIXES):
            yield pattern, entry.name


def test_every_route_is_in_the_table() -> None:
    listed = {route.name for route in ROUTES} | set(UNCHECKED)
    missing = sorted(
        f"{name or '(unnamed)'}: /{pattern}"
        for pattern, name in walk(get_resolver())
        if (name or pattern) not in listed
    )
    assert not missing, "routes without a line in tests/security/access_table.py:\n" + "\n".join(
        missing
    )


def test_every_line_of_the_table_is_a_route() -> None:
    names = {name for _, name in walk(get_resolver())}
    assert not [route.id for route in ROUTES if route.name not in names]
    assert not [name for name in UNCHECKED if name not in names]


def test_the_walk_finds_included_routes() -> None:
    names = {name for _, name in walk(get_resolver())}
    assert {"home", "api-requests", "password_reset_confirm"} <= names
    assert "admin:index" not in names and "set_language" not in names
