"""When a volunteer is available: weekly times (:func:`clean_slots`,
:func:`volunteer_weekly_slots_set`) and absences (:func:`absence_add`,
:func:`absence_remove`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from core.models import AuditEvent, User
from core.services import audit_log
from volunteers.models import (
    Absence,
    Volunteer,
    WeeklySlot,
)
from volunteers.services.common import _row_error, _save_part, refuse_if_anonymised

MAX_SLOTS = 28


MAX_ABSENCE_DAYS = 366


def clean_slots(
    slots: Iterable[Sequence[Any]],
) -> list[tuple[int, dt.time, dt.time]]:
    """Check weekly slots (weekday 0 = Monday, start, end): end after start, no overlap
    on the same day.

    :raises ValidationError: ``{"availability": [...]}``, each message carrying the index
        of its slot as ``params["row"]`` (for an overlap: the later of the two).
    """
    items = list(slots)
    if len(items) > MAX_SLOTS:
        raise ValidationError(
            {"availability": [_("Please give at most %(max)d times.") % {"max": MAX_SLOTS}]}
        )
    messages: list[ValidationError] = []
    rows: list[tuple[int, dt.time, dt.time, int]] = []
    days = dict(WeeklySlot.Weekday.choices)
    for row, (weekday, start, end) in enumerate(items):
        if not isinstance(weekday, int) or isinstance(weekday, bool) or weekday not in days:
            messages.append(
                _row_error(_("The weekday must be a number from 0 (Monday) to 6 (Sunday)."), row)
            )
            continue
        if not isinstance(start, dt.time) or not isinstance(end, dt.time):
            messages.append(_row_error(_("Please give start and end as times, e.g. 09:00."), row))
            continue
        if end <= start:
            message = _("%(day)s: the end (%(end)s) must be after the start (%(start)s).") % {
                "day": days[weekday],
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
            }
            messages.append(_row_error(message, row))
            continue
        rows.append(
            (
                weekday,
                start.replace(second=0, microsecond=0),
                end.replace(second=0, microsecond=0),
                row,
            )
        )
    rows.sort()
    for (day_a, start_a, end_a, _row_a), (day_b, start_b, end_b, row_b) in zip(
        rows, rows[1:], strict=False
    ):
        if day_a == day_b and start_b < end_a:
            message = _("%(day)s: the times %(a)s and %(b)s overlap.") % {
                "day": days[day_a],
                "a": f"{start_a:%H:%M}–{end_a:%H:%M}",
                "b": f"{start_b:%H:%M}–{end_b:%H:%M}",
            }
            messages.append(_row_error(message, row_b))
    if messages:
        raise ValidationError({"availability": messages})
    return [(day, start, end) for day, start, end, _row in rows]


@transaction.atomic
def volunteer_weekly_slots_set(
    *,
    actor: User | None,
    volunteer: Volunteer,
    slots: list[tuple[int, dt.time, dt.time]],
) -> list[WeeklySlot]:
    """Replace the volunteer's weekly availability (weekday 0 = Monday, Europe/Berlin times).

    :raises ValidationError: ``{"availability": [...]}`` when an end is not after its start
        or two slots of a day overlap; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    cleaned = clean_slots(slots)
    before = set(volunteer.weekly_slots.values_list("weekday", "start_time", "end_time"))
    volunteer.weekly_slots.all().delete()
    rows = [
        WeeklySlot(volunteer=volunteer, weekday=day, start_time=start, end_time=end)
        for day, start, end in cleaned
    ]
    for row in rows:
        row.full_clean()
    WeeklySlot.objects.bulk_create(rows)
    if before != set(cleaned):
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=volunteer,
            detail={"fields": ["availability"]},
        )
    return list(volunteer.weekly_slots.order_by("weekday", "start_time"))


@transaction.atomic
def absence_add(
    *,
    actor: User | None,
    volunteer: Volunteer,
    start_date: dt.date,
    end_date: dt.date,
    reason: str = Absence.Reason.OTHER,
) -> Absence:
    """Record an absence (whole days, inclusive).

    :raises ValidationError: ``end_date`` before ``start_date``, longer than a year,
        overlapping another absence of the volunteer (``start_date``), or an unknown reason.
    """
    refuse_if_anonymised(volunteer)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": [_("The last day cannot be before the first.")]})
    if start_date and end_date and (end_date - start_date).days >= MAX_ABSENCE_DAYS:
        raise ValidationError({"end_date": [_("An absence can last at most one year.")]})
    if start_date and end_date:
        overlapping = (
            volunteer.absences.filter(start_date__lte=end_date, end_date__gte=start_date)
            .order_by("start_date")
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                {
                    "start_date": [
                        _(
                            "This overlaps the absence from %(start)s to %(end)s. Please change "
                            "that one or choose other days."
                        )
                        % {
                            "start": formats.date_format(
                                overlapping.start_date, "SHORT_DATE_FORMAT"
                            ),
                            "end": formats.date_format(overlapping.end_date, "SHORT_DATE_FORMAT"),
                        }
                    ]
                },
                code="overlap",
            )
    absence = Absence(volunteer=volunteer, start_date=start_date, end_date=end_date, reason=reason)
    _save_part(actor=actor, part=absence, volunteer=volunteer)
    return absence


@transaction.atomic
def absence_remove(*, actor: User | None, absence: Absence) -> None:
    """Delete an absence."""
    center_id = absence.volunteer.center_id
    audit_log(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=absence,
        center=center_id,
        detail={"volunteer": absence.volunteer_id},
    )
    absence.delete()
