"""Rules the registries' services share (volunteers, sprachpool, networks), written once.

- :func:`reject_future_date`: a recorded date (paperwork, check-ins, meetings) cannot lie
  in the future.
- :func:`reject_unknown_fields`: a service asked to change a field it does not offer
  refuses with a field error (never a ``TypeError``), so a form or the API shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def future_date_problem(day: dt.date | None) -> str:
    """The message when ``day`` lies after today (Europe/Berlin), else ``""``."""
    if day is not None and day > timezone.localdate():
        return _("This date lies in the future.")
    return ""


def reject_future_date(day: dt.date | None, field: str) -> None:
    """Refuse a date after today (Europe/Berlin); ``None`` passes.

    :raises ValidationError: ``{field: [...]}``.
    """
    problem = future_date_problem(day)
    if problem:
        raise ValidationError({field: [problem]}, code="future")


def reject_unknown_fields(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse fields a service does not change, each at its own name.

    :raises ValidationError: ``{name: ["This field cannot be changed here."]}``.
    """
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(
            {name: [_("This field cannot be changed here.")] for name in unknown}, code="unknown"
        )
