"""State changes of the request flow: requests, offers, assignments, exclusions.

Every function is atomic, validates before saving (all field errors at once, nothing
stored on failure), moves statuses only through the workflows below and writes the audit
trail. Work for higher apps (matching runs) and messages are enqueued by dotted path on
commit, so this app imports nothing above it.

The lifecycle (contract: ../shared/spec/api.md)::

    request   open → offered → assigned → completed;  → cancelled;  open/offered → unfilled
    offer     pending → accepted | declined | expired | withdrawn;  accepted → withdrawn
    assignment upcoming → cancelled | completed | disputed

**Offer expiry** (:func:`offer_expires_at`): an offer expires after the center's
``offer_expiry_hours`` (at most 2 h for urgent, 1 h for critical requests), and never later
than half-way between the offer and the appointment, so a declined or expired offer still
leaves time to re-offer; at least 15 minutes.

**Lead time** (:func:`earliest_start_day`): a normal request's appointment lies at least the
center's ``min_lead_working_days`` working days after today (Europe/Berlin; Saturdays,
Sundays and Hessian public holidays are not working days). Urgent and critical requests
skip the lead time and need a one-line justification.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import holidays
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import Gender, Level, Mode, Topic
from core.errors import FieldErrors
from core.models import AuditEvent, Center, Department, Language, Place, Role, User
from core.scoping import department_ids_for, has_role
from core.services import audit_log, audit_log_many
from core.transitions import Workflow
from core.validators import is_postcode, validate_no_contact_data, validate_pseudonym
from requests import allowances, selectors
from requests.models import (
    NOTES_MAX_LENGTH,
    Assignment,
    Confirmation,
    InterpreterRequest,
    Offer,
    Priority,
    RequestExclusion,
)
from sprachpool.models import InterpreterProfile

Status = InterpreterRequest.Status

REQUEST_WORKFLOW = Workflow(
    {
        Status.OPEN: {Status.OFFERED, Status.ASSIGNED, Status.CANCELLED, Status.UNFILLED},
        Status.OFFERED: {Status.OPEN, Status.ASSIGNED, Status.CANCELLED, Status.UNFILLED},
        Status.ASSIGNED: {Status.OPEN, Status.COMPLETED, Status.CANCELLED},
        Status.UNFILLED: {Status.CANCELLED},
    }
)
OFFER_WORKFLOW = Workflow(
    {
        Offer.Status.PENDING: {
            Offer.Status.ACCEPTED,
            Offer.Status.DECLINED,
            Offer.Status.EXPIRED,
            Offer.Status.WITHDRAWN,
        },
        Offer.Status.ACCEPTED: {Offer.Status.WITHDRAWN},
    }
)
ASSIGNMENT_WORKFLOW = Workflow(
    {
        Assignment.Status.UPCOMING: {
            Assignment.Status.CANCELLED,
            Assignment.Status.COMPLETED,
            Assignment.Status.DISPUTED,
        },
        Assignment.Status.DISPUTED: {Assignment.Status.COMPLETED},
    }
)

MIN_DURATION = dt.timedelta(minutes=15)
MAX_DURATION = dt.timedelta(hours=8)
#: Requests may be filed at most this far ahead.
MAX_AHEAD = dt.timedelta(days=366)
MIN_OFFER_MINUTES = 15
URGENT_OFFER_HOURS: dict[str, int] = {Priority.URGENT: 2, Priority.CRITICAL: 1}
REASON_MAX_LENGTH = 500
OFFER_TOKEN_SALT = "requests.offer"

#: Fields a request is created or changed with.
REQUEST_FIELDS = (
    "department",
    "language",
    "min_level",
    "start",
    "end",
    "mode",
    "place",
    "place_name",
    "street",
    "postcode",
    "city",
    "lat",
    "lon",
    "topic",
    "minors_involved",
    "gender_preference",
    "client_ref",
    "priority",
    "urgency_reason",
    "notes",
)
_PLACE_FIELDS = ("place_name", "street", "postcode", "city", "lat", "lon")

#: What a caseworker is told when the pool does not serve a setting.
TOPIC_HINTS = {
    Topic.COURT: gettext_lazy(
        "Court appointments need a sworn professional interpreter; the court arranges one."
    ),
    Topic.POLICE: gettext_lazy(
        "Police interviews need a professional interpreter; the police arranges one."
    ),
    Topic.BAMF: gettext_lazy("The BAMF provides its own interpreters for the asylum procedure."),
}


#: Offers that still stand: pending, or accepted and waiting for the coordinator.
_OPEN_OFFER = Q(status=Offer.Status.PENDING) | Q(
    status=Offer.Status.ACCEPTED, awaiting_confirmation=True
)


class OfferConflict(Exception):
    """The offer cannot be answered any more (no longer pending, expired, or lost a race)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- small helpers ------------------------------------------------------------------------


def _on_commit_task(path: str, *args: Any) -> None:
    """Enqueue a django-q2 task by dotted path once the transaction commits."""

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task(path, *args)

    transaction.on_commit(enqueue)


def _start_run(center_id: int, trigger: str) -> None:
    """Ask for a matching run of the center (the run coalesces triggers)."""
    _on_commit_task("matching.tasks.run_center", center_id, trigger)


def _notify(event: str, object_id: int) -> None:
    _on_commit_task("requests.tasks.notify", event, object_id)


