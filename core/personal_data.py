"""The registry of personal data (DSGVO Art. 15, 17 and 30), and the core's own entries.

Every app that stores personal data has a module ``<app>/personal_data.py`` with

- ``PERSONAL_DATA``: ``{"app_label.model": PersonalData(...)}``, one entry per model that
  holds or points at personal data, naming each such field as ``exported`` (in the
  person's export), ``erased`` (removed on anonymisation or by a retention job) or
  ``kept`` (deliberately kept, the ``note`` says why);
- optionally ``export_person(volunteer) -> dict``: the app's sections of a person's
  export (right of access), read by :func:`volunteers.services.volunteer_export`.

The modules are found by name for every installed app (:func:`personal_data_modules`),
like ``admin.py``, so ``core`` and ``volunteers`` import nothing above them.
``tests/volunteers/test_export_registry.py`` walks every model and fails when a model
linked to a person, or a field that looks personal, is missing here: a new field cannot be
forgotten in the export, the erasure or ``docs/processing-record.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PersonalData:
    """How one model's personal fields are handled."""

    #: Fields the person's export contains (Art. 15).
    exported: tuple[str, ...] = ()
    #: Fields removed on anonymisation (Art. 17) or by a retention job.
    erased: tuple[str, ...] = ()
    #: Personal fields kept on purpose (statistics, accountability, payment records).
    kept: tuple[str, ...] = ()
    #: Whose data and why kept: a short sentence for the processing record.
    note: str = ""

    @property
    def fields(self) -> set[str]:
        """Every field the entry names."""
        return {*self.exported, *self.erased, *self.kept}


#: The module name each app's registry lives in.
MODULE = "personal_data"


def personal_data_modules() -> Iterator[ModuleType]:
    """The ``personal_data`` modules of the installed apps, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            yield import_module(f"{config.name}.{MODULE}")


@cache
def personal_data_registry() -> dict[str, PersonalData]:
    """Every app's ``PERSONAL_DATA``, merged (model label → entry)."""
    registry: dict[str, PersonalData] = {}
    for module in personal_data_modules():
        registry.update(getattr(module, "PERSONAL_DATA", {}))
    return registry


def person_export_sections(volunteer: Any) -> dict[str, Any]:
    """The sections the apps add to a person's export (``export_person`` of each module)."""
    sections: dict[str, Any] = {}
    for module in personal_data_modules():
        export: Callable[[Any], dict[str, Any]] | None = getattr(module, "export_person", None)
        if export is not None:
            sections.update(export(volunteer))
    return sections


def person_export_labels() -> dict[str, Any]:
    """The sections' names in words (``EXPORT_LABELS`` of each module), for the person's page."""
    labels: dict[str, Any] = {}
    for module in personal_data_modules():
        labels.update(getattr(module, "EXPORT_LABELS", {}))
    return labels


def person_export_summary(volunteer: Any) -> list[tuple[str, int]]:
    """Each app's section of the export with how many entries it holds (a record: 1), in
    words, for the person's own page; the download has the entries themselves."""
    labels = person_export_labels()
    summary = []
    for key, value in person_export_sections(volunteer).items():
        count = len(value) if isinstance(value, list) else int(value is not None)
        summary.append((str(labels.get(key, key)), count))
    return summary


def iso(value: Any) -> str | None:
    """A date or time as ISO 8601 text (``None`` stays ``None``)."""
    return value.isoformat() if value is not None else None


#: Staff who acted on a record: kept for accountability, never exported to someone else.
ACTOR = "The staff member who acted, kept for accountability (Art. 5(2))."

