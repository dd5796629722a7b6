"""Reads of the request flow, scoped to the caller (``visible_to`` on each model).

Lists load their relations in a fixed number of queries, whatever their length.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.models import Center, Department, Place, Role, User
from core.scoping import center_ids_for, department_ids_for, is_admin
from requests.models import Assignment, InterpreterRequest, Offer

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
    return assignments.count() >= center.allowance_cap_per_client


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


def _assignments_with_details(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.select_related(
        "request__language",
        "request__center",
        "request__department",
        "request__place",
        "request__created_by",
        "interpreter__volunteer",
    )


def assignment_list(
    *,
    user: User,
    date_from: date | None = None,
    date_to: date | None = None,
    upcoming: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Assignment]:
    """Assignments the user may see (own, department's, center's), by start.

    :param upcoming: ``True`` for those not yet ended, ``False`` for past ones.
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
    return _assignments_with_details(assignments)


def assignment_get(*, user: User, pk: Any) -> Assignment:
    """One assignment the user may see, else 404."""
    found = _assignments_with_details(Assignment.objects.visible_to(user)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