def _clean_reason(reason: Any, *, field: str = "reason", required: bool = True) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        raise ValidationError({field: _("Please give a reason.")})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("At most %(max)d characters, please.") % {"max": REASON_MAX_LENGTH}}
        )
    try:
        validate_no_contact_data(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return text


@lru_cache(maxsize=8)
def _hessian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Germany(subdiv="HE", years=year))


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a public holiday in Hessen."""
    return day.weekday() < 5 and day not in _hessian_holidays(day.year)


def earliest_start_day(*, center: Center, today: dt.date | None = None) -> dt.date:
    """The first day a normal request of this center may be for (the lead time rule)."""
    day = today or timezone.localdate()
    counted = 0
    while counted < center.min_lead_working_days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def offer_expires_at(*, request: InterpreterRequest, now: dt.datetime) -> dt.datetime:
    """When a new offer for ``request`` expires (see the module docstring)."""
    hours = request.center.offer_expiry_hours
    hours = min(hours, URGENT_OFFER_HOURS.get(request.priority, hours))
    halfway = now + (request.start - now) / 2
    expires = min(now + dt.timedelta(hours=hours), halfway)
    floor = now + dt.timedelta(minutes=MIN_OFFER_MINUTES)
    return max(expires, min(floor, request.start))


def _require_request_role(actor: User, request: InterpreterRequest) -> None:
    """Caseworkers of the request's department and the center's coordinators."""
    if has_role(actor, Role.COORDINATOR, center_id=request.center_id):
        return
    if has_role(actor, Role.CASEWORKER, center_id=request.center_id) and (
        request.department_id in department_ids_for(actor)
    ):
        return
    raise PermissionDenied


def _require_coordinator(actor: User | None, center_id: int) -> None:
    if actor is None or not has_role(actor, Role.COORDINATOR, center_id=center_id):
        raise PermissionDenied


def _require_interpreter(actor: User | None, offer: Offer, token: str | None = None) -> None:
    """The offered interpreter: logged in as themself, or holding the offer's signed link."""
    if token is not None:
        if _token_offer_id(token) != offer.pk:
            raise PermissionDenied
        return
    if actor is None or offer.interpreter.volunteer.user_id != actor.pk:
        raise PermissionDenied


# --- validation of a request ----------------------------------------------------------------


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return None


def _clean_fields(
    *, center: Center, values: dict[str, Any], now: dt.datetime, check_lead: bool
) -> dict[str, Any]:
    """Validate a request's fields together; return the values to store.

    :raises ValidationError: with every field error at once.
    """
    errors = FieldErrors()
    out: dict[str, Any] = {}

    code = values.get("language")
    code = code.code if isinstance(code, Language) else code
    language = Language.objects.filter(pk=code).first() if isinstance(code, str) and code else None
    if language is None:
        errors.add("language", _("Please choose a known language."))
    out["language"] = language

    min_level = values.get("min_level") or Level.B1
    if min_level not in Level.values:
        errors.add("min_level", _("Please choose a level."))
    out["min_level"] = min_level

    start, end = _as_datetime(values.get("start")), _as_datetime(values.get("end"))
    if start is None:
        errors.add("start", _("Please give the start as date and time."))
    if end is None:
        errors.add("end", _("Please give the end as date and time."))
    priority = values.get("priority") or Priority.NORMAL
    if priority not in Priority.values:
        errors.add("priority", _("Please choose a priority."))
    if start is not None and end is not None:
        if start <= now:
            errors.add("start", _("The appointment must lie in the future."))
        elif start > now + MAX_AHEAD:
            errors.add("start", _("Requests can be filed at most one year ahead."))
        if end <= start:
            errors.add("end", _("The end must come after the start."))
        elif end - start < MIN_DURATION:
            errors.add("end", _("An appointment lasts at least 15 minutes."))
        elif end - start > MAX_DURATION:
            errors.add("end", _("An appointment lasts at most 8 hours; please file several."))
        if check_lead and start > now and priority == Priority.NORMAL:
            first = earliest_start_day(center=center, today=timezone.localdate(now))
            if timezone.localdate(start) < first:
                errors.add(
                    "start",
                    _(
                        "The center needs %(days)d working days' notice: the earliest day is "
                        "%(day)s. For an urgent case choose the priority “urgent” and say why."
                    )
                    % {
                        "days": center.min_lead_working_days,
                        "day": date_format(first, "SHORT_DATE_FORMAT"),
                    },
                )
    out["start"], out["end"], out["priority"] = start, end, priority

    urgency_reason = values.get("urgency_reason") or ""
    if not isinstance(urgency_reason, str):
        urgency_reason = ""
    urgency_reason = urgency_reason.strip()
    if priority in (Priority.URGENT, Priority.CRITICAL) and not urgency_reason:
        errors.add("urgency_reason", _("Please say in one line why this is urgent."))
    if len(urgency_reason) > 200:
        errors.add("urgency_reason", _("At most 200 characters, please."))
    errors.check("urgency_reason", validate_no_contact_data, urgency_reason)
    out["urgency_reason"] = urgency_reason if priority != Priority.NORMAL else ""

    mode = values.get("mode")
    if mode not in Mode.values:
        errors.add("mode", _("Please choose in person, by phone or by video."))
    out["mode"] = mode

    topic = values.get("topic")
    if topic not in Topic.values:
        errors.add("topic", _("Please choose the setting of the appointment."))
    elif not center.serves_topic(topic):
        message = _("The pool of %(center)s does not serve this setting.") % {"center": center.name}
        hint = TOPIC_HINTS.get(topic)
        errors.add("topic", f"{message} {hint}" if hint else message)
    out["topic"] = topic

    out["minors_involved"] = bool(values.get("minors_involved"))
    gender = values.get("gender_preference") or ""
    if gender not in ("", *Gender.values):
        errors.add("gender_preference", _("Please choose female, male, diverse or no preference."))
    out["gender_preference"] = gender

    client_ref = values.get("client_ref") or ""
    client_ref = client_ref.strip() if isinstance(client_ref, str) else ""
    if client_ref:
        errors.check("client_ref", validate_pseudonym, client_ref)
    out["client_ref"] = client_ref

    notes = values.get("notes") or ""
    notes = notes if isinstance(notes, str) else ""
    if len(notes) > NOTES_MAX_LENGTH:
        errors.add("notes", _("At most %(max)d characters, please.") % {"max": NOTES_MAX_LENGTH})
    else:
        errors.check("notes", validate_no_contact_data, notes)
    out["notes"] = notes

    out.update(_clean_place(center=center, values=values, mode=mode, errors=errors))
    errors.raise_if_any()
    return out


