"""Reads of the request flow, scoped to the caller (``visible_to`` on each model).

Lists load their relations in a fixed number of queries, whatever their length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, Sum, When
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.models import Center, Department, Place, Role, User
from core.scoping import center_ids_for, department_ids_for, is_admin
from requests import allowances
from requests.models import (
    AllowanceEntry,
    Assignment,
    Confirmation,
    InterpreterRequest,
    Offer,
)
from sprachpool.models import InterpreterProfile

_HOLDING = ~Q(status=Assignment.Status.CANCELLED)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _with_details(requests: QuerySet[InterpreterRequest]) -> QuerySet[InterpreterRequest]:
    return requests.select_related("language", "department", "center", "place").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(_HOLDING).select_related("interpreter__volunteer"),
            to_attr="holding_assignments",
        ),
        Prefetch(
            "offers",
            queryset=Offer.objects.filter(status=Offer.Status.PENDING).select_related(
                "interpreter__volunteer"
            ),
            to_attr="pending_offers",
        ),
    )


def request_list(
    *,
    user: User,
    status: str = "",
    language: str = "",
    mode: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    search: str = "",
    department: int | None = None,
    center: int | None = None,
) -> QuerySet[InterpreterRequest]:
    """The requests the user may see, filtered; soonest appointment first.

    :param date_from: appointments starting on or after this day (Europe/Berlin).
    :param date_to: appointments starting on or before this day.
    :param search: part of the client reference.
    """
    requests = InterpreterRequest.objects.visible_to(user)
    if status:
        requests = requests.filter(status=status)
    if language:
        requests = requests.filter(language_id=language)
    if mode:
        requests = requests.filter(mode=mode)
    if date_from is not None:
        requests = requests.filter(start__gte=_day_start(date_from))
    if date_to is not None:
        requests = requests.filter(start__lt=_day_start(date_to) + timedelta(days=1))
    if search.strip():
        requests = requests.filter(client_ref__icontains=search.strip()[:40])
    if department is not None:
        requests = requests.filter(department_id=department)
    if center is not None:
        requests = requests.filter(center_id=center)
    return _with_details(requests).order_by("start", "id")


def request_get(*, user: User, pk: Any) -> InterpreterRequest:
    """One request the user may see, else 404."""
    found = _with_details(InterpreterRequest.objects.visible_to(user)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def holding_assignment(request: InterpreterRequest) -> Assignment | None:
    """The request's assignment that holds its interpreter (not cancelled), if any."""
    cached = getattr(request, "holding_assignments", None)
    if cached is not None:
        return cached[0] if cached else None
    return request.assignments.filter(_HOLDING).select_related("interpreter__volunteer").first()


def pending_offer(request: InterpreterRequest) -> Offer | None:
    """The request's pending offer, if any."""
    cached = getattr(request, "pending_offers", None)
    if cached is not None:
        return cached[0] if cached else None
    return request.offers.filter(status=Offer.Status.PENDING).select_related("interpreter").first()


def contact_phone(*, center: Center, private_phone: str) -> str:
    """The number a requester gets: the center's relay number where the center relays contact."""
    if center.relay_contact and center.relay_phone:
        return center.relay_phone
    return private_phone


def request_interpreter(*, request: InterpreterRequest, user: User | None = None) -> dict | None:
    """``{"id", "display_name", "phone"}`` of the assigned interpreter, else ``None``.

    Only the requesting department and coordinators see requests at all (``visible_to``);
    the phone is the center's relay number where the center mediates contact.
    """
    if request.status not in (
        InterpreterRequest.Status.ASSIGNED,
        InterpreterRequest.Status.COMPLETED,
    ):
        return None
    assignment = holding_assignment(request)
    if assignment is None:
        return None
    volunteer = assignment.interpreter.volunteer
    return {
        "id": assignment.interpreter_id,
        "display_name": volunteer.display_name,
        "phone": contact_phone(center=request.center, private_phone=volunteer.phone),
    }


def client_cap_reached(
    *, center: Center, client_ref: str, exclude_request: int | None = None
) -> bool:
    """Whether this client's paid assignments reached the center's cap (flat-per-client rule)."""
    if not client_ref or center.allowance_rule != Center.AllowanceRule.FLAT_PER_CLIENT:
        return False
    assignments = Assignment.objects.filter(
        _HOLDING, request__center=center, request__client_ref=client_ref
    )
    if exclude_request is not None:
        assignments = assignments.exclude(request_id=exclude_request)
    return assignments.count() >= allowances.client_cap(center=center, client_ref=client_ref)


