"""Web pages after the match: the interpreter's assignment page with their Einsatznachweis,
the requesting department's Einsatznachweis (a section of the request page), the
coordinator's queue of disputed and one-sided confirmations and the decision page, the
interpreter's allowance ("Meine Aufwandsentschädigung") and the coordinator's exceptions
from the per-client cap.

Thin: reads through :mod:`requests.selectors`, writes through :mod:`requests.confirmations`
and :mod:`requests.allowances`. Objects come from the caller's scoped querysets (anything
outside is a 404; an interpreter sees only their own assignments). An Einsatznachweis is
never edited, so every form shows what will be stored for a last check before it saves
(:func:`_submit`); a service's refusals land on the form's fields, every one at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Mode
from core.forms import add_service_errors, check_service, run_service
from core.models import Center, Role
from core.scoping import center_ids_for, has_role, is_admin
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required
from requests import allowances, confirmations, selectors
from requests.forms_after_match import SERVICE_FIELDS, CapExceptionForm, ConfirmationForm
from requests.models import Assignment, ClientCapException, Confirmation, InterpreterRequest
from sprachpool.selectors import own_profile

REQUEST_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
Side = Confirmation.Side
#: Statuses in which a side may still enter its Einsatznachweis.
OPEN_FOR_ENTRY = (Assignment.Status.UPCOMING,)
#: Statuses the coordinator decides (disputed, one-sided) or corrects (completed).
DECIDABLE = (Assignment.Status.UPCOMING, Assignment.Status.DISPUTED, Assignment.Status.COMPLETED)


# --------------------------------------------------------------------------- helpers


def _own_assignment(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    """One of the caller's own assignments as interpreter, else 404."""
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if assignment.interpreter.volunteer.user_id != request.user.pk:
        raise Http404
    return assignment