def _text(values: dict[str, Any], field: str, limit: int) -> str:
    value = values.get(field) or ""
    return value.strip()[:limit] if isinstance(value, str) else ""


def _clean_place(
    *, center: Center, values: dict[str, Any], mode: Any, errors: FieldErrors
) -> dict[str, Any]:
    """The place as stored: a registry place copied, or an address with the registry's
    coordinates for its postcode or town. Needed in person; optional otherwise."""
    empty: dict[str, Any] = {
        "place": None,
        "place_name": "",
        "street": "",
        "postcode": "",
        "city": "",
        "lat": None,
        "lon": None,
    }
    given = values.get("place")
    if isinstance(given, Place):
        given = given.pk
    if given not in (None, ""):
        place = None
        if isinstance(given, int) and not isinstance(given, bool) and 0 < given < 2**63:
            place = Place.objects.in_center(center).filter(pk=given).first()
        if place is None:
            errors.add("place", _("Please choose one of the center's places."))
            return empty
        return {
            "place": place,
            "place_name": place.name,
            "street": place.street,
            "postcode": place.postcode,
            "city": place.city,
            "lat": place.lat,
            "lon": place.lon,
        }
    street = _text(values, "street", 200)
    postcode = _text(values, "postcode", 5)
    city = _text(values, "city", 100)
    lat, lon = values.get("lat"), values.get("lon")
    if not (street or postcode or city):
        if mode == Mode.IN_PERSON:
            errors.add("place", _("An appointment in person needs a place."))
        return empty
    if postcode and not is_postcode(postcode):
        errors.add("postcode", _("A postcode has five digits."))
    if mode == Mode.IN_PERSON and not street:
        errors.add("street", _("Please give the street and house number."))
    if lat is None or lon is None:
        known = Place.objects.in_center(center)
        match = (
            known.filter(postcode=postcode).order_by("kind", "pk").first() if postcode else None
        ) or (known.filter(city__iexact=city).order_by("kind", "pk").first() if city else None)
        if match is None:
            errors.add(
                "city",
                _(
                    "This postcode or town is not in the center's area. Please choose a place "
                    "from the list or ask the center to add it."
                ),
            )
            return empty
        lat, lon = match.lat, match.lon
        city = city or match.city
        postcode = postcode or match.postcode
    else:
        try:
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError):
            errors.add("lat", _("Coordinates must be numbers."))
            return empty
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.add("lat", _("These coordinates are not on Earth."))
            return empty
    place_name = _text(values, "place_name", 200)
    errors.check("place_name", validate_no_contact_data, place_name)
    return {
        "place": None,
        "place_name": place_name,
        "street": street,
        "postcode": postcode,
        "city": city,
        "lat": lat,
        "lon": lon,
    }


# --- requests -------------------------------------------------------------------------------


def request_validate(
    *, center: Center, now: dt.datetime | None = None, check_lead: bool = True, **fields: Any
) -> None:
    """Check a request's fields against every rule without storing anything (for forms that
    show every error at once, even while other fields do not parse yet).

    :raises ValidationError: every field error at once.
    """
    _clean_fields(center=center, values=fields, now=now or timezone.now(), check_lead=check_lead)


def _department_for(actor: User, department: Any) -> Department:
    """The department a request is filed for, checked against the actor's roles."""
    if isinstance(department, Department):
        department = department.pk
    if department in (None, ""):
        own = sorted(department_ids_for(actor))
        if not own:
            raise ValidationError({"department": _("Please choose a department.")})
        department = own[0]
    found = None
    if isinstance(department, int) and not isinstance(department, bool) and 0 < department < 2**63:
        found = Department.objects.select_related("center").filter(pk=department).first()
    if found is None:
        raise ValidationError({"department": _("Please choose a known department.")})
    if not selectors.bookable_departments(user=actor).filter(pk=found.pk).exists():
        raise ValidationError({"department": _("You cannot file requests for this department.")})
    if not found.is_active:
        raise ValidationError({"department": _("This department is no longer active.")})
    return found


