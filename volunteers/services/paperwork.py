"""Paperwork facts: police certificates seen (no copy kept), signed pledges,
trainings attended, and removing an entry recorded by mistake.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent, User
from core.services import audit_log
from volunteers.models import (
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
)
from volunteers.privacy import BASIC_COURSE_TITLE, PLEDGE_VERSION
from volunteers.rules import reject_future_date
from volunteers.services.common import _save_part, refuse_if_anonymised
from volunteers.signals import volunteer_parts_changed


@transaction.atomic
def police_certificate_record(
    *,
    actor: User | None,
    volunteer: Volunteer,
    kind: str,
    issued_on: dt.date,
    listed_offence: bool,
    seen_on: dt.date | None = None,
) -> PoliceCertificate:
    """Record that a (extended) police certificate was seen by ``actor``: kind, issue date,
    seen date (today by default), yes/no on a listed offence. No copy is kept.

    :raises ValidationError: certificate more than three months old when seen, seen
        before issued, or a date in the future.
    """
    refuse_if_anonymised(volunteer)
    seen_on = seen_on or timezone.localdate()
    reject_future_date(issued_on, "issued_on")
    reject_future_date(seen_on, "seen_on")
    certificate = PoliceCertificate(
        volunteer=volunteer,
        kind=kind,
        issued_on=issued_on,
        seen_on=seen_on,
        seen_by=actor if actor is not None and actor.is_authenticated else None,
        listed_offence=bool(listed_offence),
    )
    _save_part(actor=actor, part=certificate, volunteer=volunteer, kind=kind)
    return certificate


@transaction.atomic
def pledge_record(
    *,
    actor: User | None,
    volunteer: Volunteer,
    signed_on: dt.date,
    version: str = PLEDGE_VERSION,
) -> PledgeSignature:
    """Record the signed confidentiality and neutrality pledge (version and date)."""
    refuse_if_anonymised(volunteer)
    reject_future_date(signed_on, "signed_on")
    pledge = PledgeSignature(
        volunteer=volunteer,
        version=(version or PLEDGE_VERSION).strip(),
        signed_on=signed_on,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _save_part(actor=actor, part=pledge, volunteer=volunteer, version=pledge.version)
    return pledge


@transaction.atomic
def training_record(
    *,
    actor: User | None,
    volunteer: Volunteer,
    kind: str,
    attended_on: dt.date,
    title: str = "",
    lessons: int | None = None,
) -> Training:
    """Record a course attended; the basic course defaults to its title and 24 lessons."""
    refuse_if_anonymised(volunteer)
    reject_future_date(attended_on, "attended_on")
    if kind == Training.Kind.BASIC_COURSE:
        title = title or BASIC_COURSE_TITLE
        lessons = Training.BASIC_COURSE_LESSONS if lessons is None else lessons
    if not (title or "").strip():
        raise ValidationError({"title": [_("Please name the training.")]})
    training = Training(
        volunteer=volunteer,
        kind=kind,
        title=title.strip(),
        lessons=lessons or 0,
        attended_on=attended_on,
    )
    _save_part(actor=actor, part=training, volunteer=volunteer, kind=kind)
    return training


@transaction.atomic
def paperwork_delete(
    *, actor: User | None, entry: PoliceCertificate | PledgeSignature | Training
) -> None:
    """Remove a paperwork entry recorded by mistake."""
    audit_log(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=entry,
        center=entry.volunteer.center_id,
        detail={"volunteer": entry.volunteer_id},
    )
    entry.delete()
    if isinstance(entry, PledgeSignature):
        volunteer_parts_changed.send(
            sender=Volunteer, volunteer=entry.volunteer, actor=actor, parts=("pledge",)
        )