PERSONAL_DATA: dict[str, PersonalData] = {
    "core.center": PersonalData(
        kept=(
            "name",
            "county",
            "email",
            "phone",
            "relay_contact",
            "relay_phone",
            "excluded_topics",
        ),
        note="The center's office contact and settings; no private person.",
    ),
    "core.department": PersonalData(
        kept=("name", "email", "cost_centre"),
        note="A department's office address; no private person.",
    ),
    "core.place": PersonalData(
        kept=("name", "street", "postcode", "city", "lat", "lon"),
        note="Towns and offices of the center; no private person.",
    ),
    "core.language": PersonalData(
        kept=("name_de", "name_en", "name_native"), note="Reference data; no person."
    ),
    "core.user": PersonalData(
        exported=("username", "last_login", "date_joined", "is_active"),
        erased=("username", "first_name", "last_name", "email", "password"),
        kept=("is_staff", "is_superuser"),
        note="The login. Anonymisation makes it unusable unless it is a staff login.",
    ),
    "core.membership": PersonalData(
        exported=("user", "center", "role", "department", "created_at"),
        erased=("user",),
        note="Roles per center; the volunteer role is revoked on anonymisation.",
    ),
    "core.auditevent": PersonalData(
        exported=("at", "action", "object_type", "object_id"),
        kept=("actor", "detail"),
        note=(
            "The audit trail (Art. 5(2), 32): who saw or changed what; details hold field "
            "names, never values. Not changeable through the app."
        ),
    ),
    "core.notification": PersonalData(
        exported=("recipient", "channel", "event", "subject", "body", "address", "created_at"),
        erased=("address", "subject", "body", "error"),
        kept=("key", "recipient", "event", "object_type", "object_id"),
        note=(
            "Messages sent. Address, subject and text go on anonymisation of the recipient "
            "and after the center's retention period (requests-retention)."
        ),
    ),
    # Third-party models that point at a login.
    "admin.logentry": PersonalData(
        kept=("user", "object_repr", "change_message"),
        note="Django admin history of superusers; admin only.",
    ),
    "authtoken.token": PersonalData(
        exported=("created",),
        erased=("key",),
        note="API token: its existence is exported, never the secret; deleted with the login.",
    ),
    "authtoken.tokenproxy": PersonalData(
        exported=("created",), erased=("key",), note="Proxy of authtoken.token."
    ),
    "otp_totp.totpdevice": PersonalData(
        exported=("name", "confirmed"),
        erased=("key",),
        note="Two-factor app: its existence is exported, never the secret.",
    ),
    "otp_static.staticdevice": PersonalData(
        exported=("name", "confirmed"),
        note="Recovery codes: their existence is exported, never the codes.",
    ),
    "sessions.session": PersonalData(
        erased=("session_data",),
        note="Login sessions, expiring after 30 minutes idle and 12 hours at most.",
    ),
}


#: The names of this module's export sections, in words.
EXPORT_LABELS = {
    "account": _("Login and second factor"),
    "memberships": _("Roles in the centers"),
    "messages": _("Messages sent to you"),
    "record_history": _("Who opened or changed your record"),
}


def export_person(volunteer: Any) -> dict[str, Any]:
    """The login, roles, API token and second factor, messages and audit entries."""
    from core.models import AuditEvent, Membership, Notification

    user = volunteer.user
    if user is None:
        return {"account": None, "memberships": [], "messages": [], "record_history": []}
    memberships = Membership.objects.filter(user=user).select_related("center", "department")
    messages = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    audit = AuditEvent.objects.filter(
        object_type=volunteer._meta.label_lower, object_id=str(volunteer.pk)
    ).order_by("at", "pk")
    return {
        "account": {
            "username": user.username,
            "active": user.is_active,
            "joined_at": iso(user.date_joined),
            "last_login_at": iso(user.last_login),
            "api_token": _exists(user, "auth_token"),
            "two_factor": _second_factors(user),
        },
        "memberships": [
            {
                "center": m.center.name,
                "role": m.role,
                "department": m.department.name if m.department else None,
                "since": iso(m.created_at),
            }
            for m in memberships
        ],
        "messages": [
            {
                "channel": n.channel,
                "event": n.event,
                "address": n.address,
                "subject": n.subject,
                "text": n.body,
                "created_at": iso(n.created_at),
                "sent_at": iso(n.sent_at),
                "read_at": iso(n.read_at),
            }
            for n in messages
        ],
        "record_history": [
            {
                "at": iso(e.at),
                "action": e.action,
                "by": _who(e.actor_id, user.pk),
            }
            for e in audit
        ],
    }


def _who(actor_id: int | None, own_id: int) -> str:
    """Who made an audit entry, without naming staff: you, the system or the staff."""
    if actor_id == own_id:
        return "you"
    return "system" if actor_id is None else "staff"


def _exists(user: Any, related: str) -> bool:
    try:
        return getattr(user, related) is not None
    except Exception:  # noqa: BLE001 — a missing one-to-one row raises DoesNotExist
        return False


def _second_factors(user: Any) -> list[dict[str, Any]]:
    """The user's two-factor devices by kind and name (never their secrets)."""
    devices: list[dict[str, Any]] = []
    for label in ("otp_totp.totpdevice", "otp_static.staticdevice"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        devices += [
            {"kind": label.split(".")[0], "name": d.name, "confirmed": d.confirmed}
            for d in model.objects.filter(user=user).order_by("pk")
        ]
    return devices
