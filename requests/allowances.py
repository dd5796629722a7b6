"""The expense allowance (Aufwandsentschädigung): the center's rule as a pure policy, and the
booking of :class:`~requests.models.AllowanceEntry` rows.

**One rounding rule** (:func:`money`): amounts are ``Decimal`` throughout; the total of one
computation is rounded once, to the cent, half up (0.30 €/km × 12.5 km = 3.75 €).

**Rules** (``Center.allowance_rule``, computed by :func:`allowance_compute`, no database):

- *flat per assignment and client* (WIR): the flat amount (20 €) while the assignment is
  among the first ``allowance_cap_per_client`` (5) paid assignments of its client in the
  center, else 0. A :class:`~requests.models.ClientCapException` raises the cap for one
  client. ``cap_position`` is how many paid flat assignments the client already had + 1
  (an unpaid sixth does not use up a place: the next one is the sixth again). Assignments
  without a client reference are not counted against any cap.
- *per started hour plus travel*: every started hour of the actual time (60 min = 1 h,
  61 min = 2 h) × the hourly amount, plus the travel km (there and back) × the amount per km.

**Bases**: it took place; cancelled at short notice (by the requester or the coordinator less
than ``Center.short_notice_hours`` before the start, or "cancelled on the spot"); the client
did not come. The last two pay by ``Center.short_notice_pay``: nothing, travel only
(km × per km; the home → place distance for a cancellation), or the flat amount (under the
flat rule within the client's cap like any paid assignment). "The interpreter did not
come" pays nothing: it is booked as a ``not_paid`` entry of 0, so every settled assignment
has exactly one entry of kind ``assignment``.

**Booking month**: the first entry is booked in the month (Europe/Berlin) the appointment
starts in, whenever it is confirmed; an assignment on 31 Jan 23:00–1 Feb 00:30 belongs to
January. Entries are never edited: a later change (the coordinator corrects a completed
assignment) books a ``correction`` entry with the difference in the month it is made,
``corrects`` pointing at the original entry; its inputs are those of the new computation.
No entry is booked when neither amount nor basis change.

**Closed months** (:class:`~requests.models.BillingMonth`, closed by
:func:`requests.billing.billing_month_close`): nothing is ever booked into a closed month.
:func:`allowance_book` is the one booking path (the Einsatznachweis, the coordinator's
decision and correction, short-notice cancellations; web and API alike), and it moves an
entry whose month is closed to the next open month (:func:`open_month_from`): a correction
keeps ``corrects`` pointing at the original, so a closed month's total never changes.

**Yearly limit**: the tax-free limit for volunteer work (Ehrenamtspauschale,
``settings.TAX_FREE_ALLOWANCE_LIMITS``, year it applies from → EUR) by :func:`tax_free_limit`.

This module imports no other module of the app except its models (selectors and services
import it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Mode
from core.models import AuditEvent, Center, Role, User
from core.scoping import has_role
from core.services import audit_log
from core.validators import validate_no_contact_data, validate_pseudonym
from requests.models import (
    AbsenceReason,
    AllowanceEntry,
    Assignment,
    BillingMonth,
    ClientCapException,
    InterpreterRequest,
)
from sprachpool.models import InterpreterProfile

CENT = Decimal("0.01")
KM_STEP = Decimal("0.1")
EARTH_RADIUS_KM = 6371.0088

Rule = Center.AllowanceRule
Basis = AllowanceEntry.Basis
Pay = Center.ShortNoticePay

#: Bases that pay by ``Center.short_notice_pay``.
SHORT_NOTICE_BASES = (Basis.SHORT_NOTICE, Basis.CLIENT_ABSENT)


def money(value: Decimal | int | str) -> Decimal:
    """The one rounding rule: to the cent, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def km(value: Decimal | int | str | float) -> Decimal:
    """A distance to one decimal, half up (as stored)."""
    return Decimal(str(value)).quantize(KM_STEP, rounding=ROUND_HALF_UP)


