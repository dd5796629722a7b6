"""The database unreachable for a moment: a 503 with ``Retry-After`` instead of a 500.

A page answers with ``templates/503.html`` (German and English, rendered without the
database: no context processors, no user), the API with ``{"detail": ...}``
(``api.exceptions``). Only errors that mean "cannot reach the database" count (the
connection refused, lost or timed out; SQLite's file that cannot be opened or stays
locked); a programming error (a missing table, bad SQL) stays a 500, so it is noticed.
Nothing is stored: the failed request's transaction never began or is rolled back, so the
user can repeat it once the database is back.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30

#: Words of the drivers' messages for a database out of reach (psycopg, sqlite3).
_UNREACHABLE = (
    "could not connect",
    "connection refused",
    "connection timed out",
    "timeout expired",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection already closed",
    "the connection is lost",
    "no connection to the server",
    "could not translate host name",
    "name or service not known",
    "unable to open database file",
    "database is locked",
    "disk i/o error",
    "the database system is starting up",
    "the database system is shutting down",
    "too many connections",
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached now."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            text = str(exc).casefold()
            if isinstance(exc, InterfaceError) or any(words in text for words in _UNREACHABLE):
                return True
        exc = exc.__cause__
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON under ``/api/``, else the page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": gettext("The database is briefly unavailable. Please try again.")},
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database out of reach is a 503, anything else Django's 500 page.

    Django calls it while handling the exception, so ``sys.exc_info()`` holds it (also when
    it was raised in a middleware, e.g. loading the session)."""
    if is_database_unavailable(sys.exc_info()[1]):
        logger.warning("Database unreachable: answered 503 for %s", request.path)
        return unavailable_response(request)
    return django_server_error(request)
