"""The web layer's one place for input no view can use, so a new page is covered too.

- Query strings and form bodies with a NUL byte (PostgreSQL cannot compare or store
  them: ``DataError``) are answered with 400 before any view runs; under ``/api/`` the
  answer is JSON (``{"detail": ...}``), as the API contract wants.
- Exceptions of the bad-input classes that reach the database below a page:
  ``IntegrityError`` (the same create twice at the same moment) → 409, and
  ``DataError``, ``OverflowError`` (a number too large for the database, e.g.
  ``?place=99999999999999999999`` on SQLite), ``RecursionError``, ``UnicodeError`` → 400,
  with a page that says so instead of a server error. The API maps them itself
  (:mod:`api.exceptions`); this is for pages.

Two more for every request (docs/security.md):

- :class:`SessionLifetimeMiddleware`: a login ends ``SESSION_COOKIE_AGE`` (from
  ``SESSION_IDLE_MINUTES``) after its last request and ``SESSION_MAX_HOURS`` after it began.
- :class:`NoStoreMiddleware`: ``Cache-Control: no-store`` on the API and on every page a
  logged-in user sees, so no browser or proxy keeps personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.log import db_error_summary

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _answer(request: HttpRequest, *, status: int, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "400.html", {"message": message, "status": status}, status=status)


class BadInputMiddleware:
    """Answer 400/409 for the classes of bad input instead of letting them become a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in _FORM_TYPES
            and _has_nul(request.POST)
        ):
            return _answer(
                request,
                status=400,
                message=_("The request contains a character that is not allowed (a NUL byte)."),
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _is_api(request):
            return None  # DRF's views answer through api.exceptions
        if isinstance(exception, IntegrityError):
            logger.warning(
                "Conflicting write on %s refused with 409: %s",
                request.path,
                db_error_summary(exception),
            )
            return _answer(
                request,
                status=409,
                message=_(
                    "The same change was just saved by another request. Please go back, "
                    "reload the page and check the data."
                ),
            )
        if isinstance(exception, DataError | OverflowError | RecursionError | UnicodeError):
            logger.warning(
                "Unprocessable input on %s refused with 400: %s",
                request.path,
                type(exception).__name__,
            )
            return _answer(
                request, status=400, message=_("The request contains a value that cannot be used.")
            )
        return None


#: The session key holding when the login began (seconds since the epoch, set at login by
#: :func:`core.signals.remember_login_time`).
LOGIN_AT_SESSION_KEY = "core:login_at"
#: The session key holding when the session's lifetime was last renewed.
RENEWED_AT_SESSION_KEY = "core:renewed_at"
#: A login's requests renew its session at most this often (seconds): the idle limit then
#: holds to the minute, and a page costs no session write most of the time.
RENEW_EVERY_SECONDS = 60


class SessionLifetimeMiddleware:
    """A login's session: renewed while in use, over after ``SESSION_MAX_HOURS``.

    - **Idle**: the stored session and its cookie expire ``SESSION_COOKIE_AGE`` after they
      were last saved (Django); a request of a login saves the session again when the last
      renewal is ``RENEW_EVERY_SECONDS`` old, so it lasts that long after the last request.
    - **At most**: a session whose login began ``SESSION_MAX_HOURS`` ago (or that has no
      login time, from before this rule) is logged out. The request then goes on as an
      anonymous one: a page redirects to the login, where a message says why; the API
      answers 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(LOGIN_AT_SESSION_KEY)
            renewed = request.session.get(RENEWED_AT_SESSION_KEY, 0)
            limit = settings.SESSION_MAX_HOURS * 3600
            if not isinstance(started, int | float) or now - started >= limit:
                logout(request)
                if not _is_api(request):
                    messages.info(
                        request,
                        _(
                            "For your protection, a login lasts at most %(hours)d hours. "
                            "Please log in again."
                        )
                        % {"hours": settings.SESSION_MAX_HOURS},
                    )
            elif not isinstance(renewed, int | float) or now - renewed >= RENEW_EVERY_SECONDS:
                # A changed session is saved with a new expiry and sends a new cookie.
                request.session[RENEWED_AT_SESSION_KEY] = int(now)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` and ``Pragma: no-cache`` on what may hold personal data.

    Always on the API and on every page for a logged-in user (overriding what a view set).
    A page for an anonymous visitor gets it too unless its view chose its own
    ``Cache-Control`` (``django.views.decorators.cache.cache_control``): the pages behind a
    signed link (an offer, a confirmation) are personal although nobody is logged in.
    Static files never pass through here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            _is_api(request)
            or not response.has_header("Cache-Control")
            or request.user.is_authenticated
        ):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
