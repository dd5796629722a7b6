"""The two-sided Einsatznachweis (confirmation) of an assignment, and its settlement.

After the appointment has ended, the requesting side (a caseworker of the request's
department, or a coordinator of its center) and the interpreter each record once whether it
took place, with the actual start and end, or why not (:class:`AbsenceReason`); the
interpreter adds the travel km (in person; prefilled from the home → place distance there
and back, editable within reason). Entries are audited and never edited.

**Settling** (:func:`confirmation_record`, :func:`confirmation_decide`):

- both sides agree — both say it took place and start and end each differ by at most
  :data:`DISPUTE_TOLERANCE` (15 minutes; 16 are a dispute), or both say it did not take
  place *for the same reason* (the reason decides what is paid) — the assignment becomes
  ``completed`` with the requester's times and the interpreter's km, the request
  ``completed``, and the allowance is booked (:func:`requests.allowances.allowance_book`);
- they disagree — the assignment becomes ``disputed``, the coordinators are told
  (event ``confirmation_disputed``, on commit) and nothing is paid until a coordinator
  decides;
- the coordinator's entry (:func:`confirmation_decide`) settles a disputed assignment, an
  ended one that one side (or neither) confirmed, or corrects a completed one: the new
  entry supersedes the previous decision, the assignment takes the new values and the
  allowance gets a correction entry with the difference, booked in the current month.

A request whose assignment did not take place (client or interpreter absent, cancelled on
the spot) is ``completed`` too; ``Assignment.took_place`` tells what happened.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.choices import Mode
from core.errors import FieldErrors
from core.models import AuditEvent, User
from core.services import audit_log
from core.validators import validate_no_contact_data
from requests import allowances
from requests.allowances import travel_km_prefill
from requests.models import AbsenceReason, Assignment, Confirmation, InterpreterRequest
from requests.services import (
    ASSIGNMENT_WORKFLOW,
    REQUEST_WORKFLOW,
    _as_datetime,
    _locked_request,
    _notify,
    _require_coordinator,
    _require_request_role,
)
from sprachpool.models import MAX_TRAVEL_KM

__all__ = [
    "DISPUTE_TOLERANCE",
    "confirmation_decide",
    "confirmation_record",
    "travel_km_prefill",
]

Side = Confirmation.Side

#: Start and end of the two sides may differ by this much and still agree.
DISPUTE_TOLERANCE = dt.timedelta(minutes=15)
#: The actual start may lie at most this far before the planned start or after the planned end.
PLAUSIBLE_SHIFT = dt.timedelta(hours=3)
#: The longest actual duration accepted.
MAX_ACTUAL_DURATION = dt.timedelta(hours=10)
#: Travel km given may exceed the prefilled distance (as the crow flies, there and back) by
#: this factor plus :data:`TRAVEL_SLACK_KM` (roads, detours); without a prefill at most
#: twice the largest travel radius.
TRAVEL_FACTOR = Decimal("2")
TRAVEL_SLACK_KM = Decimal("10")
TRAVEL_MAX_KM = Decimal(2 * MAX_TRAVEL_KM)
NOTE_MAX_LENGTH = 500

#: Reasons for which the interpreter travelled (their km count).
_TRAVELLED = (AbsenceReason.CLIENT_ABSENT, AbsenceReason.CANCELLED_ON_SITE)


def _locked(assignment: Assignment) -> Assignment:
    """Lock the request first, then the assignment (the order of ``requests.services``)."""
    _locked_request(assignment.request_id)
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("request__center", "request__place", "interpreter__volunteer__home_place")
        .get(pk=assignment.pk)
    )


def _require_side(actor: User | None, assignment: Assignment, side: str) -> None:
    if actor is None:
        raise PermissionDenied
    if side == Side.REQUESTER:
        _require_request_role(actor, assignment.request)
    elif side == Side.INTERPRETER:
        if assignment.interpreter.volunteer.user_id != actor.pk:
            raise PermissionDenied
    else:
        raise PermissionDenied


def _current(assignment: Assignment, side: str) -> Confirmation | None:
    return (
        Confirmation.objects.current()
        .filter(assignment=assignment, side=side)
        .order_by("-created_at", "-id")
        .first()
    )


def travel_limit(*, prefill: Decimal | None) -> Decimal:
    """The most travel km accepted for an assignment with this prefilled distance."""
    if prefill is None:
        return TRAVEL_MAX_KM
    return min(TRAVEL_MAX_KM, prefill * TRAVEL_FACTOR + TRAVEL_SLACK_KM)


def _clean_entry(
    errors: FieldErrors,
    *,
    assignment: Assignment,
    side: str,
    took_place: Any,
    actual_start: Any,
    actual_end: Any,
    travel_km: Any,
    reason: Any,
    note: Any,
    now: dt.datetime,
    fallback_km: Decimal | None,
) -> dict[str, Any]:
    """Check one entry's fields together; return the values to store."""
    out: dict[str, Any] = {
        "took_place": bool(took_place),
        "actual_start": None,
        "actual_end": None,
        "travel_km": None,
        "reason": "",
    }
    if not isinstance(took_place, bool):
        errors.add("took_place", _("Please say whether the appointment took place."))
        return out
    if took_place:
        start, end = _as_datetime(actual_start), _as_datetime(actual_end)
        if start is None:
            errors.add("actual_start", _("Please give the actual start."))
        if end is None:
            errors.add("actual_end", _("Please give the actual end."))
        if start is not None and end is not None:
            if end <= start:
                errors.add("actual_end", _("The end must come after the start."))
            elif end - start > MAX_ACTUAL_DURATION:
                errors.add("actual_end", _("An appointment lasts at most 10 hours."))
            if not (
                assignment.start - PLAUSIBLE_SHIFT <= start <= assignment.end + PLAUSIBLE_SHIFT
            ):
                errors.add(
                    "actual_start",
                    _("The actual start lies too far from the planned time of the appointment."),
                )
            if end > now:
                errors.add("actual_end", _("The actual end cannot lie in the future."))
        out["actual_start"], out["actual_end"] = start, end
    else:
        if reason not in AbsenceReason.values:
            errors.add("reason", _("Please say why the appointment did not take place."))
        else:
            out["reason"] = reason

    in_person = assignment.request.mode == Mode.IN_PERSON
    travelled = took_place or out["reason"] in _TRAVELLED
    if travel_km not in (None, ""):
        if side == Side.REQUESTER:
            errors.add("travel_km", _("The interpreter gives the travel distance."))
        elif not in_person:
            errors.add("travel_km", _("Travel is paid for appointments in person only."))
        else:
            try:
                distance = Decimal(str(travel_km))
            except (InvalidOperation, ValueError):
                errors.add("travel_km", _("Please give the distance as a number."))
            else:
                limit = travel_limit(prefill=travel_km_prefill(assignment=assignment))
                if not distance.is_finite() or distance < 0:
                    errors.add("travel_km", _("The distance cannot be negative."))
                elif distance > limit:
                    errors.add(
                        "travel_km",
                        _("At most %(max)s km there and back, please.")
                        % {"max": number_format(allowances.km(limit), decimal_pos=1)},
                    )
                elif travelled:
                    out["travel_km"] = allowances.km(distance)
    elif side != Side.REQUESTER and in_person and travelled:
        out["travel_km"] = fallback_km

    text = note.strip() if isinstance(note, str) else ""
    if len(text) > NOTE_MAX_LENGTH:
        errors.add("note", _("At most %(max)d characters, please.") % {"max": NOTE_MAX_LENGTH})
    else:
        errors.check("note", validate_no_contact_data, text)
    out["note"] = text
    return out