def started_hours(minutes: int) -> int:
    """Every started hour counts: 60 minutes are 1 hour, 61 minutes 2 hours."""
    return max(1, math.ceil(minutes / 60))


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (a started minute counts)."""
    return max(0, math.ceil((end - start).total_seconds() / 60))


# --- the pure policy ------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowanceTerms:
    """A center's allowance rule and amounts at the time of booking."""

    rule: str
    flat_amount: Decimal
    hourly_amount: Decimal
    per_km: Decimal
    short_notice_pay: str
    cap_per_client: int

    @classmethod
    def of(cls, center: Center) -> AllowanceTerms:
        return cls(
            rule=center.allowance_rule,
            flat_amount=Decimal(center.allowance_flat_amount),
            hourly_amount=Decimal(center.allowance_hourly_amount),
            per_km=Decimal(center.allowance_per_km),
            short_notice_pay=center.short_notice_pay,
            cap_per_client=center.allowance_cap_per_client,
        )


@dataclass(frozen=True)
class AllowanceResult:
    """What :func:`allowance_compute` found, with the inputs that went into the amount."""

    amount: Decimal
    #: Whether the flat amount is paid (counts as a paid assignment of the client).
    pays_flat: bool = False
    #: Whether the flat amount was considered (a place in the client's count is asked for).
    flat_considered: bool = False
    started_hours: int | None = None
    #: The km paid for (``None`` when travel is not part of the amount).
    paid_km: Decimal | None = None


def flat_considered(*, terms: AllowanceTerms, basis: str) -> bool:
    """Whether this basis may pay the flat amount under the center's rule (needs the cap)."""
    if terms.rule != Rule.FLAT_PER_CLIENT:
        return False
    if basis == Basis.TOOK_PLACE:
        return True
    return basis in SHORT_NOTICE_BASES and terms.short_notice_pay == Pay.FLAT


def allowance_compute(
    *,
    terms: AllowanceTerms,
    basis: str,
    minutes: int | None = None,
    travel_km: Decimal | None = None,
    cap: int | None = None,
    cap_position: int | None = None,
) -> AllowanceResult:
    """The allowance of one assignment by the center's rule (no database).

    :param minutes: the actual duration (needed for the hourly rule when it took place).
    :param travel_km: km there and back (hourly rule; "travel only" pay).
    :param cap: paid assignments this client may have (flat rule).
    :param cap_position: the how-many-th paid assignment of the client this would be;
        ``None`` when the client is unknown (not capped).
    """
    distance = Decimal(travel_km) if travel_km is not None else Decimal("0")
    if basis == Basis.NOT_PAID:
        return AllowanceResult(amount=money(0))
    within_cap = cap_position is None or cap is None or cap_position <= cap
    if basis == Basis.TOOK_PLACE:
        if terms.rule == Rule.FLAT_PER_CLIENT:
            amount = terms.flat_amount if within_cap else Decimal("0")
            return AllowanceResult(amount=money(amount), pays_flat=within_cap, flat_considered=True)
        hours = started_hours(minutes or 0)
        total = hours * terms.hourly_amount + distance * terms.per_km
        return AllowanceResult(amount=money(total), started_hours=hours, paid_km=distance)
    if basis not in SHORT_NOTICE_BASES:
        raise ValueError(f"unknown basis {basis!r}")
    if terms.short_notice_pay == Pay.TRAVEL:
        return AllowanceResult(amount=money(distance * terms.per_km), paid_km=distance)
    if terms.short_notice_pay == Pay.FLAT:
        if terms.rule == Rule.FLAT_PER_CLIENT:
            amount = terms.flat_amount if within_cap else Decimal("0")
            return AllowanceResult(amount=money(amount), pays_flat=within_cap, flat_considered=True)
        return AllowanceResult(amount=money(terms.flat_amount))
    return AllowanceResult(amount=money(0))


