"""The interpreter's calendar: their assignments as iCalendar (RFC 5545, the ``icalendar``
library), as a personal feed at a secret address and as one ``.ics`` file per assignment.

- :func:`calendar_feed` builds the feed of one interpreter: their assignments from
  :data:`FEED_PAST_DAYS` ago on (upcoming, done, and cancelled ones marked ``CANCELLED``
  so that subscribed calendars drop them), in the interpreter's language.
- :func:`assignment_ics` builds the file of one assignment.
- :func:`profile_for_token` finds the feed's interpreter by its secret
  (``InterpreterProfile.calendar_token``; created, renewed and revoked by
  :mod:`sprachpool.services`).

Times are written as local Europe/Berlin times with ``TZID`` and one ``VTIMEZONE`` with the
yearly rules, which calendar programs read right across the changes to and from summer time.
Every event has a stable ``UID`` (``assignment-<id>@<host of SITE_URL>``), so a renewed
feed or a downloaded file updates the same entry. Nothing about the client goes into a
calendar: no client reference, no notes, no setting, no reason for a cancellation; the
events are marked ``CLASS:PRIVATE`` for calendars shared with others.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vRecur,
)

from core.choices import Mode
from core.models import AuditEvent, User
from core.services import audit_log
from requests.models import Assignment
from sprachpool.models import InterpreterProfile
from volunteers.models import Volunteer

#: The feed shows assignments that started at most this many days ago (and all later ones).
FEED_PAST_DAYS = 60
#: How often calendar programs are asked to fetch the feed again (``REFRESH-INTERVAL``).
FEED_REFRESH = dt.timedelta(hours=1)
#: The time zone every event is written in.
TZID = "Europe/Berlin"
BERLIN = ZoneInfo(TZID)
PRODID = "-//WIR-Sprachpool//Einsatzkalender//DE"
#: What a feed secret looks like (``secrets.token_urlsafe``); anything else is not looked up.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


# --------------------------------------------------------------------------- reading


def feed_assignments(
    *, profile: InterpreterProfile, now: dt.datetime | None = None
) -> QuerySet[Assignment]:
    """The assignments a feed shows: the interpreter's own, from :data:`FEED_PAST_DAYS`
    ago on, cancelled ones included, by start."""
    since = (now or timezone.now()) - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        Assignment.objects.filter(interpreter=profile, start__gte=since)
        .select_related("request__language", "request__department", "request__center")
        .order_by("start", "id")
    )


def profile_for_token(token: str) -> InterpreterProfile | None:
    """The interpreter whose calendar feed has this secret, or ``None`` (unknown, revoked,
    not shaped like a secret, or the volunteer has left or was anonymised). One lookup by
    the unique field: an index walk whose time does not depend on how much of a guess is
    right."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    return (
        InterpreterProfile.objects.select_related("volunteer")
        .filter(calendar_token=token, volunteer__anonymised_at__isnull=True)
        .exclude(calendar_token="")
        .exclude(volunteer__status=Volunteer.Status.LEFT)
        .first()
    )


def feed_url(*, profile: InterpreterProfile) -> str | None:
    """The feed's absolute address (``SITE_URL``), or ``None`` while the feed is off."""
    if not profile.calendar_token:
        return None
    return settings.SITE_URL + reverse("calendar-feed", args=[profile.calendar_token])


def webcal_url(url: str) -> str:
    """The same address with the ``webcal://`` scheme, which calendar programs subscribe to."""
    return "webcal://" + url.split("://", 1)[-1]


# --------------------------------------------------------------------------- building


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "wir-sprachpool.invalid"


def assignment_uid(assignment: Assignment) -> str:
    """The stable ``UID`` of an assignment's event, the same in every feed and file."""
    return f"assignment-{assignment.pk}@{_host()}"