@transaction.atomic
def request_create(
    *, actor: User, now: dt.datetime | None = None, **fields: Any
) -> InterpreterRequest:
    """File a request for a department (the caseworker's own by default).

    Takes the fields of :data:`REQUEST_FIELDS`; ``department`` may be left out.
    Urgent and critical requests start a matching run on commit.

    :raises ValidationError: every field error at once; nothing is stored.
    """
    unknown = sorted(set(fields) - set(REQUEST_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    now = now or timezone.now()
    department = _department_for(actor, fields.get("department"))
    center = department.center
    values = _clean_fields(center=center, values=fields, now=now, check_lead=True)
    request = InterpreterRequest(center=center, department=department, created_by=actor, **values)
    request.client_cap_reached = selectors.client_cap_reached(
        center=center, client_ref=request.client_ref
    )
    request.full_clean()
    request.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=request,
        detail={"priority": request.priority, "mode": request.mode},
    )
    if request.is_urgent:
        _start_run(center.pk, "urgent")
    return request


def _locked_request(pk: int) -> InterpreterRequest:
    return InterpreterRequest.objects.select_for_update().select_related("center").get(pk=pk)


@transaction.atomic
def request_update(
    *, actor: User, request: InterpreterRequest, now: dt.datetime | None = None, **fields: Any
) -> InterpreterRequest:
    """Change a request while it is open (no offer out yet).

    :raises ValidationError: when not open, or every field error at once.
    """
    _require_request_role(actor, request)
    unknown = sorted(set(fields) - set(REQUEST_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    now = now or timezone.now()
    request = _locked_request(request.pk)
    if request.status != Status.OPEN:
        raise ValidationError(
            {
                "status": _("Only an open request can be changed; this one is “%(status)s”.")
                % {"status": request.get_status_display()}
            }
        )
    department = request.department
    if "department" in fields:
        department = _department_for(actor, fields["department"])
        if department.center_id != request.center_id:
            raise ValidationError({"department": _("Please choose a known department.")})
    current: dict[str, Any] = {
        name: getattr(request, name) for name in REQUEST_FIELDS if name not in ("department",)
    }
    current["language"] = request.language_id
    current["place"] = request.place_id
    if any(name in fields for name in ("place", "place_name", "street", "postcode", "city")):
        # A new place replaces the old one whole.
        for name in ("place", "place_name", "street", "postcode", "city", "lat", "lon"):
            current[name] = None if name in ("place", "lat", "lon") else ""
    elif request.place_id is not None:
        current.update(place_name="", street="", postcode="", city="", lat=None, lon=None)
    current.update(fields)
    moved = any(
        name in fields and fields[name] != getattr(request, name)
        for name in ("start", "end", "priority")
    )
    values = _clean_fields(center=request.center, values=current, now=now, check_lead=moved)
    changed = [name for name, value in values.items() if getattr(request, name) != value]
    for name, value in values.items():
        setattr(request, name, value)
    request.department = department
    request.client_cap_reached = selectors.client_cap_reached(
        center=request.center, client_ref=request.client_ref, exclude_request=request.pk
    )
    request.full_clean()
    request.save()
    audit_log(actor=actor, action=AuditEvent.Action.UPDATE, obj=request, detail={"fields": changed})
    if request.is_urgent and changed:
        _start_run(request.center_id, "urgent")
    return request


def request_cancel_refusal(request: InterpreterRequest, *, now: dt.datetime) -> str:
    """Why the request cannot be cancelled now (empty: it can).

    Open, offered and assigned requests can be cancelled; an assigned one only until its
    appointment begins — what happened then goes into the Einsatznachweis ("cancelled on
    the spot", "the client did not come").
    """
    if request.status not in (Status.OPEN, Status.OFFERED, Status.ASSIGNED):
        return _("This request can no longer be cancelled; it is “%(status)s”.") % {
            "status": request.get_status_display()
        }
    if request.status == Status.ASSIGNED and request.start <= now:
        return _(
            "The appointment has begun; please record in the Einsatznachweis what happened "
            "(for example: cancelled on the spot, or the client did not come)."
        )
    return ""


@transaction.atomic
def request_cancel(*, actor: User, request: InterpreterRequest, reason: Any) -> InterpreterRequest:
    """Cancel a request: a pending offer is withdrawn, an assignment freed, the interpreter told.

    :raises ValidationError: without a reason, or when it can no longer be cancelled
        (:func:`request_cancel_refusal`).
    """
    _require_request_role(actor, request)
    reason = _clean_reason(reason)
    request = _locked_request(request.pk)
    now = timezone.now()
    refusal = request_cancel_refusal(request, now=now)
    if refusal:
        raise ValidationError({"status": refusal})
    for offer in Offer.objects.select_for_update().filter(_OPEN_OFFER, request=request):
        _offer_move(offer, Offer.Status.WITHDRAWN, now=now)
        _notify("offer_withdrawn", offer.pk)
    for assignment in Assignment.objects.select_for_update().filter(
        request=request, status=Assignment.Status.UPCOMING
    ):
        _assignment_cancelled(assignment, actor=actor, reason=reason, now=now)
        allowances.allowance_short_notice(assignment=assignment, actor=actor, now=now)
        _notify("assignment_cancelled_by_requester", assignment.pk)
    old = REQUEST_WORKFLOW.move(request, Status.CANCELLED)
    request.cancel_reason, request.cancelled_at, request.cancelled_by = reason, now, actor
    request.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=request,
        detail={"from": old, "to": request.status},
    )
    return request


# --- offers ---------------------------------------------------------------------------------


def _offer_move(offer: Offer, target: str, *, now: dt.datetime) -> None:
    OFFER_WORKFLOW.move(offer, target)
    if target != Offer.Status.WITHDRAWN or offer.responded_at is None:
        offer.responded_at = offer.responded_at or now
    offer.awaiting_confirmation = False
    offer.save()


def _exclude(
    request: InterpreterRequest, interpreter_id: int, reason: str, actor: User | None
) -> RequestExclusion:
    exclusion, _created = RequestExclusion.objects.get_or_create(
        request=request,
        interpreter_id=interpreter_id,
        defaults={"reason": reason, "created_by": actor},
    )
    return exclusion


@transaction.atomic
def offer_create(
    *,
    request: InterpreterRequest,
    interpreter: InterpreterProfile,
    actor: User | None = None,
    run_id: int | None = None,
    source: str = Offer.Source.ENGINE,
    now: dt.datetime | None = None,
) -> Offer:
    """Offer an open request to one interpreter (the one pending offer of the request).

    The offer message goes out on commit. The hard constraints are the engine's (or, for a
    coordinator's choice, checked by ``matching.services.offer_manual``).

    :raises ValidationError: the request is not open, the interpreter is of another center
        or excluded for this request.
    """
    now = now or timezone.now()
    request = _locked_request(request.pk)
    if request.status != Status.OPEN:
        raise ValidationError(
            {
                "request": _("Only an open request can be offered; this one is “%(status)s”.")
                % {"status": request.get_status_display()}
            }
        )
    if request.start <= now:
        raise ValidationError({"request": _("The appointment has started already.")})
    if interpreter.volunteer.center_id != request.center_id:
        raise ValidationError({"interpreter": _("Please choose an interpreter of the pool.")})
    if RequestExclusion.objects.filter(request=request, interpreter=interpreter).exists():
        raise ValidationError({"interpreter": _("This interpreter is excluded for this request.")})
    offer = Offer(
        request=request,
        interpreter=interpreter,
        source=source,
        run_id=run_id,
        created_by=actor,
        expires_at=offer_expires_at(request=request, now=now),
    )
    offer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as exc:
        raise ValidationError({"request": _("This request has a pending offer already.")}) from exc
    REQUEST_WORKFLOW.move(request, Status.OFFERED)
    request.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=offer,
        center=request.center_id,
        detail={"request": request.pk, "interpreter": interpreter.pk, "source": source},
    )
    _notify("offer_made", offer.pk)
    return offer


@dataclass(frozen=True)
class OfferPlan:
    """One offer a matching run wants to make: request and interpreter by primary key."""

    request_id: int
    interpreter_id: int


def offers_create_for_run(
    *, plans: list[OfferPlan], run_id: int, center: Center, now: dt.datetime | None = None
) -> list[Offer]:
    """Turn a run's assignments into pending offers, in a fixed number of queries.

    Must run inside the run's transaction. A plan whose request is no longer open, has
    started, or excludes the interpreter is skipped (the next run sees the new state).
    Messages go out on commit through one task for all offers.
    """
    now = now or timezone.now()
    if not plans:
        return []
    ids = [plan.request_id for plan in plans]
    requests = {
        r.pk: r
        for r in InterpreterRequest.objects.select_for_update()
        .select_related("center")
        .filter(pk__in=ids, center=center, status=Status.OPEN, start__gt=now)
    }
    excluded = set(
        RequestExclusion.objects.filter(request_id__in=list(requests)).values_list(
            "request_id", "interpreter_id"
        )
    )
    pending = set(
        Offer.objects.filter(
            request_id__in=list(requests), status=Offer.Status.PENDING
        ).values_list("request_id", flat=True)
    )
    offers = [
        Offer(
            request=requests[plan.request_id],
            interpreter_id=plan.interpreter_id,
            source=Offer.Source.ENGINE,
            run_id=run_id,
            expires_at=offer_expires_at(request=requests[plan.request_id], now=now),
        )
        for plan in plans
        if plan.request_id in requests
        and plan.request_id not in pending
        and (plan.request_id, plan.interpreter_id) not in excluded
    ]
    if not offers:
        return []
    Offer.objects.bulk_create(offers)
    offered = [offer.request_id for offer in offers]
    InterpreterRequest.objects.filter(pk__in=offered).update(status=Status.OFFERED, updated_at=now)
    audit_log_many(
        [
            AuditEvent(
                action=AuditEvent.Action.CREATE,
                center_id=center.pk,
                object_type=Offer._meta.label_lower,
                object_id=str(offer.pk),
                detail={
                    "request": offer.request_id,
                    "interpreter": offer.interpreter_id,
                    "run": run_id,
                },
            )
            for offer in offers
        ]
    )
    _on_commit_task("requests.tasks.notify_many", "offer_made", [offer.pk for offer in offers])
    return offers


def _locked_offer(offer: Offer) -> tuple[Offer, InterpreterRequest]:
    """Lock the request first, then the offer (the same order everywhere: no deadlocks)."""
    request = _locked_request(offer.request_id)
    locked = (
        Offer.objects.select_for_update().select_related("interpreter__volunteer").get(pk=offer.pk)
    )
    return locked, request


def _blocked_range(request: InterpreterRequest) -> tuple[dt.datetime, dt.datetime]:
    half_gap = dt.timedelta(minutes=request.center.gap_minutes) / 2
    return request.start - half_gap, request.end + half_gap


def _assign(
    offer: Offer, request: InterpreterRequest, *, actor: User | None, now: dt.datetime
) -> Assignment:
    """Create the assignment of an accepted offer; refuse a clash with the interpreter's others."""
    # Serialise the interpreter's bookings (PostgreSQL); SQLite serialises every writer.
    InterpreterProfile.objects.select_for_update().filter(pk=offer.interpreter_id).first()
    blocked_start, blocked_end = _blocked_range(request)
    clash = Assignment.objects.holding().filter(
        interpreter_id=offer.interpreter_id,
        blocked_start__lt=blocked_end,
        blocked_end__gt=blocked_start,
    )
    if clash.exists():
        raise OfferConflict(_("You already have an assignment at that time."))
    assignment = Assignment(
        request=request,
        interpreter_id=offer.interpreter_id,
        offer=offer,
        start=request.start,
        end=request.end,
        blocked_start=blocked_start,
        blocked_end=blocked_end,
    )
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:  # the database's exclusion or uniqueness constraint
        raise OfferConflict(_("You already have an assignment at that time.")) from exc
    REQUEST_WORKFLOW.move(request, Status.ASSIGNED)
    request.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=assignment,
        center=request.center_id,
        detail={"request": request.pk, "interpreter": offer.interpreter_id},
    )
    _notify("request_assigned", assignment.pk)
    return assignment


