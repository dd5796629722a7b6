"""The volunteer's own message settings: channels (e-mail, SMS, both), quiet hours for SMS
and the language of messages (:func:`volunteer_message_preferences_set`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.messaging import is_mobile
from core.models import AuditEvent, User
from core.services import audit_log
from volunteers.models import Volunteer
from volunteers.services.common import refuse_if_anonymised

#: The fields of :func:`volunteer_message_preferences_set`.
MESSAGE_FIELDS = ("notify_by", "quiet_from", "quiet_until", "language")


@transaction.atomic
def volunteer_message_preferences_set(
    *,
    actor: User | None,
    volunteer: Volunteer,
    notify_by: Any,
    quiet_from: Any,
    quiet_until: Any,
    language: Any = "",
) -> Volunteer:
    """Set how the volunteer gets messages.

    SMS (alone or with e-mail) needs a mobile number. Quiet hours are Europe/Berlin times
    and may run over midnight; the same time twice means no quiet hours. An empty
    language means the default (German).

    :raises ValidationError: every field error at once; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    errors: dict[str, list[str]] = {}
    if notify_by not in Volunteer.NotifyBy.values:
        errors.setdefault("notify_by", []).append(_("Please choose how you want messages."))
    elif notify_by != Volunteer.NotifyBy.EMAIL and not is_mobile(volunteer.phone or ""):
        errors.setdefault("notify_by", []).append(
            _("SMS needs a mobile number. Please add one to your contact data first.")
        )
    for name, value in (("quiet_from", quiet_from), ("quiet_until", quiet_until)):
        if not isinstance(value, dt.time):
            errors.setdefault(name, []).append(_("Please enter a time such as 21:00."))
    language = language or ""
    if language not in {code for code, _name in settings.LANGUAGES} | {""}:
        errors.setdefault("language", []).append(_("Please choose a language from the list."))
    if errors:
        raise ValidationError(errors)
    values = {
        "notify_by": notify_by,
        "quiet_from": quiet_from.replace(second=0, microsecond=0),
        "quiet_until": quiet_until.replace(second=0, microsecond=0),
        "language": language,
    }
    changed = sorted(name for name, value in values.items() if getattr(volunteer, name) != value)
    if not changed:
        return volunteer
    for name in changed:
        setattr(volunteer, name, values[name])
    volunteer.full_clean()
    volunteer.save(update_fields=[*changed, "updated_at"])
    audit_log(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=volunteer, detail={"fields": changed}
    )
    return volunteer