def _url_or_none(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _submit(form: ConfirmationForm, call: Any) -> str:
    """Validate ``form`` and the service together: ``"review"`` (all fine, show the entry
    for a last check; nothing stored), ``"saved"`` (stored after the check) or ``"form"``
    (show the form with every error, or again for a change)."""
    valid = form.is_valid()
    step = form.step_value

    def service() -> Any:
        return call(**form.service_data())

    if step == "edit":
        return "form"
    if valid and step == "save":
        saved, _result = run_service(service, valid=True, form=form, field_map=SERVICE_FIELDS)
        return "saved" if saved else "form"
    if valid:
        refused = check_service(service)
        if refused is None:
            return "review"
        add_service_errors(refused, form, field_map=SERVICE_FIELDS)
        return "form"
    run_service(service, valid=False, form=form, field_map=SERVICE_FIELDS)
    return "form"


def _saved_message(assignment: Assignment, *, side: str) -> str:
    """What the page says after an entry: settled, disputed, or waiting for the other side."""
    assignment.refresh_from_db()
    if assignment.status == Assignment.Status.COMPLETED:
        return _("Thank you! Both sides agree; the assignment is completed.")
    if assignment.status == Assignment.Status.DISPUTED:
        return _("Thank you! Your entry differs from the other side's; the coordinator decides.")
    if side == Side.INTERPRETER:
        return _("Thank you! Your Einsatznachweis is saved. The department confirms too.")
    return _("Thank you! Your Einsatznachweis is saved. The interpreter confirms too.")


def _in_person(assignment: Assignment) -> bool:
    return bool(assignment.request.mode == Mode.IN_PERSON)


# --------------------------------------------------------------------------- interpreter


def _interpreter_form(
    assignment: Assignment, data: Any = None, *, prefill: Decimal | None = None
) -> ConfirmationForm:
    with_km = _in_person(assignment)
    help_text = None
    if with_km and prefill is None:
        help_text = _("Your home or the place has no coordinates: please enter the km yourself.")
    return ConfirmationForm(
        data,
        assignment=assignment,
        with_km=with_km,
        km_help=help_text,
        initial=ConfirmationForm.initial_for(assignment=assignment, travel_km=prefill),
    )


def _assignment_page(
    request: AuthenticatedHttpRequest,
    assignment: Assignment,
    *,
    form: ConfirmationForm | None = None,
    review: bool = False,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    sides = selectors.confirmation_sides(assignment=assignment)
    ended = assignment.end <= now
    can_enter = (
        ended
        and assignment.status in OPEN_FOR_ENTRY
        and sides.interpreter is None
        and sides.decision is None
    )
    if can_enter and form is None:
        prefill = confirmations.travel_km_prefill(assignment=assignment)
        form = _interpreter_form(assignment, prefill=prefill)
    return render(
        request,
        "requests/assignment_detail.html",
        {
            "assignment": assignment,
            "item": assignment.request,
            "ended": ended,
            "can_cancel": assignment.status == Assignment.Status.UPCOMING and not ended,
            "ics_url": _url_or_none("assignment-ics", assignment.pk),
            "sides": sides,
            "own": sides.interpreter,
            "in_person_km": _in_person(assignment),
            "can_enter": can_enter,
            "form": form if can_enter else None,
            "review": review and can_enter,
            "entries": list(assignment.allowance_entries.order_by("created_at", "id")),
        },
        status=status,
    )


@role_required(Role.VOLUNTEER)
def assignment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The interpreter's page of one of their assignments: the appointment with the street,
    the department's contact, the calendar file, and after the end their Einsatznachweis."""
    return _assignment_page(request, _own_assignment(request, pk))


@role_required(Role.VOLUNTEER)
def assignment_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The interpreter's Einsatznachweis: a POST checks, a second POST (``step=save``) stores."""
    assignment = _own_assignment(request, pk)
    if request.method != "POST":
        return redirect("assignment-detail", pk=pk)
    if assignment.end > timezone.now():
        messages.error(
            request, _("The Einsatznachweis can be entered once the appointment has ended.")
        )
        return redirect("assignment-detail", pk=pk)
    sides = selectors.confirmation_sides(assignment=assignment)
    if sides.interpreter is not None or assignment.status not in OPEN_FOR_ENTRY:
        messages.error(request, _("Your Einsatznachweis for this assignment is saved already."))
        return redirect("assignment-detail", pk=pk)
    prefill = confirmations.travel_km_prefill(assignment=assignment)
    form = _interpreter_form(assignment, request.POST, prefill=prefill)
    outcome = _submit(
        form,
        lambda **values: confirmations.confirmation_record(
            actor=request.user, assignment=assignment, side=Side.INTERPRETER, **values
        ),
    )
    if outcome == "saved":
        messages.success(request, _saved_message(assignment, side=Side.INTERPRETER))
        return redirect("assignment-detail", pk=pk)
    return _assignment_page(request, assignment, form=form, review=outcome == "review")


# --------------------------------------------------------------------------- requester


def _requester_form(assignment: Assignment, data: Any = None) -> ConfirmationForm:
    return ConfirmationForm(
        data,
        assignment=assignment,
        with_km=False,
        initial=ConfirmationForm.initial_for(assignment=assignment),
    )


def request_confirmation(
    *,
    user: Any,
    item: InterpreterRequest,
    assignment: Assignment | None,
    form: ConfirmationForm | None = None,
    review: bool = False,
) -> dict[str, Any] | None:
    """The "Einsatznachweis" section of the request page (``None`` before the end or
    without an assignment): both sides' entries, and the requester's form while their
    entry is missing."""
    if assignment is None or assignment.end > timezone.now():
        return None
    sides = selectors.confirmation_sides(assignment=assignment)
    can_enter = (
        assignment.status in OPEN_FOR_ENTRY and sides.requester is None and sides.decision is None
    )
    if can_enter and form is None:
        form = _requester_form(assignment)
    coordinator = has_role(user, Role.COORDINATOR, center_id=item.center_id)
    return {
        "assignment": assignment,
        "sides": sides,
        "can_enter": can_enter,
        "form": form if can_enter else None,
        "review": review and can_enter,
        "decide_url": reverse("confirmation-decide", args=[assignment.pk]) if coordinator else None,
    }


@role_required(*REQUEST_ROLES)
def request_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The requesting department's Einsatznachweis of a request's appointment (GET shows
    the form; a POST checks, a second POST with ``step=save`` stores)."""
    item = selectors.request_get(user=request.user, pk=pk)
    assignment = selectors.holding_assignment(item)
    if assignment is None:
        messages.error(request, _("This request has no assignment to confirm."))
        return redirect("request-detail", pk=pk)
    section = request_confirmation(user=request.user, item=item, assignment=assignment)
    if section is None:
        messages.error(
            request, _("The Einsatznachweis can be entered once the appointment has ended.")
        )
        return redirect("request-detail", pk=pk)
    if not section["can_enter"]:
        return redirect("request-detail", pk=pk)
    if request.method == "POST":
        form = _requester_form(assignment, request.POST)
        outcome = _submit(
            form,
            lambda **values: confirmations.confirmation_record(
                actor=request.user, assignment=assignment, side=Side.REQUESTER, **values
            ),
        )
        if outcome == "saved":
            messages.success(request, _saved_message(assignment, side=Side.REQUESTER))
            return redirect("request-detail", pk=pk)
        section = request_confirmation(
            user=request.user,
            item=item,
            assignment=assignment,
            form=form,
            review=outcome == "review",
        )
    return render(request, "requests/request_confirm.html", {"item": item, "confirmation": section})


@role_required(*REQUEST_ROLES)
def confirmations_due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Appointments of the caller's department (a coordinator: center) that ended without
    the requester's Einsatznachweis, oldest first."""
    items = (
        selectors.confirmations_due(user=request.user)
        .select_related("request__language", "request__department", "interpreter__volunteer")
        .order_by("end", "pk")
    )
    return render(
        request,
        "requests/confirmations_due.html",
        {"page": paginate(request, items), "query": query_without_page(request)},
    )


# --------------------------------------------------------------------------- coordinator


def _coordinated_assignments(request: AuthenticatedHttpRequest) -> QuerySet[Assignment]:
    return Assignment.objects.for_user(request.user, roles=[Role.COORDINATOR]).select_related(
        "request__language",
        "request__center",
        "request__department",
        "request__place",
        "request__created_by",
        "interpreter__volunteer",
    )


@role_required(Role.COORDINATOR)
def confirmation_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Einsatznachweise the coordinator decides: disputed ones first, then appointments
    confirmed by one side only (or none) more than 7 days after their end."""
    page = paginate(request, selectors.confirmations_queue(user=request.user))
    rows = []
    for assignment in page.object_list:
        sides = selectors.confirmation_sides(assignment=assignment)
        rows.append((assignment, sides.requester is not None, sides.interpreter is not None))
    return render(
        request,
        "requests/confirmation_queue.html",
        {"page": page, "rows": rows, "query": query_without_page(request)},
    )


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side comparison."""

    label: str
    requester: str
    interpreter: str
    differs: bool
    #: The coordinator's current decision ("" while there is none).
    decision: str = ""


def _entry_values(entry: Confirmation | None, *, in_person: bool) -> dict[str, str]:
    from django.utils.formats import number_format

    from requests.templatetags.requests_tags import day_time, duration

    if entry is None:
        return {}
    values = {
        "took_place": _("yes") if entry.took_place else _("no"),
        "start": day_time(entry.actual_start) if entry.actual_start else "—",
        "end": day_time(entry.actual_end) if entry.actual_end else "—",
        "duration": (
            duration(entry.actual_start, entry.actual_end)
            if entry.actual_start and entry.actual_end
            else "—"
        ),
        "reason": entry.get_reason_display() or "—",
        "note": entry.note or "—",
        "by": (
            f"{entry.created_by.display_name}, {day_time(entry.created_at)}"
            if entry.created_by
            else day_time(entry.created_at)
        ),
    }
    if in_person:
        values["km"] = (
            number_format(entry.travel_km, decimal_pos=1) if entry.travel_km is not None else "—"
        )
    return values


def _comparison(sides: Any, *, in_person: bool) -> list[Row]:
    """Both sides line by line; a line differs when both sides gave different facts (times
    beyond the tolerance the service allows)."""
    requester, interpreter = sides.requester, sides.interpreter
    left = _entry_values(requester, in_person=in_person)
    right = _entry_values(interpreter, in_person=in_person)
    decided = _entry_values(sides.decision, in_person=in_person)
    both = requester is not None and interpreter is not None
    tolerance = confirmations.DISPUTE_TOLERANCE

    def far(a: dt.datetime | None, b: dt.datetime | None) -> bool:
        if a is None or b is None:
            return a is not b
        return abs(a - b) > tolerance

    def length(entry: Confirmation) -> dt.timedelta | None:
        if entry.actual_start is None or entry.actual_end is None:
            return None
        return entry.actual_end - entry.actual_start

    differs = {
        "took_place": both and requester.took_place != interpreter.took_place,
        "start": both and far(requester.actual_start, interpreter.actual_start),
        "end": both and far(requester.actual_end, interpreter.actual_end),
        "reason": both and requester.reason != interpreter.reason,
    }
    if requester is not None and interpreter is not None:
        mine, theirs = length(requester), length(interpreter)
        differs["duration"] = (mine is None) != (theirs is None) or (
            mine is not None and theirs is not None and abs(mine - theirs) > tolerance
        )
    labels = [
        ("took_place", _("Took place")),
        ("start", _("Actual start")),
        ("end", _("Actual end")),
        ("duration", _("Duration")),
        ("reason", _("Why it did not take place")),
    ]
    if in_person:
        labels.append(("km", _("Travel (km, there and back)")))
    labels += [("note", _("Note")), ("by", _("Entered by"))]
    return [
        Row(
            label=str(label),
            requester=str(left.get(key, "")),
            interpreter=str(right.get(key, "")),
            differs=bool(differs.get(key, False)),
            decision=str(decided.get(key, "")),
        )
        for key, label in labels
    ]


def _decision_form(assignment: Assignment, sides: Any, data: Any = None) -> ConfirmationForm:
    """Prefilled from what is settled, else the department's times and the interpreter's km."""
    in_person = _in_person(assignment)
    settled = sides.decision
    requester, interpreter = sides.requester, sides.interpreter
    base = settled or requester or interpreter
    km_source = settled or interpreter
    if assignment.status == Assignment.Status.COMPLETED and assignment.took_place is not None:
        initial = ConfirmationForm.initial_for(
            assignment=assignment,
            took_place=assignment.took_place,
            start=assignment.actual_start,
            end=assignment.actual_end,
            travel_km=assignment.travel_km,
            reason=base.reason if base is not None else "",
        )
    else:
        km = km_source.travel_km if km_source is not None else None
        if km is None and in_person:
            km = confirmations.travel_km_prefill(assignment=assignment)
        initial = ConfirmationForm.initial_for(
            assignment=assignment,
            took_place=base.took_place if base is not None else None,
            start=base.actual_start if base is not None else None,
            end=base.actual_end if base is not None else None,
            travel_km=km,
            reason=base.reason if base is not None else "",
        )
    form = ConfirmationForm(data, assignment=assignment, with_km=in_person, initial=initial)
    if assignment.status == Assignment.Status.COMPLETED:
        form.fields["note"].label = _("Why do you correct the Einsatznachweis?")
        form.fields["note"].required = True
    else:
        form.fields["note"].label = _("Note on the decision (optional)")
    if in_person:
        form.fields["travel_km"].help_text = ""
    return form


def _decide_page(
    request: AuthenticatedHttpRequest,
    assignment: Assignment,
    *,
    form: ConfirmationForm | None = None,
    review: bool = False,
) -> HttpResponse:
    sides = selectors.confirmation_sides(assignment=assignment)
    ended = assignment.end <= timezone.now()
    can_decide = ended and assignment.status in DECIDABLE
    if can_decide and form is None:
        form = _decision_form(assignment, sides)
    in_person = _in_person(assignment)
    return render(
        request,
        "requests/confirmation_decide.html",
        {
            "assignment": assignment,
            "item": assignment.request,
            "sides": sides,
            "rows": _comparison(sides, in_person=in_person),
            "any_difference": assignment.status == Assignment.Status.DISPUTED,
            "correcting": assignment.status == Assignment.Status.COMPLETED,
            "ended": ended,
            "can_decide": can_decide,
            "form": form if can_decide else None,
            "review": review and can_decide,
            "history": list(
                assignment.confirmations.select_related("created_by").order_by("created_at", "id")
            ),
            "entries": list(assignment.allowance_entries.order_by("created_at", "id")),
            "booked": allowances.booked_total(assignment=assignment),
        },
    )


@role_required(Role.COORDINATOR)
def confirmation_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Both sides side by side and the coordinator's decision (or correction of a completed
    assignment: a new, audited entry). A POST checks and shows what will be stored; the
    second POST (``step=save``) stores."""
    assignment = get_object_or_404(_coordinated_assignments(request), pk=pk)
    if request.method != "POST":
        return _decide_page(request, assignment)
    sides = selectors.confirmation_sides(assignment=assignment)
    if assignment.status not in DECIDABLE or assignment.end > timezone.now():
        messages.error(request, _("This assignment cannot be decided now."))
        return redirect("confirmation-decide", pk=pk)
    correcting = assignment.status == Assignment.Status.COMPLETED
    entries_before = assignment.allowance_entries.count() if correcting else 0
    form = _decision_form(assignment, sides, request.POST)
    outcome = _submit(
        form,
        lambda **values: confirmations.confirmation_decide(
            actor=request.user, assignment=assignment, **values
        ),
    )
    if outcome == "saved":
        if not correcting:
            saved = _("The decision is saved; the assignment is settled.")
        elif assignment.allowance_entries.count() > entries_before:
            saved = _("The correction is saved and booked.")
        else:
            # Same amount and basis: allowances books nothing, so the message says so.
            saved = _("The correction is saved. The allowance stays the same.")
        messages.success(request, saved)
        return redirect("confirmation-decide", pk=pk)
    return _decide_page(request, assignment, form=form, review=outcome == "review")


# --------------------------------------------------------------------------- allowance


#: Years the switcher offers around the current one.
YEARS_BACK = 5


@role_required(Role.VOLUNTEER)
def allowance_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "My allowance": the year's entries, month and year totals, and the position
    against the yearly tax-free limit (Ehrenamtspauschale)."""
    profile = own_profile(user=request.user)
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else this_year
    years = list(range(this_year, this_year - YEARS_BACK - 1, -1))
    if year not in years:
        year = this_year
    if profile is None:
        return render(request, "requests/allowance_list.html", {"profile": None})
    summary = selectors.allowance_summary(interpreter=profile, year=year)
    prefetch_related_objects(summary.entries, "assignment__request__department")
    limit, total = summary.limit, summary.total
    percent = int(min(Decimal(100), total * 100 / limit)) if limit else 0
    months = [
        {
            "month": month,
            "total": month_total,
            "entries": [e for e in summary.entries if e.month == month],
        }
        for month, month_total in sorted(summary.months.items())
    ]
    return render(
        request,
        "requests/allowance_list.html",
        {
            "profile": profile,
            "year": year,
            "years": years,
            "summary": summary,
            "months": months,
            "percent": percent,
            "over": total > limit,
            "over_by": total - limit,
            "meter_value": min(total, limit),
            #: Above 90 % of the limit the bar shows the warning colour (the text says it too).
            "meter_high": allowances.money(limit * Decimal("0.9")),
        },
    )


def _coordinated_centers(request: AuthenticatedHttpRequest) -> QuerySet[Center]:
    if is_admin(request.user):
        return Center.objects.order_by("name")
    ids = center_ids_for(request.user, roles=[Role.COORDINATOR])
    return Center.objects.filter(pk__in=ids).order_by("name")


@role_required(Role.COORDINATOR)
def cap_exception_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Exceptions from the per-client cap of paid assignments, and a form to add one (a
    client that has one already gets the new cap)."""
    centers = _coordinated_centers(request)
    form = CapExceptionForm(request.POST or None, centers=centers)
    if request.method == "POST":
        valid = form.is_valid()
        data: dict[str, Any] = getattr(form, "cleaned_data", {})
        center = data.get("center")

        def service() -> ClientCapException:
            assert center is not None
            return allowances.cap_exception_set(
                actor=request.user,
                center=center,
                client_ref=str(data.get("client_ref") or ""),
                cap=cast(int, data.get("cap")),
                reason=str(data.get("reason") or ""),
            )

        # Without a center of the caller's the service has nothing to check against.
        saved, exception = (
            run_service(service, valid=valid, form=form) if center is not None else (False, None)
        )
        if saved and exception is not None:
            messages.success(
                request,
                _("Client %(client)s may now have %(cap)d paid assignments.")
                % {"client": exception.client_ref, "cap": exception.cap},
            )
            return redirect("cap-exception-list")
    exceptions = (
        ClientCapException.objects.for_user(request.user, roles=[Role.COORDINATOR])
        .select_related("center", "approved_by")
        .order_by("center__name", "client_ref")
    )
    return render(
        request,
        "requests/cap_exception_list.html",
        {
            "form": form,
            "page": paginate(request, exceptions),
            "query": query_without_page(request),
            "many_centers": len(centers) > 1,
            "centers": centers,
        },
        status=200,
    )