@transaction.atomic
def offer_accept(
    *,
    actor: User | None,
    offer: Offer,
    now: dt.datetime | None = None,
    token: str | None = None,
) -> Offer:
    """The offered interpreter says yes (logged in, or through the one-tap link's ``token``).

    Locks the request, checks the offer is still pending and not expired, and creates the
    assignment in the same transaction (or, where the coordinator confirms, marks the offer
    accepted and waiting).

    :raises OfferConflict: the offer is no longer pending, has expired, or the
        interpreter is booked at that time; nothing changes.
    """
    now = now or timezone.now()
    offer, request = _locked_offer(offer)
    _require_interpreter(actor, offer, token)
    if offer.status != Offer.Status.PENDING:
        raise OfferConflict(
            _("This offer is no longer open (%(status)s).") % {"status": offer.get_status_display()}
        )
    if offer.expires_at <= now:
        raise OfferConflict(_("This offer has expired."))
    _offer_move(offer, Offer.Status.ACCEPTED, now=now)
    if request.center.confirm_mode == Center.ConfirmMode.COORDINATOR:
        offer.awaiting_confirmation = True
        offer.save(update_fields=["awaiting_confirmation"])
        _notify("offer_awaiting_confirmation", offer.pk)
    else:
        _assign(offer, request, actor=actor, now=now)
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=offer,
        center=request.center_id,
        detail={"from": Offer.Status.PENDING, "to": offer.status},
    )
    return offer


