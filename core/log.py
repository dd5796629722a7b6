"""Logging helpers: keep the server log readable."""

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