def _agree(requester: Confirmation, interpreter: Confirmation) -> bool:
    """Whether the two sides' entries say the same (within the tolerance)."""
    if requester.took_place != interpreter.took_place:
        return False
    if not requester.took_place:
        return requester.reason == interpreter.reason
    assert requester.actual_start and requester.actual_end
    assert interpreter.actual_start and interpreter.actual_end
    return (
        abs(requester.actual_start - interpreter.actual_start) <= DISPUTE_TOLERANCE
        and abs(requester.actual_end - interpreter.actual_end) <= DISPUTE_TOLERANCE
    )


def _store(
    *,
    actor: User,
    assignment: Assignment,
    side: str,
    values: dict[str, Any],
    supersedes: Confirmation | None = None,
) -> Confirmation:
    entry = Confirmation(
        assignment=assignment, side=side, supersedes=supersedes, created_by=actor, **values
    )
    entry.full_clean()
    entry.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        center=assignment.request.center_id,
        detail={
            "assignment": assignment.pk,
            "side": side,
            "took_place": entry.took_place,
            "reason": entry.reason,
            "supersedes": supersedes.pk if supersedes else None,
        },
    )
    return entry


def _settle(assignment: Assignment, *, actor: User, now: dt.datetime) -> None:
    """Complete, dispute or wait, from the current entries (see the module docstring)."""
    decision = _current(assignment, Side.COORDINATOR)
    if decision is not None:
        _complete(
            assignment,
            took_place=decision.took_place,
            actual_start=decision.actual_start,
            actual_end=decision.actual_end,
            travel_km=decision.travel_km,
            reason=decision.reason,
            actor=actor,
            now=now,
        )
        return
    requester = _current(assignment, Side.REQUESTER)
    interpreter = _current(assignment, Side.INTERPRETER)
    if requester is None or interpreter is None:
        return
    if not _agree(requester, interpreter):
        old = ASSIGNMENT_WORKFLOW.move(assignment, Assignment.Status.DISPUTED)
        assignment.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=assignment,
            center=assignment.request.center_id,
            detail={"from": old, "to": assignment.status},
        )
        _notify("confirmation_disputed", assignment.pk)
        return
    _complete(
        assignment,
        took_place=requester.took_place,
        actual_start=requester.actual_start,
        actual_end=requester.actual_end,
        travel_km=interpreter.travel_km,
        reason=requester.reason,
        actor=actor,
        now=now,
    )


