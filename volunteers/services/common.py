"""Checks shared by the volunteer services: row messages for list items, the field checks
(name, e-mail, phone, home town, interests), the read-only rule of anonymised records
(:func:`refuse_if_anonymised`), locking a record and storing one of its parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Model
from django.utils.translation import gettext as _

from core.models import AuditEvent, Center, Place, User
from core.phone import normalize_phone
from core.services import audit_log
from core.validators import is_postcode
from volunteers.models import (
    Interest,
    Volunteer,
)


def _row_error(message: str, row: int) -> ValidationError:
    """A message about the ``row``-th item of a list (languages, weekly times), so a page
    can show it at that row (:func:`core.forms.add_service_errors`)."""
    return ValidationError(message.replace("%", "%%"), code="row", params={"row": row})


def clean_interests(interests: Iterable[str]) -> list[str]:
    """Known interest codes, in the order of :class:`Interest`.

    :raises ValidationError: ``{"interests": [...]}``.
    """
    values = [str(v)[:40] for v in interests]
    unknown = sorted(set(values) - set(Interest.values))
    if unknown:
        raise ValidationError(
            {"interests": [_("Unknown interest: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return [code for code in Interest.values if code in values]


def _clean_phone(raw: str, *, required: bool) -> str:
    if not (raw or "").strip():
        if required:
            raise ValidationError({"phone": [_("Please enter a phone number.")]})
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def _clean_email(
    raw: str, *, center: Center, exclude_pk: int | None = None, check_taken: bool = True
) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise ValidationError({"email": [_("Please enter your e-mail address.")]})
    if len(email) > 254:
        raise ValidationError({"email": [_("Please enter a valid e-mail address.")]})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": [_("Please enter a valid e-mail address.")]}) from exc
    if not check_taken:
        return email
    taken = Volunteer.objects.filter(center=center, email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"email": [_("This e-mail address is already registered with this center.")]}
        )
    return email


def _clean_name(value: str, field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > 100:
        raise ValidationError({field: [_("Please use at most %(max)d characters.") % {"max": 100}]})
    return text


def _clean_home(
    *, center: Center, place: Place | int | None, postcode: str, required: bool
) -> tuple[Place | None, str]:
    """The town (a place of kind town of the center) and/or a German postcode."""
    postcode = (postcode or "").strip()
    if postcode and not is_postcode(postcode):
        raise ValidationError({"postcode": [_("A German postcode has five digits.")]})
    town: Place | None = None
    if place is not None:
        place_id = place.pk if isinstance(place, Place) else place
        town = Place.objects.filter(center=center, kind=Place.Kind.TOWN, pk=place_id).first()
        if town is None:
            raise ValidationError({"place": [_("Please choose one of the towns listed.")]})
    elif postcode:
        town = (
            Place.objects.filter(center=center, kind=Place.Kind.TOWN, postcode=postcode)
            .order_by("name")
            .first()
        )
    if required and town is None and not postcode:
        raise ValidationError({"place": [_("Please choose your town or enter your postcode.")]})
    return town, postcode


def refuse_if_anonymised(volunteer: Volunteer) -> None:
    """Anonymised records are read-only: every service that changes a volunteer asks this.

    :raises ValidationError: code ``anonymised``.
    """
    if volunteer.anonymised_at is not None:
        raise ValidationError(
            _("This record was anonymised. It can no longer be changed."), code="anonymised"
        )


def _locked(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


def _save_part(*, actor: User | None, part: Model, volunteer: Volunteer, **detail: Any) -> None:
    """Validate and store a new row of ``volunteer`` (absence, paperwork) and audit it;
    ``detail`` adds non-personal context to the audit entry."""
    part.full_clean()
    part.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=part,
        center=volunteer.center_id,
        detail={"volunteer": volunteer.pk, **detail},
    )
