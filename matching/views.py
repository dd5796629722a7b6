"""The coordinator console under ``/matching/``: requests at a glance, runs and their
explanations, and the manual override of one request (offer, withdraw, confirm, exclude,
run now).

Coordinators only (others 403); objects outside the centers the user coordinates are 404.
Thin: reads through :mod:`matching.selectors`, writes through the services; a service
error becomes a message and changes nothing. Irreversible actions (withdraw, exclude) ask
on a page of their own what follows, and act only on POST.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import AuditEvent, Center, Role
from core.params import parse_id
from core.services import audit_log, audit_view
from core.web import AuthenticatedHttpRequest, paginate, query_without_page, role_required
from matching import selectors, services
from matching.forms import CenterForm, InterpreterForm
from matching.models import MatchingRun
from requests import selectors as request_selectors
from requests import services as request_services
from requests.models import InterpreterRequest, Offer
from sprachpool.models import InterpreterProfile
from sprachpool.selectors import coordinated_profiles

Status = InterpreterRequest.Status


def _error_messages(request: AuthenticatedHttpRequest, exc: Exception) -> None:
    """A service's refusal as messages (every message of a ValidationError)."""
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    elif isinstance(exc, request_services.OfferConflict):
        messages.error(request, exc.message)
    else:  # anything else (e.g. PermissionDenied) is not a message
        raise exc


def _console_request(request: AuthenticatedHttpRequest, pk: int) -> InterpreterRequest:
    return get_object_or_404(
        selectors.console_requests(user=request.user).select_related(
            "center", "language", "department", "place", "created_by"
        ),
        pk=pk,
    )


def _console_offer(request: AuthenticatedHttpRequest, pk: int) -> Offer:
    return get_object_or_404(
        selectors.console_offers(user=request.user).select_related(
            "request__center", "request__language", "interpreter__volunteer"
        ),
        pk=pk,
    )


def _center_interpreter(
    request: AuthenticatedHttpRequest, item: InterpreterRequest, pk: Any
) -> InterpreterProfile:
    return get_object_or_404(
        coordinated_profiles(user=request.user)
        .filter(volunteer__center_id=item.center_id)
        .select_related("volunteer"),
        pk=pk,
    )


def _limit_warning(profile: InterpreterProfile, item: InterpreterRequest) -> str | None:
    """The warning that the request's expected allowance would take ``profile`` over the
    yearly tax-free limit (Ehrenamtspauschale), else ``None``."""
    extra = request_selectors.allowance_expected(request=item, interpreter=profile)
    if not extra:
        return None
    return request_selectors.allowance_limit_warning(
        interpreter=profile, extra=extra, on=timezone.localdate(item.start)
    )


