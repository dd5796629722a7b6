"""The volunteer record a coordinator enters (:func:`volunteer_create`) and the
changes to it (:func:`volunteer_update` for the fields, :func:`volunteer_change` for fields,
languages and weekly times together): a new e-mail address is confirmed again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import FieldErrors
from core.models import AuditEvent, Center, Place, User
from core.services import audit_log
from volunteers.models import Volunteer
from volunteers.services.availability import clean_slots, volunteer_weekly_slots_set
from volunteers.services.common import (
    _clean_email,
    _clean_home,
    _clean_name,
    _clean_phone,
    clean_interests,
    refuse_if_anonymised,
)
from volunteers.services.languages import clean_languages, volunteer_languages_set
from volunteers.services.registration import (
    _send_address_changed_notice,
    login_is_staff,
    volunteer_send_confirmation,
)

Status = Volunteer.Status


#: Fields of the volunteer record a coordinator may change.
COORDINATOR_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "home_place",
    "postcode",
    "home_lat",
    "home_lon",
    "interests",
    "sponsorship_capacity",
    "notes",
)


#: Fields a volunteer may change on their own record.
SELF_FIELDS = ("first_name", "last_name", "email", "phone", "home_place", "postcode", "interests")


@transaction.atomic
def volunteer_create(
    *,
    actor: User | None,
    center: Center,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    home_place: Place | int | None = None,
    postcode: str = "",
    home_lat: float | None = None,
    home_lon: float | None = None,
    interests: list[str] | None = None,
    sponsorship_capacity: int = 1,
    notes: str = "",
    languages: list[tuple[str, str]] | None = None,
    availability: list[tuple[int, dt.time, dt.time]] | None = None,
) -> Volunteer:
    """A coordinator enters a volunteer (no login; status ``registered`` until approved).

    :raises ValidationError: field errors; nothing is stored then.
    """
    errors = FieldErrors()
    first = errors.run(_clean_name, first_name, "first_name")
    last = errors.run(_clean_name, last_name, "last_name")
    email_clean = errors.run(_clean_email, email, center=center)
    phone_clean = errors.run(_clean_phone, phone, required=False)
    home = errors.run(
        _clean_home, center=center, place=home_place, postcode=postcode, required=False
    )
    langs = errors.run(clean_languages, languages or [])
    slots = errors.run(clean_slots, availability or [])
    interest_codes = errors.run(clean_interests, interests or [])
    errors.raise_if_any()
    town, postcode_clean = home
    volunteer = Volunteer(
        center=center,
        first_name=first,
        last_name=last,
        email=email_clean,
        phone=phone_clean,
        home_place=town,
        postcode=postcode_clean or (town.postcode if town else ""),
        home_lat=home_lat if home_lat is not None else (town.lat if town else None),
        home_lon=home_lon if home_lon is not None else (town.lon if town else None),
        interests=interest_codes,
        sponsorship_capacity=sponsorship_capacity,
        notes=notes or "",
        status=Status.REGISTERED,
        status_changed_at=timezone.now(),
    )
    volunteer.full_clean()
    volunteer.save()
    audit_log(actor=actor, action=AuditEvent.Action.CREATE, obj=volunteer)
    volunteer_languages_set(actor=actor, volunteer=volunteer, languages=langs)
    volunteer_weekly_slots_set(actor=actor, volunteer=volunteer, slots=slots)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User | None, volunteer: Volunteer, **fields: Any) -> Volunteer:
    """Change contact data and other fields of :data:`COORDINATOR_FIELDS`.

    The phone number is parsed again (stored in E.164); a town must be one of the
    center's towns. The login's name follows the record, its e-mail address only when
    the new address is confirmed (:func:`volunteer_confirm_email`); a login with a staff
    role anywhere (:func:`login_is_staff`) is never changed through a volunteer record.

    A new e-mail address (compared without regard to case) must be confirmed again:
    ``email_confirmed_at`` is cleared and, after commit, the link of
    :func:`volunteer_send_confirmation` goes to the new address; if the previous address
    was confirmed, it gets a short notice of the change (no link, not the new address).
    A registration not confirmed yet just gets its link at the new address.

    :raises ValidationError: field errors; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    unknown = sorted(set(fields) - set(COORDINATOR_FIELDS))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    errors = FieldErrors()
    data: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if name in fields:
            data[name] = errors.run(_clean_name, fields[name], name)
    if "email" in fields:
        data["email"] = errors.run(
            _clean_email, fields["email"], center=volunteer.center, exclude_pk=volunteer.pk
        )
    if "phone" in fields:
        data["phone"] = errors.run(_clean_phone, fields["phone"], required=False)
    if "home_place" in fields or "postcode" in fields:
        place = fields.get("home_place", volunteer.home_place_id)
        postcode = fields.get("postcode", volunteer.postcode if "home_place" not in fields else "")
        home = errors.run(
            _clean_home, center=volunteer.center, place=place, postcode=postcode, required=False
        )
        if home is not None:
            town, postcode_clean = home
            data["home_place"] = town
            data["postcode"] = postcode_clean or (town.postcode if town else "")
            if town is not None and town.pk != volunteer.home_place_id:
                data.setdefault("home_lat", town.lat)
                data.setdefault("home_lon", town.lon)
    for name in ("home_lat", "home_lon"):
        if name in fields:
            data[name] = fields[name]
    if "interests" in fields:
        data["interests"] = errors.run(clean_interests, fields["interests"] or [])
    if "sponsorship_capacity" in fields:
        data["sponsorship_capacity"] = fields["sponsorship_capacity"]
    if "notes" in fields:
        data["notes"] = fields["notes"] or ""
    errors.raise_if_any()
    old_email = volunteer.email
    if "email" in data and data["email"].lower() == old_email.lower():
        del data["email"]  # the same address (case aside): nothing to confirm again
    changed = sorted(name for name, value in data.items() if getattr(volunteer, name) != value)
    sent: list[str] = []
    if "email" in changed:
        # The new address counts only once its link is opened (volunteer_confirm_email).
        if volunteer.email_confirmed_at is not None:
            volunteer.email_confirmed_at = None
            changed.append("email_confirmed_at")
            sent.append("email_changed_notice")
        sent.insert(0, "email_confirmation")
    for name, value in data.items():
        setattr(volunteer, name, value)
    volunteer.full_clean()
    volunteer.save()
    # The login's name follows the record; its e-mail address only once the new address
    # is confirmed (volunteer_confirm_email), so a password reset never goes to an address
    # nobody has confirmed. ``user`` is only loaded when a name changed (no query otherwise).
    if {"first_name", "last_name"} & set(changed) and volunteer.user is not None:
        user = volunteer.user
        if not login_is_staff(user):
            user.first_name, user.last_name = volunteer.first_name, volunteer.last_name
            user.save(update_fields=["first_name", "last_name"])
    if "email_confirmation" in sent:
        volunteer_send_confirmation(volunteer=volunteer)
    if "email_changed_notice" in sent:
        _send_address_changed_notice(volunteer=volunteer, old_email=old_email)
    if changed:
        detail: dict[str, Any] = {"fields": changed}
        if sent:
            detail["sent"] = sent
        audit_log(actor=actor, action=AuditEvent.Action.UPDATE, obj=volunteer, detail=detail)
    return volunteer


@transaction.atomic
def volunteer_change(
    *,
    actor: User | None,
    volunteer: Volunteer,
    languages: list[tuple[str, str]] | None = None,
    availability: list[tuple[int, dt.time, dt.time]] | None = None,
    **fields: Any,
) -> Volunteer:
    """Change fields, languages and availability together: all or nothing.

    ``None`` for ``languages`` or ``availability`` leaves them as they are.

    :raises ValidationError: every field error found; nothing is stored then.
    """
    errors = FieldErrors()
    if languages is not None:
        errors.run(clean_languages, languages)
    if availability is not None:
        errors.run(clean_slots, availability)
    if fields:
        updated = errors.run(volunteer_update, actor=actor, volunteer=volunteer, **fields)
        volunteer = updated or volunteer
    errors.raise_if_any()
    if languages is not None:
        volunteer_languages_set(actor=actor, volunteer=volunteer, languages=languages)
    if availability is not None:
        volunteer_weekly_slots_set(actor=actor, volunteer=volunteer, slots=availability)
    return volunteer