@transaction.atomic
def offer_confirm(*, actor: User, offer: Offer, now: dt.datetime | None = None) -> Assignment:
    """A coordinator confirms an accepted offer (centers where the coordinator confirms).

    :raises ValidationError: the offer is not waiting for confirmation.
    :raises OfferConflict: the interpreter is booked at that time meanwhile.
    """
    now = now or timezone.now()
    offer, request = _locked_offer(offer)
    _require_coordinator(actor, request.center_id)
    if offer.status != Offer.Status.ACCEPTED or not offer.awaiting_confirmation:
        raise ValidationError({"offer": _("This offer is not waiting for confirmation.")})
    offer.awaiting_confirmation = False
    offer.save(update_fields=["awaiting_confirmation"])
    return _assign(offer, request, actor=actor, now=now)


@transaction.atomic
def offer_decline(
    *,
    actor: User | None,
    offer: Offer,
    reason: Any = "",
    now: dt.datetime | None = None,
    token: str | None = None,
) -> Offer:
    """The offered interpreter says no (logged in, or through the link's ``token``): they
    are excluded for this request, which is offered anew.

    :raises OfferConflict: the offer is no longer pending.
    """
    now = now or timezone.now()
    reason = _clean_reason(reason, required=False)
    offer, request = _locked_offer(offer)
    _require_interpreter(actor, offer, token)
    if offer.status != Offer.Status.PENDING:
        raise OfferConflict(
            _("This offer is no longer open (%(status)s).") % {"status": offer.get_status_display()}
        )
    offer.decline_reason = reason
    _offer_move(offer, Offer.Status.DECLINED, now=now)
    _exclude(request, offer.interpreter_id, RequestExclusion.Reason.DECLINED, actor)
    _reopen(request)
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=offer,
        center=request.center_id,
        detail={"from": Offer.Status.PENDING, "to": offer.status},
    )
    _start_run(request.center_id, "reoffer")
    return offer


def _reopen(request: InterpreterRequest) -> None:
    REQUEST_WORKFLOW.move(request, Status.OPEN)
    request.save(update_fields=["status", "updated_at"])