# --- at a glance ------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def console(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/matching/``: what needs attention in the centers the user coordinates."""
    centers = selectors.coordinated_centers(user=request.user)
    overview = selectors.console_overview(user=request.user, centers=centers)
    return render(
        request,
        "matching/console.html",
        {
            "centers": [(c, overview.last_runs.get(c.pk)) for c in centers],
            "overview": overview,
            "not_filled": overview.not_filled_last_run,
            "many_centers": len(centers) > 1,
            "confirming": any(c.confirm_mode == Center.ConfirmMode.COORDINATOR for c in centers),
            "section_rows": selectors.SECTION_ROWS,
            "unconfirmed": selectors.interpreters_unconfirmed(user=request.user, centers=centers),
            "limit_warnings": {
                offer.pk: _limit_warning(offer.interpreter, offer.request)
                for offer in overview.awaiting.rows
            },
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def run_now(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Run the engine for one center at once, then show the run."""
    form = CenterForm(request.POST)
    if not form.is_valid():
        raise Http404
    center = get_object_or_404(
        Center.objects.filter(
            pk__in=[c.pk for c in selectors.coordinated_centers(user=request.user)]
        ),
        pk=form.cleaned_data["center"],
    )
    run = services.run_for_center(
        center=center, trigger=MatchingRun.Trigger.MANUAL, actor=request.user
    )
    if run.status == MatchingRun.Status.FAILED:
        messages.error(request, _("The run failed; nothing was changed. The error is stored."))
    else:
        stats = run.stats or {}
        messages.success(
            request,
            _("Run finished: %(filled)d of %(requests)d requests filled, %(offers)d offers made.")
            % {
                "filled": stats.get("filled", 0),
                "requests": stats.get("requests", 0),
                "offers": stats.get("offers_created", 0),
            },
        )
    return redirect("matching-run-detail", pk=run.pk)


# --- runs -------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    centers = selectors.coordinated_centers(user=request.user)
    raw = request.GET.get("center", "")
    center = parse_id(raw)
    if center not in {c.pk for c in centers}:
        center = None
    page = paginate(request, selectors.run_list(user=request.user, center=center))
    return render(
        request,
        "matching/run_list.html",
        {
            "page": page,
            "centers": centers,
            "center": center,
            "many_centers": len(centers) > 1,
            "query": query_without_page(request),
        },
    )


def _run(request: AuthenticatedHttpRequest, pk: int) -> MatchingRun:
    try:
        return selectors.run_get(user=request.user, pk=pk)
    except MatchingRun.DoesNotExist as exc:
        raise Http404 from exc


@role_required(Role.COORDINATOR)
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A run's figures and every request with its outcome and the engine's reasons."""
    run = _run(request, pk)
    audit_view(actor=request.user, obj=run)
    explanations = services.run_explanations(run)
    found = selectors.run_requests(run=run, ids=[row["request"] for row in explanations])
    rows = [(row, found.get(row["request"])) for row in explanations]
    return render(
        request,
        "matching/run_detail.html",
        {
            "run": run,
            "stats": run.stats or {},
            "filled_rows": [r for r in rows if r[0]["outcome"] == "filled"],
            "unfilled_rows": [r for r in rows if r[0]["outcome"] != "filled"],
            "interpreters": len((run.instance or {}).get("interpreters", [])),
        },
    )


@role_required(Role.COORDINATOR)
def run_instance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The run's ``wir-matching/1`` instance as a download (replay: ``solve_instance``)."""
    run = _run(request, pk)
    audit_log(actor=request.user, action=AuditEvent.Action.EXPORT, obj=run)
    response = JsonResponse(
        run.instance or {}, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-instance.json"'
    return response


# --- one request: the manual override ---------------------------------------------------


@role_required(Role.COORDINATOR)
def request_console(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A request's facts, its offers and exclusions, and the interpreters to offer it to."""
    item = _console_request(request, pk)
    offers, exclusions = selectors.request_history(request=item)
    candidates, total = selectors.request_candidates(user=request.user, request=item)
    pending = next((o for o in offers if o.status == Offer.Status.PENDING), None)
    awaiting = next(
        (o for o in offers if o.status == Offer.Status.ACCEPTED and o.awaiting_confirmation),
        None,
    )
    return render(
        request,
        "matching/request.html",
        {
            "item": item,
            "offers": offers,
            "exclusions": exclusions,
            "candidates": candidates,
            "total": total,
            "pending": pending,
            "awaiting": awaiting,
            "is_open": item.status == Status.OPEN and item.start > timezone.now(),
            "started": item.start <= timezone.now(),
            "can_exclude": item.status in (Status.OPEN, Status.OFFERED),
            "awaiting_warning": _limit_warning(awaiting.interpreter, item) if awaiting else None,
            "limit_warnings": {
                c.profile.pk: _limit_warning(c.profile, item) for c in candidates if c.can_offer
            },
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def request_offer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Offer the request to the chosen interpreter (hard constraints refuse it)."""
    item = _console_request(request, pk)
    form = InterpreterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose an interpreter from the list."))
        return redirect("matching-request", pk=pk)
    interpreter = _center_interpreter(request, item, form.cleaned_data["interpreter"])
    try:
        offer = services.offer_manual(actor=request.user, request=item, interpreter=interpreter)
    except (ValidationError, request_services.OfferConflict) as exc:
        messages.error(
            request,
            _("The request was not offered to %(name)s:")
            % {"name": interpreter.volunteer.display_name},
        )
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Offered to %(name)s; the offer expires on %(date)s.")
            % {
                "name": interpreter.volunteer.display_name,
                "date": _local(offer.expires_at),
            },
        )
    return redirect("matching-request", pk=pk)


def _local(moment: Any) -> str:
    local = timezone.localtime(moment)
    return _("%(date)s at %(time)s") % {
        "date": local.strftime("%d.%m.%Y"),
        "time": local.strftime("%H:%M"),
    }


@role_required(Role.COORDINATOR)
def request_exclude(request: AuthenticatedHttpRequest, pk: int, interpreter: int) -> HttpResponse:
    """Exclude an interpreter for this request: GET asks, POST acts."""
    item = _console_request(request, pk)
    profile = _center_interpreter(request, item, interpreter)
    pending = Offer.objects.filter(
        request=item, interpreter=profile, status=Offer.Status.PENDING
    ).first()
    if request.method == "POST":
        if item.status not in (Status.OPEN, Status.OFFERED):
            messages.error(
                request,
                _("Interpreters can be excluded only while the request is open or offered."),
            )
        else:
            try:
                request_services.request_exclude_interpreter(
                    actor=request.user, request=item, interpreter=profile
                )
            except ValidationError as exc:
                _error_messages(request, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is excluded for this request and will not be offered it again.")
                    % {"name": profile.volunteer.display_name},
                )
        return redirect("matching-request", pk=pk)
    return render(
        request,
        "matching/confirm.html",
        {
            "item": item,
            "title": _("Exclude %(name)s for this request?")
            % {"name": profile.volunteer.display_name},
            "consequences": [
                _("%(name)s will not be offered this request again, by the engine or by hand.")
                % {"name": profile.volunteer.display_name},
                *(
                    [_("The pending offer to them is withdrawn and they are told.")]
                    if pending
                    else []
                ),
                _("Other requests are not affected. An exclusion cannot be undone here."),
            ],
            "action": reverse("matching-request-exclude", args=[item.pk, profile.pk]),
            "button": _("Exclude"),
        },
    )


@role_required(Role.COORDINATOR)
def offer_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw a pending (or accepted, unconfirmed) offer: GET asks, POST acts."""
    offer = _console_offer(request, pk)
    name = offer.interpreter.volunteer.display_name
    if request.method == "POST":
        try:
            request_services.offer_withdraw(actor=request.user, offer=offer)
        except (ValidationError, request_services.OfferConflict) as exc:
            _error_messages(request, exc)
        else:
            messages.success(
                request,
                _("The offer to %(name)s is withdrawn; the request is open again.")
                % {"name": name},
            )
        return redirect("matching-request", pk=offer.request_id)
    return render(
        request,
        "matching/confirm.html",
        {
            "item": offer.request,
            "title": _("Withdraw the offer to %(name)s?") % {"name": name},
            "consequences": [
                _("%(name)s is told that the offer is withdrawn and can no longer accept it.")
                % {"name": name},
                _(
                    "The request is open again: the next run offers it to someone else, "
                    "possibly to %(name)s again unless you exclude them."
                )
                % {"name": name},
            ],
            "action": reverse("matching-offer-withdraw", args=[offer.pk]),
            "button": _("Withdraw the offer"),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def offer_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm an accepted offer (centers where the coordinator confirms)."""
    offer = _console_offer(request, pk)
    try:
        request_services.offer_confirm(actor=request.user, offer=offer)
    except (ValidationError, request_services.OfferConflict) as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s is assigned; the caseworker is told.")
            % {"name": offer.interpreter.volunteer.display_name},
        )
    target = request.POST.get("next", "")
    if target == "console":
        return redirect("matching-console")
    return redirect("matching-request", pk=offer.request_id)
