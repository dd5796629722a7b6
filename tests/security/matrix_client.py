"""Calling a route of the access table as one role of one center, and what it should answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.security.access_table import Route
from tests.security.matrix_world import ADMIN, ANONYMOUS, CenterRows, World


@dataclass(frozen=True)
class Outcome:
    status: int
    location: str
    rows_before: int | None
    rows_after: int | None
    body: bytes


def client_as(world: World, role: str, rows: CenterRows) -> Client:
    """A client logged in as ``role`` of that center (the admin, or nobody)."""
    client = Client(headers={"accept-language": "en"})
    if role != ANONYMOUS:
        user = world.admin if role == ADMIN else rows.user(role)
        client.cookies[settings.SESSION_COOKIE_NAME] = world.session_of(user)
    return client


def url_of(route: Route, rows: CenterRows) -> str:
    kwargs = {
        name: value[1:] if value.startswith("=") else rows.pk(value)
        for name, value in route.kwargs.items()
    }
    return reverse(route.name, kwargs=kwargs)


def body_value(value: Any, rows: CenterRows) -> Any:
    """``"@today"``: today's date; ``"@key"``: the id of that row of ``rows``."""
    if value == "@today":
        return timezone.localdate().isoformat()
    if isinstance(value, str) and value.startswith("@"):
        return rows.pk(value[1:])
    return value


def body_of(route: Route, rows: CenterRows) -> dict[str, Any]:
    """The route's body, its references to rows resolved for ``rows``."""
    return {name: body_value(value, rows) for name, value in (route.body or {}).items()}


def call(client: Client, route: Route, url: str, body: dict[str, Any]) -> Any:
    method = route.method.lower()
    if route.method == "GET":
        return client.get(url)
    if route.is_api:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, body)


def run(world: World, route: Route, role: str, caller: CenterRows, target: CenterRows) -> Outcome:
    """Call ``route`` on ``target``'s objects as ``role`` of ``caller``; every write is rolled
    back afterwards (a savepoint), so each call sees the same world."""
    model = apps.get_model(route.model) if route.model else None
    client = client_as(world, role, caller)
    url = url_of(route, target)
    with transaction.atomic():
        before = model._default_manager.count() if model else None
        response = call(client, route, url, body_of(route, target))
        after = model._default_manager.count() if model else None
        transaction.set_rollback(True)
    return Outcome(
        status=response.status_code,
        location=response.get("Location", ""),
        rows_before=before,
        rows_after=after,
        body=response.content,
    )


def expected_own(route: Route, role: str) -> tuple[int, ...]:
    """What ``role`` of the object's own center should get."""
    if role in route.expect:
        return (route.expect[role],)
    if role in route.allowed:
        return route.ok
    if role == ANONYMOUS:
        return (401,) if route.is_api else (302,)
    if role in route.hidden:
        return (404,)
    return (403,)


def expected_other(route: Route, role: str) -> tuple[int, ...]:
    """What ``role`` of the other center should get for this center's object."""
    if role in route.allowed or role in route.hidden:
        return (404,)
    return (403, 404)


def problems(
    route: Route, role: str, where: str, outcome: Outcome, wanted: tuple[int, ...]
) -> list[str]:
    """What is wrong with ``outcome`` (empty: nothing)."""
    found = []
    label = f"{route.id} as {role} of the {where} center"
    if outcome.status not in wanted:
        found.append(f"{label}: {outcome.status}, expected {' or '.join(map(str, wanted))}")
    elif (
        outcome.status == 302
        and role == ANONYMOUS
        and ANONYMOUS not in route.allowed
        and not outcome.location.startswith(reverse("login"))
    ):
        found.append(f"{label}: redirected to {outcome.location}, not to the login")
    refused = where == "other" or role not in route.allowed or outcome.status not in route.ok
    if refused and outcome.rows_before != outcome.rows_after:
        found.append(
            f"{label}: refused with {outcome.status} but {route.model} went from "
            f"{outcome.rows_before} to {outcome.rows_after} rows"
        )
    return found