def bookable_departments(*, user: User) -> QuerySet[Department]:
    """Departments the user may file requests for: a caseworker's own, and every
    department of the centers they coordinate (admins: all)."""
    departments = Department.objects.select_related("center")
    if is_admin(user):
        return departments.all()
    own = department_ids_for(user)
    coordinated = center_ids_for(user, roles=[Role.COORDINATOR])
    return departments.filter(Q(pk__in=own) | Q(center__in=coordinated))


def request_form_places(*, center: Center) -> list[Place]:
    """Places a request can name: the center's offices and schools first, then its towns."""
    places = list(Place.objects.in_center(center))
    return sorted(places, key=lambda p: (p.kind == Place.Kind.TOWN, p.city, p.name))


def _offers_with_details(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    return offers.select_related(
        "request__language",
        "request__center",
        "request__department",
        "request__place",
        "interpreter__volunteer",
    )


def offer_list(*, user: User, status: str = "", request: int | None = None) -> QuerySet[Offer]:
    """Offers the user may see (own as interpreter; the center's as coordinator), newest first."""
    offers = Offer.objects.visible_to(user)
    if status:
        offers = offers.filter(status=status)
    if request is not None:
        offers = offers.filter(request_id=request)
    return _offers_with_details(offers).order_by("-created_at", "-id")


def offer_get(*, user: User, pk: Any) -> Offer:
    """One offer the user may see, else 404."""
    found = _offers_with_details(Offer.objects.visible_to(user)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _assignments_with_details(
    assignments: QuerySet[Assignment], *, settlement: bool = False
) -> QuerySet[Assignment]:
    """With the relations a list shows; ``settlement`` adds the allowance entries and the
    current Einsatznachweis entries (two queries more, for the API and the queues)."""
    assignments = assignments.select_related(
        "request__language",
        "request__center",
        "request__department",
        "request__place",
        "request__created_by",
        "interpreter__volunteer__home_place",
    )
    if not settlement:
        return assignments
    return assignments.prefetch_related(
        "allowance_entries",
        Prefetch(
            "confirmations",
            queryset=Confirmation.objects.current(),
            to_attr="current_confirmations",
        ),
    )


def assignment_list(
    *,
    user: User,
    date_from: date | None = None,
    date_to: date | None = None,
    upcoming: bool | None = None,
    now: datetime | None = None,
    settlement: bool = False,
) -> QuerySet[Assignment]:
    """Assignments the user may see (own, department's, center's), by start.

    :param upcoming: ``True`` for those not yet ended, ``False`` for past ones.
    :param settlement: load the allowance and Einsatznachweis entries too.
    """
    now = now or timezone.now()
    assignments = Assignment.objects.visible_to(user)
    if date_from is not None:
        assignments = assignments.filter(start__gte=_day_start(date_from))
    if date_to is not None:
        assignments = assignments.filter(start__lt=_day_start(date_to) + timedelta(days=1))
    if upcoming is True:
        assignments = assignments.filter(end__gt=now).order_by("start", "id")
    elif upcoming is False:
        assignments = assignments.filter(end__lte=now).order_by("-start", "-id")
    else:
        assignments = assignments.order_by("start", "id")
    return _assignments_with_details(assignments, settlement=settlement)


def assignment_get(*, user: User, pk: Any, settlement: bool = False) -> Assignment:
    """One assignment the user may see, else 404 (``settlement``: with the allowance and
    Einsatznachweis entries)."""
    found = (
        _assignments_with_details(Assignment.objects.visible_to(user), settlement=settlement)
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


# --- Einsatznachweis and allowance ----------------------------------------------------------

#: An ended assignment nobody settled goes to the coordinator's queue after this long.
QUEUE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class ConfirmationSides:
    """The current Einsatznachweis entry of each side of an assignment (``None``: missing)."""

    requester: Confirmation | None
    interpreter: Confirmation | None
    decision: Confirmation | None


def confirmation_sides(*, assignment: Assignment) -> ConfirmationSides:
    """The current (not superseded) entry of the requester, the interpreter and the
    coordinator (from the list's prefetch when the assignment came from one)."""
    latest: dict[str, Confirmation] = {}
    cached = getattr(assignment, "current_confirmations", None)
    entries = (
        cached
        if cached is not None
        else Confirmation.objects.current()
        .filter(assignment=assignment)
        .select_related("created_by")
    )
    for entry in sorted(entries, key=lambda e: (e.created_at, e.pk)):
        latest[entry.side] = entry
    return ConfirmationSides(
        requester=latest.get(Confirmation.Side.REQUESTER),
        interpreter=latest.get(Confirmation.Side.INTERPRETER),
        decision=latest.get(Confirmation.Side.COORDINATOR),
    )


def _requesting_scope(user: User) -> QuerySet[Assignment]:
    """Assignments the user confirms for the requesting side: a coordinator's centers', a
    caseworker's department's."""
    if is_admin(user):
        return Assignment.objects.all()
    coordinated = Assignment.objects.for_user(user, roles=[Role.COORDINATOR])
    department = Assignment.objects.for_user(user, roles=[Role.CASEWORKER]).filter(
        request__department__in=department_ids_for(user)
    )
    return Assignment.objects.filter(
        Q(pk__in=coordinated.values("pk")) | Q(pk__in=department.values("pk"))
    )


def confirmations_due(*, user: User, now: datetime | None = None) -> QuerySet[Assignment]:
    """For a caseworker or coordinator: ended assignments, still upcoming, without the
    requesting side's Einsatznachweis; the longest-ended first."""
    now = now or timezone.now()
    answered = Confirmation.objects.current().filter(side=Confirmation.Side.REQUESTER)
    due = (
        _requesting_scope(user)
        .filter(status=Assignment.Status.UPCOMING, end__lte=now)
        .exclude(pk__in=answered.values("assignment_id"))
    )
    return _assignments_with_details(due, settlement=True).order_by("end", "id")


def confirmations_queue(*, user: User, now: datetime | None = None) -> QuerySet[Assignment]:
    """The coordinator's queue: disputed assignments, and ended ones still unsettled (one
    side or neither confirmed) more than 7 days after their end; disputed first."""
    now = now or timezone.now()
    if is_admin(user):
        mine = Assignment.objects.all()
    else:
        mine = Assignment.objects.for_user(user, roles=[Role.COORDINATOR])
    waiting = Q(status=Assignment.Status.DISPUTED) | Q(
        status=Assignment.Status.UPCOMING, end__lte=now - QUEUE_AFTER
    )
    return _assignments_with_details(mine.filter(waiting), settlement=True).order_by(
        Case(When(status=Assignment.Status.DISPUTED, then=0), default=1), "end", "id"
    )


@dataclass(frozen=True)
class AllowanceSummary:
    """An interpreter's allowance in one year, against the yearly tax-free limit."""

    year: int
    entries: list[AllowanceEntry]
    #: The first day of each month with entries → that month's total.
    months: dict[date, Decimal]
    total: Decimal
    limit: Decimal
    remaining: Decimal

    @property
    def over_limit(self) -> bool:
        return self.total > self.limit


def _year_entries(interpreter: InterpreterProfile, year: int) -> QuerySet[AllowanceEntry]:
    """The allowance entries of the person behind ``interpreter`` booked in ``year``, in the
    interpreter's center (all their entries there count against one limit)."""
    return AllowanceEntry.objects.filter(
        interpreter__volunteer=interpreter.volunteer_id,
        center_id=interpreter.volunteer.center_id,
        month__gte=date(year, 1, 1),
        month__lte=date(year, 12, 1),
    )


def allowance_summary(*, interpreter: InterpreterProfile, year: int) -> AllowanceSummary:
    """Entries of the year by booking month, the month and year totals, the tax-free limit
    and what remains of it."""
    entries = list(
        _year_entries(interpreter, year)
        .select_related("assignment__request__language", "corrects")
        .order_by("month", "created_at", "id")
    )
    months: dict[date, Decimal] = {}
    for entry in entries:
        months[entry.month] = months.get(entry.month, Decimal("0")) + entry.amount
    total = allowances.money(sum(months.values(), Decimal("0")))
    limit = allowances.tax_free_limit(year=year)
    return AllowanceSummary(
        year=year,
        entries=entries,
        months={month: allowances.money(amount) for month, amount in months.items()},
        total=total,
        limit=limit,
        remaining=max(allowances.money(limit - total), Decimal("0.00")),
    )


def allowance_year_total(*, interpreter: InterpreterProfile, year: int) -> Decimal:
    """The allowance booked for the person behind ``interpreter`` in ``year``."""
    total = _year_entries(interpreter, year).aggregate(total=Sum("amount"))["total"]
    return allowances.money(total or Decimal("0"))


def allowance_limit_warning(
    *, interpreter: InterpreterProfile, extra: Decimal, on: date
) -> str | None:
    """A warning for the coordinator when ``extra`` booked on ``on`` would take the
    interpreter over the year's tax-free limit; ``None`` otherwise."""
    total = allowance_year_total(interpreter=interpreter, year=on.year)
    limit = allowances.tax_free_limit(year=on.year)
    if total + Decimal(extra) <= limit:
        return None
    return _(
        "%(name)s has %(total)s € allowance in %(year)d; with %(extra)s € more the yearly "
        "tax-free limit of %(limit)s € would be exceeded."
    ) % {
        "name": interpreter.volunteer.display_name,
        "total": number_format(total, 2),
        "year": on.year,
        "extra": number_format(allowances.money(extra), 2),
        "limit": number_format(limit, 2),
    }


def allowance_expected(
    *,
    assignment: Assignment | None = None,
    request: InterpreterRequest | None = None,
    interpreter: InterpreterProfile | None = None,
) -> Decimal:
    """What an assignment (or a request, for ``interpreter`` when given) would pay if it
    takes place as planned: the planned duration, the home → place distance, the client's
    next place in the cap."""
    if assignment is not None:
        request, interpreter = assignment.request, assignment.interpreter
    if request is None:
        raise TypeError("allowance_expected needs an assignment or a request")
    center = request.center
    terms = allowances.AllowanceTerms.of(center)
    basis = AllowanceEntry.Basis.TOOK_PLACE
    cap = cap_position = None
    if allowances.flat_considered(terms=terms, basis=basis):
        cap = allowances.client_cap(center=center, client_ref=request.client_ref)
        if request.client_ref:
            cap_position = (
                allowances.paid_flat_count(
                    center=center,
                    client_ref=request.client_ref,
                    exclude_assignment=assignment.pk if assignment is not None else None,
                )
                + 1
            )
    distance = (
        allowances.travel_km_between(request=request, interpreter=interpreter)
        if interpreter is not None
        else None
    )
    return allowances.allowance_compute(
        terms=terms,
        basis=basis,
        minutes=allowances.minutes_between(request.start, request.end),
        travel_km=distance,
        cap=cap,
        cap_position=cap_position,
    ).amount


def assignment_allowance(assignment: Assignment) -> dict[str, Any] | None:
    """``{"amount", "rule"}``: the net allowance booked for the assignment (entry and
    corrections), or ``None`` before anything is booked."""
    entries = list(assignment.allowance_entries.all())
    if not entries:
        return None
    latest = max(entries, key=lambda e: (e.created_at, e.pk))
    amount = allowances.money(sum((e.amount for e in entries), Decimal("0")))
    return {"amount": amount, "rule": latest.rule}


def allowance_list(
    *, user: User, year: int | None = None, interpreter: int | None = None
) -> QuerySet[AllowanceEntry]:
    """Allowance entries the user may see (own as interpreter; the center's as
    coordinator), by booking month."""
    entries = AllowanceEntry.objects.visible_to(user)
    if year is not None:
        entries = entries.filter(month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
    if interpreter is not None:
        entries = entries.filter(interpreter_id=interpreter)
    return entries.select_related(
        "assignment__request__language", "interpreter__volunteer", "corrects"
    ).order_by("month", "created_at", "id")


# --- figures for oversight (reports) -------------------------------------------------------

#: "Recently unfilled" on the overview and the dashboard: appointments from this many days
#: ago (Europe/Berlin days, so the list behind the figure filters by the same day).
UNFILLED_RECENT_DAYS = 7


def unfilled_recent_since(*, now: datetime | None = None) -> date:
    """The first day of "recently unfilled" (today minus :data:`UNFILLED_RECENT_DAYS`)."""
    return timezone.localdate(now or timezone.now()) - timedelta(days=UNFILLED_RECENT_DAYS)


def request_counts(
    *, user: User, center: int | None = None, now: datetime | None = None
) -> dict[str, int]:
    """The requests at a glance, the one definition of each figure (home card, dashboard).

    ``open``, ``offered``, ``assigned``: that status, appointment still ahead; ``waiting``:
    open or offered; ``unfilled``: unfilled with the appointment on or after
    :func:`unfilled_recent_since` (the list ``?status=unfilled&date_from=`` that day).
    """
    from django.db.models import Count

    now = now or timezone.now()
    status = InterpreterRequest.Status
    requests = InterpreterRequest.objects.visible_to(user)
    if center is not None:
        requests = requests.filter(center_id=center)
    since = _day_start(unfilled_recent_since(now=now))
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status=status.OPEN, start__gt=now)),
        offered=Count("pk", filter=Q(status=status.OFFERED, start__gt=now)),
        assigned=Count("pk", filter=Q(status=status.ASSIGNED, start__gt=now)),
        unfilled=Count("pk", filter=Q(status=status.UNFILLED, start__gte=since)),
    )
    counts["waiting"] = counts["open"] + counts["offered"]
    return counts


@dataclass(frozen=True)
class RequestFact:
    """One request as oversight counts it: no client reference, no notes, no names."""

    id: int
    center_id: int
    language_id: str
    department_id: int
    department: str
    mode: str
    status: str
    priority: str
    min_level: str
    created_at: datetime
    start: datetime
    end: datetime
    city: str
    lat: float | None
    lon: float | None
    #: When the request got its interpreter: the accepted offer's answer, else the
    #: assignment's creation (``None``: no holding assignment).
    accepted_at: datetime | None
    #: Minutes interpreted: the settled assignment that took place (actual times, else
    #: the planned ones); ``None`` otherwise.
    worked_minutes: int | None


def request_facts(
    *, user: User, center_ids: list[int], date_from: date, date_to: date
) -> list[RequestFact]:
    """The requests the user may see in these centers with the appointment on a day from
    ``date_from`` to ``date_to`` (Europe/Berlin, inclusive): the filter of the request list
    (``date_from``/``date_to``). Two queries, whatever the period."""
    requests = (
        InterpreterRequest.objects.visible_to(user)
        .filter(
            center_id__in=center_ids,
            start__gte=_day_start(date_from),
            start__lt=_day_start(date_to) + timedelta(days=1),
        )
        .values(
            "id",
            "center_id",
            "language_id",
            "department_id",
            "department__name",
            "mode",
            "status",
            "priority",
            "min_level",
            "created_at",
            "start",
            "end",
            "city",
            "place__city",
            "lat",
            "lon",
        )
        .order_by("start", "id")
    )
    rows = list(requests)
    holding: dict[int, dict[str, Any]] = {}
    if rows:
        for entry in (
            Assignment.objects.filter(_HOLDING, request_id__in=[r["id"] for r in rows])
            .values(
                "request_id",
                "created_at",
                "offer__responded_at",
                "status",
                "took_place",
                "start",
                "end",
                "actual_start",
                "actual_end",
            )
            .order_by("created_at", "id")
        ):
            holding.setdefault(entry["request_id"], dict(entry))
    facts = []
    for r in rows:
        found = holding.get(r["id"])
        accepted_at = worked = None
        a = found or {}
        if found is not None:
            accepted_at = a["offer__responded_at"] or a["created_at"]
            if a["status"] == Assignment.Status.COMPLETED and a["took_place"]:
                begin = a["actual_start"] or a["start"]
                finish = a["actual_end"] or a["end"]
                worked = max(0, int((finish - begin).total_seconds() // 60))
        facts.append(
            RequestFact(
                id=r["id"],
                center_id=r["center_id"],
                language_id=r["language_id"],
                department_id=r["department_id"],
                department=r["department__name"],
                mode=r["mode"],
                status=r["status"],
                priority=r["priority"],
                min_level=r["min_level"],
                created_at=r["created_at"],
                start=r["start"],
                end=r["end"],
                city=r["city"] or r["place__city"] or "",
                lat=r["lat"],
                lon=r["lon"],
                accepted_at=accepted_at,
                worked_minutes=worked,
            )
        )
    return facts
