"""Crafted data sets for the oversight tests: requests in the past with known statuses,
acceptance delays and hours, so every figure has an exact expected value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.choices import Mode
from core.models import Department, Place
from requests.models import Assignment, InterpreterRequest
from tests.conftest import Tenant
from tests.requests.factories import BERLIN, AssignmentFactory, InterpreterRequestFactory
from tests.sprachpool.factories import interpreter

Status = InterpreterRequest.Status
#: Friedberg and Büdingen (about 27 km apart).
FRIEDBERG = (50.3353, 8.7550)
BUEDINGEN = (50.2906, 9.1125)


def days_ago_at(days: int, hour: int = 9) -> dt.datetime:
    """A Berlin wall-clock time ``days`` before today (aware)."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=BERLIN)


def past_request(
    tenant: Tenant,
    *,
    days: int,
    status: str,
    language: str = "ar",
    department: Department | None = None,
    mode: str = Mode.IN_PERSON,
    town: tuple[str, tuple[float, float]] | None = None,
    filed_days_before: int = 3,
    **fields: Any,
) -> InterpreterRequest:
    """A request of ``tenant`` for an appointment ``days`` ago, filed before it."""
    start = days_ago_at(days)
    extra: dict[str, Any] = {}
    if town is not None:
        name, (lat, lon) = town
        extra = {"place": None, "city": name, "lat": lat, "lon": lon, "postcode": "63654"}
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=department or tenant.department,
        language_id=language,
        start=start,
        end=start + dt.timedelta(hours=1),
        mode=mode,
        status=status,
        **extra,
        **fields,
    )
    created = start - dt.timedelta(days=filed_days_before)
    InterpreterRequest.objects.filter(pk=request.pk).update(created_at=created)
    request.refresh_from_db()
    return request


def filled_request(
    tenant: Tenant, *, days: int, accepted_after_hours: float, minutes: int = 60, **kwargs: Any
) -> InterpreterRequest:
    """A completed request whose offer was accepted ``accepted_after_hours`` after filing,
    interpreted for ``minutes``."""
    request = past_request(tenant, days=days, status=Status.COMPLETED, **kwargs)
    accepted = request.created_at + dt.timedelta(hours=accepted_after_hours)
    AssignmentFactory(
        request=request,
        status=Assignment.Status.COMPLETED,
        took_place=True,
        actual_start=request.start,
        actual_end=request.start + dt.timedelta(minutes=minutes),
        offer__responded_at=accepted,
    )
    return request


def active_interpreter(
    tenant: Tenant, *, language: str = "ar", home: tuple[float, float] = FRIEDBERG, **profile: Any
) -> Any:
    """An active, cleared interpreter of ``tenant`` living at ``home``."""
    town = Place.objects.filter(center=tenant.center, kind=Place.Kind.TOWN).first()
    return interpreter(
        languages=(("de", "C1"), (language, "native")),
        center=tenant.center,
        home_lat=home[0],
        home_lon=home[1],
        home_place=town,
        profile={"modes": [Mode.IN_PERSON, Mode.PHONE], "max_travel_km": 20, **profile},
    )