# --- distances ------------------------------------------------------------------------------


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def travel_km_prefill(*, assignment: Assignment) -> Decimal | None:
    """Home → place distance × 2 (there and back) as the crow flies, one decimal.

    ``None`` unless the appointment is in person and both the interpreter's home (their own
    coordinates, else their town's) and the place have coordinates.
    """
    return travel_km_between(request=assignment.request, interpreter=assignment.interpreter)


def travel_km_between(
    *, request: InterpreterRequest, interpreter: InterpreterProfile
) -> Decimal | None:
    """:func:`travel_km_prefill` for a request and an interpreter (before an assignment)."""
    if request.mode != Mode.IN_PERSON:
        return None
    lat, lon = request.lat, request.lon
    if (lat is None or lon is None) and request.place is not None:
        lat, lon = request.place.lat, request.place.lon
    volunteer = interpreter.volunteer
    home_lat, home_lon = volunteer.home_lat, volunteer.home_lon
    if (home_lat is None or home_lon is None) and volunteer.home_place is not None:
        home_lat, home_lon = volunteer.home_place.lat, volunteer.home_place.lon
    if lat is None or lon is None or home_lat is None or home_lon is None:
        return None
    return km(2 * _haversine_km(home_lat, home_lon, lat, lon))


# --- reads the booking needs ----------------------------------------------------------------


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """The first day of the month (Europe/Berlin) of a moment or day."""
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def open_month_from(*, center: Center | int, month: dt.date) -> dt.date:
    """``month`` if it is open for booking in the center, else the first open month after
    it (closed months are :class:`~requests.models.BillingMonth` rows)."""
    center_id = center.pk if isinstance(center, Center) else center
    month = month.replace(day=1)
    closed = set(
        BillingMonth.objects.filter(center_id=center_id, month__gte=month).values_list(
            "month", flat=True
        )
    )
    while month in closed:
        month = next_month(month)
    return month


def client_cap(*, center: Center, client_ref: str) -> int:
    """Paid assignments this client may have: the center's cap, or the exception's."""
    cap = center.allowance_cap_per_client
    if not client_ref:
        return cap
    exception = ClientCapException.objects.filter(center=center, client_ref=client_ref).first()
    return max(cap, exception.cap) if exception is not None else cap


def pays_flat(entry: AllowanceEntry) -> bool:
    """Whether an entry (the latest of its assignment) pays the flat amount."""
    return (
        entry.rule == Rule.FLAT_PER_CLIENT
        and entry.cap_position is not None
        and entry.cap is not None
        and entry.cap_position <= entry.cap
    )


def paid_flat_count(*, center: Center, client_ref: str, exclude_assignment: int | None) -> int:
    """How many assignments of the client in the center are paid the flat amount now (by the
    latest entry of each assignment: a correction can take the payment back)."""
    if not client_ref:
        return 0
    latest: dict[int, AllowanceEntry] = {}
    entries = AllowanceEntry.objects.filter(
        center=center, client_ref=client_ref, rule=Rule.FLAT_PER_CLIENT
    ).order_by("created_at", "id")
    if exclude_assignment is not None:
        entries = entries.exclude(assignment_id=exclude_assignment)
    for entry in entries:
        latest[entry.assignment_id] = entry
    return sum(1 for entry in latest.values() if pays_flat(entry))


def booked_total(*, assignment: Assignment) -> Decimal:
    """The net amount booked for an assignment (its entry and corrections)."""
    return money(sum((e.amount for e in assignment.allowance_entries.all()), Decimal("0")))


# --- booking --------------------------------------------------------------------------------


def basis_for(*, took_place: bool, reason: str) -> str:
    """The allowance basis of a settled Einsatznachweis."""
    if took_place:
        return Basis.TOOK_PLACE
    if reason == AbsenceReason.CLIENT_ABSENT:
        return Basis.CLIENT_ABSENT
    if reason == AbsenceReason.CANCELLED_ON_SITE:
        return Basis.SHORT_NOTICE
    return Basis.NOT_PAID


