"""Web pages of the request flow: the caseworkers' requests ("Our requests", the request
form, cancelling), the interpreter's offers and assignments, and the one-tap link of an
offer message. Thin: reads through :mod:`requests.selectors`, writes through
:mod:`requests.services`.

Requests, offers and assignments come from the caller's scoped querysets, so anything
outside it is a 404; an interpreter's pages show only their own offers and assignments
(also to someone who is a coordinator too).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, Prefetch, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.models import Center, Department, Language, Role
from core.params import parse_id
from core.scoping import center_ids_for, department_ids_for, has_role, is_admin
from core.services import audit_view
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required
from requests import selectors, services
from requests.forms import DeclineForm, ReasonForm, RequestFilterForm, RequestForm
from requests.models import Assignment, Confirmation, InterpreterRequest, Offer
from requests.views_after_match import request_confirmation
from sprachpool.selectors import own_profile

REQUEST_ROLES = (Role.CASEWORKER, Role.COORDINATOR)
#: How many answered offers "My offers" lists under the open ones.
ANSWERED_SHOWN = 10


# --------------------------------------------------------------------------- helpers


def _departments(request: AuthenticatedHttpRequest, center_id: int | None) -> list[Department]:
    """Active departments the caller may file for, in one center (the first by default)."""
    found = list(
        selectors.bookable_departments(user=request.user)
        .filter(is_active=True)
        .order_by("center__name", "name")
    )
    if center_id is None and found:
        center_id = found[0].center_id
    return [d for d in found if d.center_id == center_id]


def _request_form(
    request: AuthenticatedHttpRequest,
    *,
    center: Center,
    departments: list[Department],
    check_lead: bool = True,
    initial: dict[str, Any] | None = None,
) -> RequestForm:
    return RequestForm(
        request.POST if request.method == "POST" else None,
        center=center,
        departments=departments,
        places=selectors.request_form_places(center=center),
        check_lead=check_lead,
        initial=initial,
    )


def _form_context(form: RequestForm, **extra: Any) -> dict[str, Any]:
    """What the request form's template needs (the form and the language suggestions)."""
    return {"form": form, "language_options": form.language_options, **extra}


def _own_offer(request: AuthenticatedHttpRequest, pk: int) -> Offer:
    offer = selectors.offer_get(user=request.user, pk=pk)
    if offer.interpreter.volunteer.user_id != request.user.pk:
        raise Http404
    return offer


