"""Web pages of the interpreter's calendar (:mod:`requests.calendar`): the feed at its secret
address (no login), one assignment as a ``.ics`` file, and renewing or switching off the
feed from "My assignments" (a GET asks first, the POST acts).

The feed answers an unknown, revoked or malformed secret with the same 404 as any unknown
address, and nothing else tells them apart. It is not throttled: calendar programs poll it
(hourly, as the feed asks), and the secret's 256 random bits are what guessing is up against.
Counting misses per client address would lock out the wrong people: calendar services poll
many users' feeds from shared servers, and a revoked address still polled there would block
everyone else's feed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.models import Role
from core.web import AuthenticatedHttpRequest, role_required
from requests import calendar, selectors
from sprachpool import services as sprachpool_services
from sprachpool.models import InterpreterProfile
from sprachpool.selectors import own_profile
from volunteers.views import confirm_page

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    # Personal data: no shared cache keeps it, no browser stores it.
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    if filename is not None:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The interpreter's calendar feed at its secret address, readable without login."""
    profile = calendar.profile_for_token(token)
    if profile is None:
        raise Http404
    body = calendar.calendar_feed(profile=profile)
    calendar.calendar_feed_exported(profile=profile)
    return _ics_response(body)


@role_required(Role.VOLUNTEER)
def assignment_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One of the interpreter's own assignments as a ``.ics`` file (anyone else's: 404)."""
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if assignment.interpreter.volunteer.user_id != request.user.pk:
        raise Http404
    calendar.assignment_ics_exported(actor=request.user, assignment=assignment)
    return _ics_response(
        calendar.assignment_ics(assignment=assignment), filename=f"einsatz-{assignment.pk}.ics"
    )


def _profile(request: AuthenticatedHttpRequest) -> InterpreterProfile:
    profile = own_profile(user=request.user)
    if profile is None:
        raise Http404
    return profile


@role_required(Role.VOLUNTEER)
@require_http_methods(["GET", "POST"])
def calendar_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new secret address for the feed (the first one, or instead of the old one)."""
    profile = _profile(request)
    if request.method == "GET" and profile.calendar_token:
        return confirm_page(
            request,
            title=_("Renew the calendar address"),
            consequences=[
                _("Your calendar gets a new secret address."),
                _(
                    "The old address stops working at once. Calendars subscribed to it no "
                    "longer show your assignments."
                ),
                _("Subscribe to the new address in your calendar afterwards."),
            ],
            button=_("Renew the address"),
            back_url=reverse("assignment-list"),
        )
    if request.method == "GET":
        return redirect("assignment-list")
    try:
        sprachpool_services.calendar_token_renew(actor=request.user, profile=profile)
    except (PermissionDenied, ValidationError):
        messages.error(request, _("The calendar address could not be changed."))
    else:
        messages.success(
            request,
            _("Your calendar has a new address. Please subscribe to it in your calendar."),
        )
    return redirect(reverse("assignment-list") + "#calendar")


@role_required(Role.VOLUNTEER)
@require_http_methods(["GET", "POST"])
def calendar_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switch the feed off: its address stops working."""
    profile = _profile(request)
    if request.method == "GET":
        if not profile.calendar_token:
            return redirect("assignment-list")
        return confirm_page(
            request,
            title=_("Switch off the calendar address"),
            consequences=[
                _(
                    "The secret address stops working at once. Calendars subscribed to it no "
                    "longer show your assignments."
                ),
                _("You can create a new address here at any time."),
            ],
            button=_("Switch off"),
            back_url=reverse("assignment-list"),
        )
    sprachpool_services.calendar_token_revoke(actor=request.user, profile=profile)
    messages.success(request, _("The calendar address is switched off."))
    return redirect(reverse("assignment-list") + "#calendar")