@transaction.atomic
def offer_withdraw(*, actor: User, offer: Offer, now: dt.datetime | None = None) -> Offer:
    """A coordinator withdraws a pending (or accepted, unconfirmed) offer; the request reopens.

    :raises ValidationError: the offer is not pending or waiting.
    """
    now = now or timezone.now()
    offer, request = _locked_offer(offer)
    _require_coordinator(actor, request.center_id)
    waiting = offer.status == Offer.Status.ACCEPTED and offer.awaiting_confirmation
    if offer.status != Offer.Status.PENDING and not waiting:
        raise ValidationError({"offer": _("Only a pending offer can be withdrawn.")})
    old = offer.status
    _offer_move(offer, Offer.Status.WITHDRAWN, now=now)
    if request.status == Status.OFFERED:
        _reopen(request)
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=offer,
        center=request.center_id,
        detail={"from": old, "to": offer.status},
    )
    _notify("offer_withdrawn", offer.pk)
    return offer


def offer_token(offer: Offer) -> str:
    """The signed token of the one-tap link (carries the offer's id only)."""
    return signing.dumps({"o": offer.pk}, salt=OFFER_TOKEN_SALT, compress=True)


def _token_offer_id(token: str) -> int | None:
    """The offer id a signed link carries, or ``None`` for anything not signed by us."""
    try:
        data = signing.loads(token, salt=OFFER_TOKEN_SALT)
        return int(data["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def offer_from_token(token: str) -> Offer:
    """The offer a one-tap link names.

    The link works while the offer is pending and not expired; every answer goes through
    :func:`offer_accept` / :func:`offer_decline`, so it acts once.

    :raises ValidationError: the token is not one of ours.
    """
    pk = _token_offer_id(token)
    if pk is None:
        raise ValidationError(_("This link is not valid."))
    offer = (
        Offer.objects.select_related(
            "request__language", "request__center", "request__department", "interpreter__volunteer"
        )
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise ValidationError(_("This link is not valid."))
    return offer


@transaction.atomic
def offer_expire(*, offer: Offer, now: dt.datetime | None = None) -> bool:
    """Expire one pending offer past its time: the interpreter is excluded, the request reopens.

    :return: whether the offer expired now.
    """
    now = now or timezone.now()
    offer, request = _locked_offer(offer)
    if offer.status != Offer.Status.PENDING or offer.expires_at > now:
        return False
    _offer_move(offer, Offer.Status.EXPIRED, now=now)
    _exclude(request, offer.interpreter_id, RequestExclusion.Reason.EXPIRED, None)
    if request.status == Status.OFFERED:
        _reopen(request)
    audit_log(
        actor=None,
        action=AuditEvent.Action.TRANSITION,
        obj=offer,
        center=request.center_id,
        detail={"from": Offer.Status.PENDING, "to": offer.status},
    )
    return True


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Expire every pending offer past its time (one transaction each); re-offer at once."""
    now = now or timezone.now()
    due = Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=now).select_related(
        "request"
    )
    centers: set[int] = set()
    expired = 0
    for offer in due:
        if offer_expire(offer=offer, now=now):
            expired += 1
            centers.add(offer.request.center_id)
    for center_id in sorted(centers):
        with transaction.atomic():
            _start_run(center_id, "reoffer")
    return expired


def requests_mark_unfilled(*, now: dt.datetime | None = None) -> int:
    """Requests still open or offered when they start become ``unfilled`` (offers withdrawn)."""
    now = now or timezone.now()
    count = 0
    for pk in InterpreterRequest.objects.filter(
        status__in=[Status.OPEN, Status.OFFERED], start__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            request = _locked_request(pk)
            if request.status not in (Status.OPEN, Status.OFFERED) or request.start > now:
                continue
            for offer in Offer.objects.select_for_update().filter(_OPEN_OFFER, request=request):
                _offer_move(offer, Offer.Status.WITHDRAWN, now=now)
            old = REQUEST_WORKFLOW.move(request, Status.UNFILLED)
            request.save(update_fields=["status", "updated_at"])
            audit_log(
                actor=None,
                action=AuditEvent.Action.TRANSITION,
                obj=request,
                detail={"from": old, "to": request.status},
            )
            _notify("request_unfilled", request.pk)
            count += 1
    return count


# --- assignments and exclusions -------------------------------------------------------------


def _assignment_cancelled(
    assignment: Assignment, *, actor: User | None, reason: str, now: dt.datetime
) -> None:
    ASSIGNMENT_WORKFLOW.move(assignment, Assignment.Status.CANCELLED)
    assignment.cancelled_at, assignment.cancelled_by = now, actor
    assignment.cancel_reason = reason
    assignment.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=assignment,
        center=assignment.request.center_id,
        detail={"from": Assignment.Status.UPCOMING, "to": assignment.status},
    )


@transaction.atomic
def assignment_cancel(*, actor: User, assignment: Assignment, reason: Any) -> Assignment:
    """The interpreter (or a coordinator) cancels an upcoming assignment.

    The request reopens and is offered anew at once (the interpreter who cancelled is not
    asked again); the caseworker is told.

    :raises ValidationError: without a reason, or when the assignment is not upcoming.
    """
    reason = _clean_reason(reason)
    request = _locked_request(assignment.request_id)
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("interpreter__volunteer", "request")
        .get(pk=assignment.pk)
    )
    is_interpreter = actor is not None and assignment.interpreter.volunteer.user_id == actor.pk
    if not is_interpreter:
        _require_coordinator(actor, request.center_id)
    now = timezone.now()
    if assignment.status != Assignment.Status.UPCOMING or assignment.end <= now:
        raise ValidationError({"status": _("Only an upcoming assignment can be cancelled.")})
    _assignment_cancelled(assignment, actor=actor, reason=reason, now=now)
    if is_interpreter:
        _exclude(request, assignment.interpreter_id, RequestExclusion.Reason.CANCELLED, actor)
    else:
        allowances.allowance_short_notice(assignment=assignment, actor=actor, now=now)
    if request.status == Status.ASSIGNED:
        _reopen(request)
        _start_run(request.center_id, "reoffer")
    _notify(
        "assignment_cancelled_by_interpreter"
        if is_interpreter
        else "assignment_cancelled_by_coordinator",
        assignment.pk,
    )
    return assignment


@transaction.atomic
def request_exclude_interpreter(
    *, actor: User, request: InterpreterRequest, interpreter: InterpreterProfile
) -> RequestExclusion:
    """A coordinator excludes an interpreter for one request; a pending offer is withdrawn."""
    _require_coordinator(actor, request.center_id)
    if interpreter.volunteer.center_id != request.center_id:
        raise ValidationError({"interpreter": _("Please choose an interpreter of the pool.")})
    request = _locked_request(request.pk)
    if request.status not in (Status.OPEN, Status.OFFERED):
        raise ValidationError(
            {
                "request": _(
                    "Only an open or offered request can exclude someone; this one is “%(status)s”."
                )
                % {"status": request.get_status_display()}
            }
        )
    exclusion = _exclude(request, interpreter.pk, RequestExclusion.Reason.COORDINATOR, actor)
    now = timezone.now()
    for offer in Offer.objects.select_for_update().filter(
        _OPEN_OFFER, request=request, interpreter=interpreter
    ):
        _offer_move(offer, Offer.Status.WITHDRAWN, now=now)
        _reopen(request)
        _notify("offer_withdrawn", offer.pk)
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=exclusion,
        center=request.center_id,
        detail={"request": request.pk, "interpreter": interpreter.pk},
    )
    return exclusion


# --- erasure (DSGVO Art. 17) ----------------------------------------------------------------

#: What the department is told when an interpreter's data were erased before an appointment.
INTERPRETER_ERASED_REASON = gettext_lazy("The interpreter is no longer available.")


@transaction.atomic
def interpreter_flow_erase(*, actor: User | None, volunteer: Any) -> None:
    """Release an anonymised interpreter from the request flow.

    Receiver of :data:`volunteers.signals.volunteer_anonymised` (connected in
    :class:`requests.apps.RequestsConfig`), inside the anonymising transaction:

    - pending offers (and accepted ones waiting for the coordinator) are withdrawn, their
      requests reopen and are offered anew;
    - upcoming assignments not yet begun are cancelled as by the interpreter: the request
      reopens and is offered anew, the department is told
      (``assignment_cancelled_by_interpreter``, reason :data:`INTERPRETER_ERASED_REASON`);
    - the interpreter's own free texts go: decline reasons of their offers and the notes
      of their Einsatznachweis entries.

    Kept, linked to the anonymous profile: past assignments, the Einsatznachweis facts and
    every allowance entry (payment records); no request is deleted.
    """
    profile = InterpreterProfile.objects.filter(volunteer=volunteer).first()
    if profile is None:
        return
    now = timezone.now()
    centers: set[int] = set()
    open_offers = Offer.objects.filter(_OPEN_OFFER, interpreter=profile)
    for request_id, offer_id in open_offers.order_by("pk").values_list("request_id", "pk"):
        request = _locked_request(request_id)
        offer = Offer.objects.select_for_update().filter(_OPEN_OFFER, pk=offer_id).first()
        if offer is None:
            continue
        old = offer.status
        _offer_move(offer, Offer.Status.WITHDRAWN, now=now)
        if request.status == Status.OFFERED:
            _reopen(request)
        audit_log(
            actor=actor,
            action=AuditEvent.Action.TRANSITION,
            obj=offer,
            center=request.center_id,
            detail={"from": old, "to": offer.status, "erased": True},
        )
        centers.add(request.center_id)
    upcoming = Assignment.objects.filter(
        interpreter=profile, status=Assignment.Status.UPCOMING, start__gt=now
    )
    for request_id, assignment_id in upcoming.order_by("pk").values_list("request_id", "pk"):
        request = _locked_request(request_id)
        assignment = (
            Assignment.objects.select_for_update().select_related("request").get(pk=assignment_id)
        )
        _assignment_cancelled(
            assignment, actor=actor, reason=str(INTERPRETER_ERASED_REASON), now=now
        )
        if request.status == Status.ASSIGNED:
            _reopen(request)
        centers.add(request.center_id)
        _notify("assignment_cancelled_by_interpreter", assignment.pk)
    Offer.objects.filter(interpreter=profile).exclude(decline_reason="").update(decline_reason="")
    Confirmation.objects.filter(
        assignment__interpreter=profile, side=Confirmation.Side.INTERPRETER
    ).exclude(note="").update(note="")
    for center_id in sorted(centers):
        _start_run(center_id, "reoffer")