def _own_assignment(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if assignment.interpreter.volunteer.user_id != request.user.pk:
        raise Http404
    return assignment


def _interpreter_contact(
    request: AuthenticatedHttpRequest, item: InterpreterRequest
) -> dict[str, Any] | None:
    return selectors.request_interpreter(request=item, user=request.user)


# --------------------------------------------------------------------------- caseworkers


@role_required(*REQUEST_ROLES)
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Our requests": a caseworker's department's, a coordinator's whole center."""
    visible = InterpreterRequest.objects.visible_to(request.user)
    languages = list(Language.objects.filter(code__in=visible.values("language_id")))
    filter_form = RequestFilterForm(request.GET or None, languages=languages)
    filters = filter_form.filters()
    # One of several centers (the dashboard's links); a center not the user's shows nothing.
    filters["center"] = parse_id(request.GET.get("center"))
    items = _upcoming_first(selectors.request_list(user=request.user, **filters))
    page = paginate(request, items)
    rows = [
        (item, _interpreter_contact(request, item), selectors.pending_offer(item))
        for item in page.object_list
    ]
    return render(
        request,
        "requests/request_list.html",
        {
            "page": page,
            "rows": rows,
            "filter_form": filter_form,
            "filtered": any(value not in ("", None) for value in filters.values()),
            "query": query_without_page(request),
            "can_file": bool(_departments(request, None)),
            "show_department": len(department_ids_for(request.user)) != 1
            or has_role(request.user, Role.COORDINATOR),
        },
    )


def _upcoming_first(items: QuerySet[InterpreterRequest]) -> QuerySet[InterpreterRequest]:
    """Appointments still to come first (soonest on top), then past ones (latest on top)."""
    now = timezone.now()
    return items.annotate(
        is_over=Case(When(end__lte=now, then=Value(1)), default=Value(0)),
        coming_start=Case(When(end__gt=now, then=F("start")), default=None),
    ).order_by("is_over", "coming_start", "-start", "-id")


@role_required(*REQUEST_ROLES)
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The request form: one page, every error at once at its field, nothing lost."""
    center_param = request.GET.get("center", "")
    center_id = parse_id(center_param)
    departments = _departments(request, center_id)
    if not departments:
        return render(request, "requests/no_department.html", status=403)
    center = departments[0].center
    form = _request_form(request, center=center, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                actor=request.user,
                department=form.cleaned_data["department"] or departments[0].pk,
                **form.service_data(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Your request #%(number)s is filed. We look for an interpreter now.")
                % {"number": created.pk},
            )
            if created.client_cap_reached:
                messages.warning(request, _cap_message(created))
            return redirect("request-detail", pk=created.pk)
    return render(
        request,
        "requests/request_form.html",
        _form_context(
            form,
            center=center,
            title=_("Request an interpreter"),
            back_url=reverse("request-list"),
            submit_label=_("File the request"),
            other_centers=_other_centers(request, center),
        ),
    )


def _other_centers(request: AuthenticatedHttpRequest, current: Center) -> list[Center]:
    """Further centers a coordinator of several can file for (links above the form)."""
    if not has_role(request.user, Role.COORDINATOR):
        return []
    ids = (
        set(Center.objects.values_list("pk", flat=True))
        if is_admin(request.user)
        else center_ids_for(request.user, roles=[Role.COORDINATOR])
    )
    ids.discard(current.pk)
    return list(Center.objects.filter(pk__in=ids).order_by("name")) if ids else []


def _cap_message(item: InterpreterRequest) -> str:
    return _(
        "Client %(client)s has had %(cap)d paid assignments already, the most the center "
        "pays for one client. The request is filed; the center decides about an exception."
    ) % {"client": item.client_ref, "cap": item.center.allowance_cap_per_client}


@role_required(*REQUEST_ROLES)
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.request_get(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=item)
    contact = _interpreter_contact(request, item)
    assignment = selectors.holding_assignment(item)
    if contact is not None and assignment is not None:
        audit_view(
            actor=request.user,
            obj=assignment.interpreter.volunteer,
            center=item.center_id,
        )
    return render(
        request,
        "requests/request_detail.html",
        {
            "item": item,
            "contact": contact,
            "assignment": assignment,
            "pending_offer": selectors.pending_offer(item),
            "cap_message": _cap_message(item) if item.client_cap_reached else "",
            "can_edit": item.status == InterpreterRequest.Status.OPEN,
            "can_cancel": not services.request_cancel_refusal(item, now=timezone.now()),
            "confirmation": request_confirmation(
                user=request.user, item=item, assignment=assignment
            ),
        },
    )


@role_required(*REQUEST_ROLES)
def request_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a request while it is open (the service refuses once an offer is out)."""
    item = selectors.request_get(user=request.user, pk=pk)
    if item.status != InterpreterRequest.Status.OPEN:
        messages.error(
            request,
            _("Only an open request can be changed; this one is “%(status)s”.")
            % {"status": item.get_status_display()},
        )
        return redirect("request-detail", pk=pk)
    departments = _departments(request, item.center_id)
    if item.department not in departments:
        departments = [item.department, *departments]
    form = _request_form(
        request,
        center=item.center,
        departments=departments,
        check_lead=False,
        initial=RequestForm.initial_for(item),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_data()
        if form.cleaned_data["department"] and len(departments) > 1:
            fields["department"] = form.cleaned_data["department"]
        try:
            updated = services.request_update(actor=request.user, request=item, **fields)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            if updated.client_cap_reached:
                messages.warning(request, _cap_message(updated))
            return redirect("request-detail", pk=pk)
    return render(
        request,
        "requests/request_form.html",
        _form_context(
            form,
            center=item.center,
            item=item,
            title=_("Change request #%(number)s") % {"number": item.pk},
            back_url=reverse("request-detail", args=[pk]),
            submit_label=_("Save changes"),
        ),
    )


@role_required(*REQUEST_ROLES)
def request_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, with a reason, then cancel; the page says what follows."""
    item = selectors.request_get(user=request.user, pk=pk)
    refusal = services.request_cancel_refusal(item, now=timezone.now())
    if refusal:
        messages.error(request, refusal)
        return redirect("request-detail", pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_cancel(
                actor=request.user, request=item, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("The request is cancelled."))
            return redirect("request-detail", pk=pk)
    return render(
        request,
        "requests/request_cancel.html",
        {
            "item": item,
            "form": form,
            "contact": _interpreter_contact(request, item),
            "pending_offer": selectors.pending_offer(item),
        },
    )


# --------------------------------------------------------------------------- interpreters


@role_required(Role.VOLUNTEER)
def offer_list(
    request: AuthenticatedHttpRequest,
    *,
    decline_errors: dict[int, list[str]] | None = None,
    decline_values: dict[int, str] | None = None,
) -> HttpResponse:
    """ "My offers": what waits for an answer (phone-first cards), then recent answers."""
    profile = own_profile(user=request.user)
    if profile is None:
        return render(request, "requests/offer_list.html", {"profile": None})
    now = timezone.now()
    mine = selectors.offer_list(user=request.user).filter(interpreter=profile)
    pending = list(mine.filter(status=Offer.Status.PENDING, expires_at__gt=now))
    answered = list(mine.exclude(pk__in=[o.pk for o in pending])[:ANSWERED_SHOWN])
    return render(
        request,
        "requests/offer_list.html",
        {
            "profile": profile,
            "pending": pending,
            "answered": answered,
            "decline_errors": decline_errors or {},
            "decline_values": decline_values or {},
        },
    )


@require_POST
@role_required(Role.VOLUNTEER)
def offer_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    try:
        accepted = services.offer_accept(actor=request.user, offer=offer)
    except services.OfferConflict as exc:
        messages.error(request, exc.message)
        return redirect("offer-list")
    if accepted.awaiting_confirmation:
        messages.success(request, _("Thank you! The coordinator confirms the assignment shortly."))
        return redirect("offer-list")
    messages.success(request, _("Thank you! The assignment is yours; the details are below."))
    return redirect("assignment-list")


@require_POST
@role_required(Role.VOLUNTEER)
def offer_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    form = DeclineForm(request.POST)
    typed = {offer.pk: request.POST.get("reason", "")[:500]}
    if not form.is_valid():
        return offer_list(
            request, decline_errors={offer.pk: form.errors["reason"]}, decline_values=typed
        )
    try:
        services.offer_decline(actor=request.user, offer=offer, reason=form.cleaned_data["reason"])
    except services.OfferConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        return offer_list(request, decline_errors={offer.pk: exc.messages}, decline_values=typed)
    else:
        messages.success(request, _("Declined. Thank you for answering so quickly."))
    return redirect("offer-list")


@role_required(Role.VOLUNTEER)
def assignment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "My assignments": upcoming with address and contact, then past ones (paged)."""
    profile = own_profile(user=request.user)
    if profile is None:
        return render(request, "requests/assignment_list.html", {"profile": None})
    upcoming = list(
        selectors.assignment_list(user=request.user, upcoming=True)
        .filter(interpreter=profile)
        .exclude(status=Assignment.Status.CANCELLED)
    )
    # Each past one says whether its Einsatznachweis is missing (interpreter_badge).
    past = (
        selectors.assignment_list(user=request.user, upcoming=False)
        .filter(interpreter=profile)
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=Confirmation.objects.current(),
                to_attr="current_confirmations",
            )
        )
    )
    return render(
        request,
        "requests/assignment_list.html",
        {
            "profile": profile,
            "upcoming": upcoming,
            "page": paginate(request, past),
            "query": query_without_page(request),
        },
    )


