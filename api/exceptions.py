"""Errors as the contract wants them: ``{"detail": ...}`` or ``{"field": [...]}``, never a 500
for bad input. Django's ``ValidationError`` from services becomes a 400 with field messages.

This handler is the one place of the API for the classes of bad input that reach the code
below the views, so a new endpoint is covered too:

- ``IntegrityError`` (two identical creates at the same moment: the database's unique
  constraint refuses the second) → 409;
- ``DataError`` (e.g. a value PostgreSQL cannot store), ``OverflowError`` (a number too
  large for the database, ``?place=99999999999999999999`` on SQLite), ``RecursionError``
  and ``UnicodeError`` (input that cannot be processed or echoed) → 400.

Bodies are checked before that by :mod:`api.parsers`; query strings by
:class:`core.middleware.BadInputMiddleware`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.log import db_error_summary
from core.outage import RETRY_AFTER_SECONDS, is_database_unavailable

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """409: the request collided with another change (e.g. the same create twice at once)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "The same change was just saved by another request. Please reload and check the data."
    )
    default_code = "conflict"


class UnprocessableInput(exceptions.ParseError):
    """400: input that cannot be stored or processed (too large a number, bad characters)."""

    default_detail = _("The request contains a value that cannot be processed.")
    default_code = "bad_input"


def translate_exception(exc: Exception) -> Exception:
    """The API error for an exception of one of the bad-input classes (else ``exc``)."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, IntegrityError):
        logger.warning("Conflicting write refused with 409: %s", db_error_summary(exc))
        return Conflict()
    if isinstance(exc, DataError | OverflowError | RecursionError | UnicodeError):
        logger.warning("Unprocessable input refused with 400: %s", type(exc).__name__)
        return UnprocessableInput()
    return exc


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``: a URL under ``/api/`` that matches no route (``/api/v1/volunteers/x/``)
    answers JSON like every other API error; the web pages keep their page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return page_not_found(request, exception or Http404())


class DatabaseUnavailable(exceptions.APIException):
    """503: the database cannot be reached for a moment (``core.outage``)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The database is briefly unavailable. Please try again.")
    default_code = "database_unavailable"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught about Django's ``ValidationError``, the bad-input classes and
    a database out of reach (503 with ``Retry-After``)."""
    if is_database_unavailable(exc):
        logger.warning("Database unreachable: answered 503")
        response = drf_exception_handler(DatabaseUnavailable(), context)
        if response is not None:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return drf_exception_handler(translate_exception(exc), context)