_OPTIONAL_INPUTS = (
    "cap_position",
    "cap",
    "minutes",
    "started_hours",
    "travel_km",
    "flat_amount",
    "hourly_amount",
    "per_km",
)


@transaction.atomic
def allowance_book(
    *,
    assignment: Assignment,
    basis: str,
    actor: User | None,
    now: dt.datetime | None = None,
) -> AllowanceEntry:
    """Compute the allowance of an assignment by its center's rule and book it.

    The first entry (kind ``assignment``) goes into the month of the appointment's start.
    When the assignment has entries already (a correction), the difference to what is
    booked becomes a ``correction`` entry in the current month, pointing at the original;
    when neither amount nor basis change, nothing is booked and the latest entry is
    returned. Either goes into the next open month when its month is closed
    (:func:`open_month_from`; the center's row, locked here and by the closing, keeps the
    two apart). The settled times and km are read from ``assignment`` (``actual_start``,
    ``actual_end``, ``travel_km``); a short-notice cancellation without km uses the home →
    place distance.

    :param basis: one of :class:`AllowanceEntry.Basis`.
    :param actor: who caused the booking (``None``: the system).
    """
    now = now or timezone.now()
    request = assignment.request
    # The center's row serialises the count of a client's paid assignments.
    center = Center.objects.select_for_update().get(pk=request.center_id)
    terms = AllowanceTerms.of(center)
    client_ref = request.client_ref

    minutes = None
    if basis == Basis.TOOK_PLACE:
        if assignment.actual_start is None or assignment.actual_end is None:
            raise ValidationError({"actual_start": _("The actual times are missing.")})
        minutes = minutes_between(assignment.actual_start, assignment.actual_end)
    distance: Decimal | None = None
    if basis != Basis.NOT_PAID and request.mode == Mode.IN_PERSON:
        distance = assignment.travel_km
        if distance is None and basis == Basis.SHORT_NOTICE:
            distance = travel_km_prefill(assignment=assignment)

    cap = cap_position = None
    if flat_considered(terms=terms, basis=basis):
        cap = client_cap(center=center, client_ref=client_ref)
        if client_ref:
            cap_position = (
                paid_flat_count(
                    center=center, client_ref=client_ref, exclude_assignment=assignment.pk
                )
                + 1
            )
    result = allowance_compute(
        terms=terms,
        basis=basis,
        minutes=minutes,
        travel_km=distance,
        cap=cap,
        cap_position=cap_position,
    )

    entries = list(
        AllowanceEntry.objects.filter(assignment=assignment).order_by("created_at", "id")
    )
    original = next((e for e in entries if e.kind == AllowanceEntry.Kind.ASSIGNMENT), None)
    if original is None:
        kind, amount, month, corrects = (
            AllowanceEntry.Kind.ASSIGNMENT,
            result.amount,
            month_of(assignment.start),
            None,
        )
    else:
        booked = money(sum((e.amount for e in entries), Decimal("0")))
        latest = entries[-1]
        if result.amount == booked and basis == latest.basis:
            return latest
        kind, amount, month, corrects = (
            AllowanceEntry.Kind.CORRECTION,
            money(result.amount - booked),
            month_of(now),
            original,
        )
    month = open_month_from(center=center, month=month)

    hourly_paid = terms.rule == Rule.HOURLY and basis == Basis.TOOK_PLACE
    flat_paid = result.flat_considered or (
        basis in SHORT_NOTICE_BASES and terms.short_notice_pay == Pay.FLAT
    )
    entry = AllowanceEntry(
        center=center,
        interpreter_id=assignment.interpreter_id,
        assignment=assignment,
        kind=kind,
        basis=basis,
        rule=terms.rule,
        client_ref=client_ref,
        cap_position=cap_position,
        cap=cap,
        minutes=minutes,
        started_hours=result.started_hours,
        travel_km=distance,
        flat_amount=terms.flat_amount if flat_paid else None,
        hourly_amount=terms.hourly_amount if hourly_paid else None,
        per_km=terms.per_km if result.paid_km is not None else None,
        amount=amount,
        month=month,
        corrects=corrects,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    entry.full_clean(exclude=[name for name in _OPTIONAL_INPUTS if getattr(entry, name) is None])
    entry.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        center=center.pk,
        detail={
            "assignment": assignment.pk,
            "kind": kind,
            "basis": basis,
            "month": month.isoformat(),
        },
    )
    return entry


