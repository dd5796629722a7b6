"""State changes of the volunteer registry, one module per concern:

- :mod:`~volunteers.services.registration`: public registration with double opt-in and the
  confirmation of e-mail addresses;
- :mod:`~volunteers.services.workflow`: the status workflow (approve, activate, pause,
  resume, leave) and the status mails;
- :mod:`~volunteers.services.profile`: the record a coordinator enters and changes to it;
- :mod:`~volunteers.services.preferences`: the volunteer's message settings (channels,
  quiet hours, language);
- :mod:`~volunteers.services.languages`, :mod:`~volunteers.services.availability`:
  languages, weekly times, absences;
- :mod:`~volunteers.services.paperwork`: police certificates, pledges, trainings;
- :mod:`~volunteers.services.privacy`: export, anonymisation, the volunteer's own
  withdrawal of consent with erasure (:func:`volunteer_withdraw_consent`);
- :mod:`~volunteers.services.retention`: the retention clean-up
  (:func:`volunteer_retention_apply`);
- :mod:`~volunteers.services.common`: the checks they share.

Every public name is re-exported here, so callers write ``from volunteers import services``
and ``services.volunteer_register(...)``; a test that replaces a module-level value patches
the module that reads it (e.g. ``volunteers.services.registration.CONFIRM_MAX_AGE``).

Every function validates first and stores nothing on bad input (a Django
``ValidationError`` with field names), runs in one transaction and writes the
audit trail (field names and codes only, never personal values).

Status workflow::

    registered ──(e-mail link)──> confirmed ──(coordinator)──> approved ──> active ⇄ paused
        └────────(coordinator who met the person)──────────────┘
    any status ──> left

Accounts: a username and password are chosen at registration. The account can log
in right away and sees its own record and the pending state; it gets the
``volunteer`` membership of the center only when a coordinator approves it.
"""

from volunteers.services.availability import (
    MAX_ABSENCE_DAYS,
    MAX_SLOTS,
    absence_add,
    absence_remove,
    clean_slots,
    volunteer_weekly_slots_set,
)
from volunteers.services.common import (
    clean_interests,
    refuse_if_anonymised,
)
from volunteers.services.languages import (
    MAX_LANGUAGES,
    clean_languages,
    volunteer_languages_set,
)
from volunteers.services.paperwork import (
    paperwork_delete,
    pledge_record,
    police_certificate_record,
    training_record,
)
from volunteers.services.preferences import (
    MESSAGE_FIELDS,
    volunteer_message_preferences_set,
)
from volunteers.services.privacy import (
    ANONYMISED_EMAIL_DOMAIN,
    anonymised_email,
    anonymised_q,
    is_anonymised,
    login_kept_on_anonymisation,
    volunteer_anonymise,
    volunteer_export,
    volunteer_viewed,
    volunteer_withdraw_consent,
)
from volunteers.services.profile import (
    COORDINATOR_FIELDS,
    SELF_FIELDS,
    volunteer_change,
    volunteer_create,
    volunteer_update,
)
from volunteers.services.registration import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    CONFIRMATION_RESEND_INTERVAL,
    confirmation_token,
    confirmation_url,
    login_is_staff,
    message_language,
    read_confirmation_token,
    registration_waiting_notify,
    volunteer_confirm_email,
    volunteer_confirmation_resend,
    volunteer_register,
    volunteer_send_confirmation,
)
from volunteers.services.retention import (
    UNCONFIRMED_REGISTRATION_MAX_AGE,
    RetentionReport,
    _retention_anonymise,
    _retention_unconfirmed_due,
    months_before,
    volunteer_retention_apply,
)
from volunteers.services.workflow import (
    STATUS_MAILS,
    TRANSITIONS,
    allowed_actions,
    volunteer_activate,
    volunteer_approve,
    volunteer_leave,
    volunteer_pause,
    volunteer_resume,
    volunteer_status_notify,
)

__all__ = [
    "clean_interests",
    "refuse_if_anonymised",
    "MAX_LANGUAGES",
    "clean_languages",
    "volunteer_languages_set",
    "MAX_SLOTS",
    "MAX_ABSENCE_DAYS",
    "clean_slots",
    "volunteer_weekly_slots_set",
    "absence_add",
    "absence_remove",
    "CONFIRM_SALT",
    "CONFIRM_MAX_AGE",
    "CONFIRMATION_RESEND_INTERVAL",
    "confirmation_token",
    "confirmation_url",
    "volunteer_send_confirmation",
    "volunteer_confirmation_resend",
    "volunteer_register",
    "read_confirmation_token",
    "login_is_staff",
    "message_language",
    "volunteer_confirm_email",
    "registration_waiting_notify",
    "TRANSITIONS",
    "allowed_actions",
    "volunteer_approve",
    "volunteer_activate",
    "STATUS_MAILS",
    "volunteer_status_notify",
    "volunteer_pause",
    "volunteer_resume",
    "volunteer_leave",
    "COORDINATOR_FIELDS",
    "SELF_FIELDS",
    "volunteer_create",
    "volunteer_update",
    "volunteer_change",
    "MESSAGE_FIELDS",
    "volunteer_message_preferences_set",
    "police_certificate_record",
    "pledge_record",
    "training_record",
    "paperwork_delete",
    "ANONYMISED_EMAIL_DOMAIN",
    "volunteer_viewed",
    "volunteer_export",
    "anonymised_email",
    "anonymised_q",
    "login_kept_on_anonymisation",
    "is_anonymised",
    "volunteer_anonymise",
    "volunteer_withdraw_consent",
    "UNCONFIRMED_REGISTRATION_MAX_AGE",
    "RetentionReport",
    "months_before",
    "volunteer_retention_apply",
    "_retention_anonymise",
    "_retention_unconfirmed_due",
]