@role_required(Role.VOLUNTEER)
def assignment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, with a reason, then give the assignment back."""
    assignment = _own_assignment(request, pk)
    if assignment.status != Assignment.Status.UPCOMING or assignment.end <= timezone.now():
        messages.error(request, _("Only an upcoming assignment can be cancelled."))
        return redirect("assignment-list")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_cancel(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(
                request,
                _(
                    "You have given the assignment back. The department is told, and we look "
                    "for someone else."
                ),
            )
            return redirect("assignment-list")
    return render(
        request, "requests/assignment_cancel.html", {"assignment": assignment, "form": form}
    )


# --------------------------------------------------------------------------- one-tap link


def offer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an offer message, without login. GET shows the offer and two buttons;
    only a POST answers (mail scanners open links, they must not accept)."""
    try:
        offer = services.offer_from_token(token)
    except ValidationError:
        return render(request, "requests/offer_link.html", {"state": "invalid"}, status=404)
    now = timezone.now()
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and _open(offer, now):
        action = request.POST.get("action", "")
        # The signed link is the interpreter's authority: no login needed.
        actor = offer.interpreter.volunteer.user
        try:
            if action == "accept":
                offer = services.offer_accept(actor=actor, offer=offer, token=token)
                state = "waiting" if offer.awaiting_confirmation else "accepted"
                return _offer_link_page(request, offer, state)
            if action == "decline" and form.is_valid():
                services.offer_decline(
                    actor=actor, offer=offer, reason=form.cleaned_data["reason"], token=token
                )
                return _offer_link_page(request, offer, "declined_now")
        except services.OfferConflict as exc:
            offer.refresh_from_db()
            return _offer_link_page(request, offer, _state(offer, now), conflict=exc.message)
        except PermissionDenied:
            return _offer_link_page(request, offer, "no_login", status=403)
        except ValidationError as exc:
            add_service_errors(exc, form)
    return _offer_link_page(request, offer, _state(offer, now), form=form)


def _open(offer: Offer, now: Any) -> bool:
    return offer.status == Offer.Status.PENDING and offer.expires_at > now


def _state(offer: Offer, now: Any) -> str:
    """What the link page says: ``open``, or why the offer cannot be answered any more."""
    if offer.status == Offer.Status.PENDING:
        return "open" if offer.expires_at > now else "expired"
    if offer.status == Offer.Status.ACCEPTED:
        return "waiting" if offer.awaiting_confirmation else "accepted"
    return str(offer.status)


def _offer_link_page(
    request: HttpRequest,
    offer: Offer,
    state: str,
    *,
    form: DeclineForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "requests/offer_link.html",
        {
            "offer": offer,
            "item": offer.request,
            "state": state,
            "form": form or DeclineForm(),
            "conflict": conflict,
            "assigned": state == "accepted",
        },
        status=status,
    )