def allowance_short_notice(
    *, assignment: Assignment, actor: User | None, now: dt.datetime
) -> AllowanceEntry | None:
    """Book a cancellation by the requester or coordinator at short notice (less than the
    center's ``short_notice_hours`` before the start); ``None`` when it is not short notice.

    Called by :func:`requests.services.assignment_cancel` and ``request_cancel`` inside
    their transaction, after the assignment is cancelled.
    """
    center = assignment.request.center
    if assignment.start - now >= dt.timedelta(hours=center.short_notice_hours):
        return None
    return allowance_book(assignment=assignment, basis=Basis.SHORT_NOTICE, actor=actor, now=now)


# --- exceptions from the client cap ---------------------------------------------------------

CAP_EXCEPTION_MAX = 100


@transaction.atomic
def cap_exception_set(
    *, actor: User, center: Center, client_ref: str, cap: int, reason: str
) -> ClientCapException:
    """A coordinator raises the cap of paid assignments for one client (creates or changes
    the client's exception).

    :raises PermissionDenied: not a coordinator of the center.
    :raises ValidationError: every field error at once (pseudonymous reference; a cap above
        the center's, at most 100; a reason without contact data).
    """
    if not has_role(actor, Role.COORDINATOR, center_id=center.pk):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    ref = client_ref.strip() if isinstance(client_ref, str) else ""
    if not ref:
        errors.setdefault("client_ref", []).append(_("Please give the client reference."))
    else:
        try:
            validate_pseudonym(ref)
        except ValidationError as exc:
            errors.setdefault("client_ref", []).extend(exc.messages)
    if isinstance(cap, bool) or not isinstance(cap, int):
        errors.setdefault("cap", []).append(_("Please give a whole number."))
    elif cap <= center.allowance_cap_per_client or cap > CAP_EXCEPTION_MAX:
        errors.setdefault("cap", []).append(
            _("An exception raises the cap: more than %(cap)d, at most %(max)d.")
            % {"cap": center.allowance_cap_per_client, "max": CAP_EXCEPTION_MAX}
        )
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        errors.setdefault("reason", []).append(_("Please give a reason."))
    elif len(text) > 300:
        errors.setdefault("reason", []).append(
            _("At most %(max)d characters, please.") % {"max": 300}
        )
    else:
        try:
            validate_no_contact_data(text)
        except ValidationError as exc:
            errors.setdefault("reason", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    exception = ClientCapException.objects.filter(center=center, client_ref=ref).first()
    created = exception is None
    if exception is None:
        exception = ClientCapException(center=center, client_ref=ref)
    exception.cap, exception.reason, exception.approved_by = cap, text, actor
    exception.full_clean()
    exception.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=exception,
        center=center.pk,
        detail={"cap": cap},
    )
    return exception


# --- the yearly limit -----------------------------------------------------------------------


def tax_free_limit(*, year: int) -> Decimal:
    """The yearly tax-free limit (Ehrenamtspauschale) in EUR for ``year``.

    ``settings.TAX_FREE_ALLOWANCE_LIMITS`` maps the year a limit applies from to the
    amount; years before the first listed use the first listed amount.
    """
    limits = {int(y): Decimal(str(v)) for y, v in settings.TAX_FREE_ALLOWANCE_LIMITS.items()}
    applicable = [y for y in limits if y <= year]
    return money(limits[max(applicable)] if applicable else limits[min(limits)])