def _vtimezone() -> Timezone:
    """Europe/Berlin with its yearly rules (summer time from the last Sunday of March,
    02:00, to the last Sunday of October, 03:00), valid for every year."""
    zone = Timezone()
    zone.add("tzid", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    # Onsets are local wall-clock times without a zone (RFC 5545, 3.6.5).
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))  # noqa: DTZ001
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))  # noqa: DTZ001
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def _calendar(*, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name is not None:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
        calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    calendar.add_component(_vtimezone())
    return calendar


def _location(assignment: Assignment) -> str:
    request = assignment.request
    if request.mode == Mode.PHONE:
        return _("Phone")
    if request.mode == Mode.VIDEO:
        return _("Video")
    town = " ".join(part for part in (request.postcode, request.city) if part)
    return ", ".join(part for part in (request.place_name, request.street, town) if part)


def _page_url(assignment: Assignment) -> str:
    return settings.SITE_URL + reverse("assignment-detail", args=[assignment.pk])


def _description(assignment: Assignment) -> str:
    request = assignment.request
    lines = [
        _("Language: %(language)s") % {"language": request.language.name},
        _("How: %(mode)s") % {"mode": request.get_mode_display()},
        _("Department: %(department)s") % {"department": request.department.name},
        _("Center: %(center)s") % {"center": request.center.name},
    ]
    if assignment.status == Assignment.Status.CANCELLED:
        lines.insert(0, _("This assignment was cancelled. You do not need to go."))
    lines.append(_("Details: %(url)s") % {"url": _page_url(assignment)})
    return "\n".join(lines)


def _last_modified(assignment: Assignment) -> dt.datetime:
    changes = [assignment.created_at, assignment.cancelled_at, assignment.completed_at]
    return max(moment for moment in changes if moment is not None)


def _event(assignment: Assignment, *, now: dt.datetime) -> Event:
    request = assignment.request
    cancelled = assignment.status == Assignment.Status.CANCELLED
    event = Event()
    event.add("uid", assignment_uid(assignment))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("created", assignment.created_at.astimezone(dt.UTC))
    event.add("last-modified", _last_modified(assignment).astimezone(dt.UTC))
    # The times of an assignment never change (a request is changed only while open);
    # its cancellation is the one revision.
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstart", assignment.start.astimezone(BERLIN))
    event.add("dtend", assignment.end.astimezone(BERLIN))
    language = request.language.name
    if cancelled:
        event.add("summary", _("Cancelled – interpreting: %(language)s") % {"language": language})
    else:
        event.add("summary", _("Interpreting: %(language)s") % {"language": language})
    event.add("location", _location(assignment))
    if request.mode == Mode.IN_PERSON and request.lat is not None and request.lon is not None:
        event.add("geo", (request.lat, request.lon))
    event.add("description", _description(assignment))
    event.add("url", _page_url(assignment))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("class", "PRIVATE")
    return event


def _to_ical(
    assignments: Iterable[Assignment], *, name: str | None, now: dt.datetime | None
) -> bytes:
    now = now or timezone.now()
    calendar = _calendar(name=name)
    for assignment in assignments:
        calendar.add_component(_event(assignment, now=now))
    return calendar.to_ical()


def _language_of(profile: InterpreterProfile) -> str:
    return profile.volunteer.language or settings.LANGUAGE_CODE


def calendar_feed(*, profile: InterpreterProfile, now: dt.datetime | None = None) -> bytes:
    """The interpreter's feed (:func:`feed_assignments`) as iCalendar, in the language they
    chose for messages (German by default)."""
    now = now or timezone.now()
    with translation.override(_language_of(profile)):
        return _to_ical(
            feed_assignments(profile=profile, now=now),
            name=_("WIR-Sprachpool: my assignments"),
            now=now,
        )


def assignment_ics(*, assignment: Assignment, now: dt.datetime | None = None) -> bytes:
    """One assignment as an iCalendar file, in the active language."""
    return _to_ical([assignment], name=None, now=now)


# --- audit of the exports ---------------------------------------------------------------------

#: A feed read is recorded at most once per profile in this time (calendar programs poll).
FEED_AUDIT_INTERVAL = dt.timedelta(hours=1)


def calendar_feed_exported(*, profile: InterpreterProfile, now: dt.datetime | None = None) -> None:
    """Record that the feed was read: an export of the interpreter's assignments to whoever
    holds the secret address (actor ``None``, ``detail.via = "calendar_feed"``), at most
    once per :data:`FEED_AUDIT_INTERVAL` per profile."""
    now = now or timezone.now()
    recent = AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT,
        object_type=profile._meta.label_lower,
        object_id=str(profile.pk),
        at__gte=now - FEED_AUDIT_INTERVAL,
    )
    if recent.filter(detail__via="calendar_feed").exists():
        return
    audit_log(
        actor=None,
        action=AuditEvent.Action.EXPORT,
        obj=profile,
        center=profile.volunteer.center_id,
        detail={"via": "calendar_feed"},
    )


def assignment_ics_exported(*, actor: User, assignment: Assignment) -> None:
    """Record that the interpreter downloaded an assignment as a ``.ics`` file."""
    audit_log(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=assignment,
        center=assignment.request.center_id,
        detail={"via": "ics"},
    )
