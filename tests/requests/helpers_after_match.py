"""Helpers of the Einsatznachweis and allowance tests: an assignment that has ended, and
each side's confirmation of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.choices import Mode
from requests import confirmations
from requests.models import Assignment, Confirmation, InterpreterRequest
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory


def ended(
    tenant: Any,
    profile: Any,
    *,
    start: dt.datetime | None = None,
    minutes: int = 60,
    mode: str = Mode.IN_PERSON,
    client_ref: str = "K-4711",
    department: Any = None,
) -> Assignment:
    """An upcoming assignment of ``profile`` for the tenant's department that has ended
    (by default: started three hours ago)."""
    if start is None:
        start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    extra: dict[str, Any] = {}
    if mode != Mode.IN_PERSON:
        extra = {
            "place": None,
            "place_name": "",
            "street": "",
            "postcode": "",
            "city": "",
            "lat": None,
            "lon": None,
        }
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=department or tenant.department,
        status=InterpreterRequest.Status.ASSIGNED,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        mode=mode,
        client_ref=client_ref,
        **extra,
    )
    return AssignmentFactory(request=request, interpreter=profile)


def confirm(
    actor: Any,
    assignment: Assignment,
    side: str,
    *,
    took_place: bool = True,
    shift: int = 0,
    end_shift: int | None = None,
    **kwargs: Any,
) -> Confirmation:
    """One side's entry: it took place as planned, moved by ``shift`` minutes (start) and
    ``end_shift`` minutes (end; the same as the start's by default)."""
    if took_place:
        kwargs.setdefault("actual_start", assignment.start + dt.timedelta(minutes=shift))
        kwargs.setdefault(
            "actual_end",
            assignment.end + dt.timedelta(minutes=shift if end_shift is None else end_shift),
        )
    return confirmations.confirmation_record(
        actor=actor, assignment=assignment, side=side, took_place=took_place, **kwargs
    )


def both_confirm(tenant: Any, assignment: Assignment, **kwargs: Any) -> None:
    """The caseworker and the interpreter confirm the same."""
    confirm(tenant.users["caseworker"], assignment, "requester", **kwargs)
    confirm(assignment.interpreter.volunteer.user, assignment, "interpreter", **kwargs)
