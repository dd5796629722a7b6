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
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DataError, IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

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
            logger.warning("Conflicting write on %s refused with 409: %s", request.path, exception)
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
