"""Logging helpers: keep the server log readable and free of personal data."""

from __future__ import annotations

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """Drop the traceback from ``django.request`` records of 4xx answers.

    Django logs a refused request (403, 400) with the exception that caused it; that is the
    expected outcome of a permission check, not a fault, so the log keeps the one line
    ("Forbidden (Permission denied): /path") and only server errors keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def db_error_summary(exc: BaseException) -> str:
    """A database error's first line, for the log: the kind and the constraint.

    PostgreSQL puts the offending values into the following lines (``DETAIL: Key
    (email)=(…) already exists``, ``Failing row contains (…)``); they hold personal data
    and never reach the log.
    """
    lines = str(exc).strip().splitlines()
    first = lines[0].strip() if lines else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