def _complete(
    assignment: Assignment,
    *,
    took_place: bool,
    actual_start: dt.datetime | None,
    actual_end: dt.datetime | None,
    travel_km: Decimal | None,
    reason: str,
    actor: User,
    now: dt.datetime,
) -> None:
    """Store the settled values, complete assignment and request, book the allowance."""
    assignment.took_place = took_place
    assignment.actual_start, assignment.actual_end = actual_start, actual_end
    assignment.travel_km = travel_km
    old = assignment.status
    if old != Assignment.Status.COMPLETED:
        ASSIGNMENT_WORKFLOW.move(assignment, Assignment.Status.COMPLETED)
        assignment.completed_at = now
    assignment.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION
        if old != assignment.status
        else AuditEvent.Action.UPDATE,
        obj=assignment,
        center=assignment.request.center_id,
        detail={"from": old, "to": assignment.status, "took_place": took_place},
    )
    request = assignment.request
    if REQUEST_WORKFLOW.can_move(request.status, InterpreterRequest.Status.COMPLETED):
        old_request = REQUEST_WORKFLOW.move(request, InterpreterRequest.Status.COMPLETED)
        request.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=request,
            detail={"from": old_request, "to": request.status},
        )
    allowances.allowance_book(
        assignment=assignment,
        basis=allowances.basis_for(took_place=took_place, reason=reason),
        actor=actor,
        now=now,
    )


@transaction.atomic
def confirmation_record(
    *,
    actor: User,
    assignment: Assignment,
    side: str,
    took_place: bool,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    travel_km: Decimal | None = None,
    reason: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Confirmation:
    """One side's Einsatznachweis, then the settlement (see the module docstring).

    :param side: ``requester`` (a caseworker of the request's department or a coordinator
        of its center) or ``interpreter`` (the assignment's interpreter).
    :param travel_km: the interpreter's km there and back (in person); left out, the home →
        place distance is taken.
    :raises PermissionDenied: the actor may not confirm this side.
    :raises ValidationError: every error at once (the appointment has not ended; the
        assignment is not waiting for confirmation; this side confirmed already; missing or
        implausible times; no reason; km negative, too many or not in person); nothing is
        stored.
    """
    now = now or timezone.now()
    assignment = _locked(assignment)
    _require_side(actor, assignment, side)
    errors = FieldErrors()
    if assignment.end > now:
        errors.add("status", _("The appointment has not ended yet; please confirm it afterwards."))
    elif assignment.status != Assignment.Status.UPCOMING:
        errors.add(
            "status",
            _("This assignment is “%(status)s”; it cannot be confirmed any more.")
            % {"status": assignment.get_status_display()},
        )
    elif _current(assignment, side) is not None:
        errors.add(
            "status",
            _("This side has confirmed already; the coordinator can correct the entry."),
        )
    values = _clean_entry(
        errors,
        assignment=assignment,
        side=side,
        took_place=took_place,
        actual_start=actual_start,
        actual_end=actual_end,
        travel_km=travel_km,
        reason=reason,
        note=note,
        now=now,
        fallback_km=travel_km_prefill(assignment=assignment),
    )
    errors.raise_if_any()
    entry = _store(actor=actor, assignment=assignment, side=side, values=values)
    _settle(assignment, actor=actor, now=now)
    return entry


@transaction.atomic
def confirmation_decide(
    *,
    actor: User,
    assignment: Assignment,
    took_place: bool,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    travel_km: Decimal | None = None,
    reason: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Confirmation:
    """The coordinator's entry: decides a dispute, settles an ended assignment one side (or
    neither) confirmed, or corrects a completed one.

    Left out, ``travel_km`` is the interpreter's (else the home → place distance). A
    correction of a completed assignment supersedes the previous decision, needs a note and
    books the allowance's difference in the current month.

    :raises PermissionDenied: not a coordinator of the center.
    :raises ValidationError: every error at once; nothing is stored.
    """
    now = now or timezone.now()
    assignment = _locked(assignment)
    _require_coordinator(actor, assignment.request.center_id)
    errors = FieldErrors()
    status = assignment.status
    if assignment.end > now:
        errors.add("status", _("The appointment has not ended yet; please confirm it afterwards."))
    elif status == Assignment.Status.CANCELLED:
        errors.add("status", _("This assignment was cancelled; there is nothing to decide."))
    interpreter = _current(assignment, Side.INTERPRETER)
    fallback = (
        interpreter.travel_km
        if interpreter is not None and interpreter.travel_km is not None
        else travel_km_prefill(assignment=assignment)
    )
    values = _clean_entry(
        errors,
        assignment=assignment,
        side=Side.COORDINATOR,
        took_place=took_place,
        actual_start=actual_start,
        actual_end=actual_end,
        travel_km=travel_km,
        reason=reason,
        note=note,
        now=now,
        fallback_km=fallback,
    )
    if status == Assignment.Status.COMPLETED and not values["note"]:
        errors.add("note", _("Please say why you correct the Einsatznachweis."))
    errors.raise_if_any()
    entry = _store(
        actor=actor,
        assignment=assignment,
        side=Side.COORDINATOR,
        values=values,
        supersedes=_current(assignment, Side.COORDINATOR),
    )
    _settle(assignment, actor=actor, now=now)
    return entry
