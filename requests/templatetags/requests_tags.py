"""Template filters of the request pages: appointment times in German format, durations,
status badges that say their status in words (colour only supports the text)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from requests import selectors

register = template.Library()

#: Badge class per status: the text names the status, the colour only underlines it.
BADGE_CLASS = {
    "open": "warn",
    "offered": "warn",
    "assigned": "ok",
    "completed": "ok",
    "cancelled": "",
    "unfilled": "bad",
    "pending": "warn",
    "accepted": "ok",
    "declined": "",
    "expired": "",
    "withdrawn": "",
    "upcoming": "ok",
    "disputed": "bad",
}


@register.filter
def badge_class(status: str) -> str:
    return BADGE_CLASS.get(str(status), "")


@register.simple_tag
def appointment(start: dt.datetime, end: dt.datetime) -> str:
    """ "Di., 08.12.2026, 09:00–10:00 Uhr" (Europe/Berlin)."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("%(weekday)s, %(date)s, %(start)s–%(end)s") % {
        "weekday": date_format(start, "D"),
        "date": date_format(start, "SHORT_DATE_FORMAT"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


@register.filter
def day_time(value: dt.datetime | None) -> str:
    """ "08.12.2026, 14:00" (Europe/Berlin)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s, %(time)s") % {
        "date": date_format(local, "SHORT_DATE_FORMAT"),
        "time": local.strftime("%H:%M"),
    }


@register.simple_tag
def duration(start: dt.datetime, end: dt.datetime) -> str:
    """ "1 h 30 min" / "1 Std. 30 Min."."""
    minutes = int((end - start).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    parts: list[str] = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


@register.filter
def phone_national(value: Any) -> str:
    """An E.164 number as Germans write it (0151 2345678)."""
    from core.phone import format_phone_national

    return format_phone_national(str(value or "")) if value else ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` or ``None`` (for per-row values such as errors by offer id)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def interpreter_badge(assignment: Any) -> dict[str, str]:
    """The status badge an interpreter sees for one of their assignments (``label``,
    ``css``). An ended assignment that is still ``upcoming`` is not "upcoming" to them: it
    says that their Einsatznachweis is missing, or, once they entered it, that the
    department's is awaited. Uses the list's prefetch of the current entries when there is
    one (``current_confirmations``)."""
    if assignment.status == "upcoming" and assignment.end <= timezone.now():
        sides = selectors.confirmation_sides(assignment=assignment)
        if sides.interpreter is None and sides.decision is None:
            return {"label": _("Einsatznachweis missing"), "css": "warn"}
        return {"label": _("Waiting for the department"), "css": ""}
    return {"label": assignment.get_status_display(), "css": badge_class(assignment.status)}
