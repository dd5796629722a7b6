"""The audit trail in words: who did what to which object, and which data it concerned.

``AuditEvent`` rows store technical names (``volunteers.volunteer``, ``consents.withdrawn_at``)
so that they stay valid when labels change; this module turns them into what a coordinator
reads: the object's kind and number ("Ehrenamtliche Person Nr. 53", linked when the reader
may open it), field labels instead of field names, and choice labels instead of codes.

Links are found without importing the apps: a model's page is the URL named in its app's
``AppConfig.audit_url_names`` (``{"interpreterprofile": "interpreter-detail"}``), else the
URL named ``<model_name>-detail``, taking the object's id; the link is shown only when the
object is in the reader's scope (``visible_to(user)`` or ``for_user(user)`` of its manager).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import AuditEvent, Language, Role, User
from core.params import parse_id

#: Names in ``detail["fields"]`` that are not model fields but whole parts of a record.
PSEUDO_FIELDS = {
    "availability": gettext_lazy("weekly availability"),
    "languages": gettext_lazy("languages"),
    "paperwork": gettext_lazy("paperwork"),
}

#: Values of ``detail["sent"]`` and ``detail["via"]``.
VALUE_LABELS = {
    "email_confirmation": gettext_lazy("confirmation e-mail"),
    "email_changed_notice": gettext_lazy("notice to the previous address"),
    "self_registration": gettext_lazy("self-registration"),
    "email_link": gettext_lazy("link in the e-mail"),
    "active": gettext_lazy("active"),
    "inactive": gettext_lazy("inactive"),
    "retention": gettext_lazy("retention period over"),
    "calendar_feed": gettext_lazy("calendar feed"),
    "ics": gettext_lazy("calendar file (.ics)"),
    # detail["two_factor"] (core.two_factor)
    "set_up": gettext_lazy("set up"),
    "switched_off": gettext_lazy("switched off"),
    "recovery_codes_regenerated": gettext_lazy("new recovery codes"),
    "wrong_code": gettext_lazy("wrong code"),
    "code": gettext_lazy("code from the app"),
    "recovery_code": gettext_lazy("recovery code used"),
    "web": gettext_lazy("web page"),
    "api": gettext_lazy("API"),
}

#: Labels of the keys of ``detail`` that are not fields of the object's model.
DETAIL_KEYS = {
    "sent": gettext_lazy("Sent"),
    "via": gettext_lazy("Via"),
    "consent": gettext_lazy("Consent version"),
    "versions": gettext_lazy("Versions"),
    "kinds": gettext_lazy("Kinds"),
    "consents": gettext_lazy("Consents"),
    "reason": gettext_lazy("Reason"),
    "count": gettext_lazy("Number"),
    "two_factor": gettext_lazy("Two-factor login"),
}

#: Keys shown in another way (``fields``, ``from``/``to``) or not at all (``action``).
HANDLED_KEYS = {"fields", "from", "to", "action", "anonymised", "erased", "redacted", "failed"}


@dataclass
class AuditEntry:
    """One event as the audit page shows it."""

    event: AuditEvent
    actor: str
    action: str
    object_label: str
    object_url: str | None = None
    details: list[str] = field(default_factory=list)


def model_for(object_type: str) -> type[models.Model] | None:
    """The model an ``object_type`` (``app_label.model_name``) names, or None."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def kind_label(object_type: str) -> str:
    """The readable kind of object, e.g. "Ehrenamtliche Person" for ``volunteers.volunteer``."""
    model = model_for(object_type)
    if model is None:
        return object_type or _("unknown")
    return str(capfirst(model._meta.verbose_name))


def object_label(object_type: str, object_id: str) -> str:
    """The kind and number of an object, e.g. "Ehrenamtliche Person Nr. 53"."""
    if not object_id:
        return kind_label(object_type)
    return _("%(kind)s no. %(id)s") % {"kind": kind_label(object_type), "id": object_id}


def object_kinds(object_types: Iterable[str]) -> list[tuple[str, str]]:
    """(object_type, label) for a filter, sorted by label."""
    return sorted(((t, kind_label(t)) for t in set(object_types) if t), key=lambda c: c[1])


def field_label(model: type[models.Model] | None, name: str, *, first: bool = True) -> str:
    """The verbose name of ``name`` on ``model``; ``a.b`` follows the relation ``a``.

    "consents.withdrawn_at" on a volunteer reads "Einwilligungen: widerrufen am".
    """
    head, _dot, rest = name.partition(".")
    if model is not None:
        try:
            model_field = model._meta.get_field(head)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None:
            related = model_field.related_model
            if model_field.auto_created and not model_field.concrete and related is not None:
                # A reverse relation: named after the related rows.
                label = str(related._meta.verbose_name_plural)
            else:
                label = str(getattr(model_field, "verbose_name", head))
            label = str(capfirst(label)) if first else label
            if rest:
                target = related if isinstance(related, type) else None
                return f"{label}: {field_label(target, rest, first=False)}"
            return label
    if head in PSEUDO_FIELDS:
        label = str(capfirst(PSEUDO_FIELDS[head]) if first else PSEUDO_FIELDS[head])
        return f"{label}: {rest}" if rest else label
    return name


def _choice_label(model: type[models.Model] | None, field_name: str, value: Any) -> str:
    if model is not None:
        try:
            choices = getattr(model._meta.get_field(field_name), "choices", None)
        except FieldDoesNotExist:
            choices = None
        if choices:
            return str(dict(choices).get(value, value))
    return str(VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def _value_text(model: type[models.Model] | None, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(model, key, item) for item in value) or "–"
    if key == "role":
        return str(Role(value).label) if value in Role.values else str(value)
    if key == "languages" and isinstance(value, str):
        return _language_name(value)
    if model is not None:
        try:
            model_field = model._meta.get_field(key)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and model_field.is_relation and model_field.related_model:
            related = model_field.related_model
            return object_label(related._meta.label_lower, str(value))
    return _choice_label(model, key, value)


def _language_name(code: str) -> str:
    language = Language.objects.filter(pk=code).first()
    return language.name if language else code


def detail_lines(event: AuditEvent) -> list[str]:
    """The event's ``detail`` as readable lines."""
    model = model_for(event.object_type)
    detail = event.detail if isinstance(event.detail, dict) else {}
    lines: list[str] = []
    if "from" in detail or "to" in detail:
        lines.append(
            _("Status: %(from)s → %(to)s")
            % {
                "from": _choice_label(model, "status", detail.get("from", "–")),
                "to": _choice_label(model, "status", detail.get("to", "–")),
            }
        )
    fields = detail.get("fields")
    if isinstance(fields, list) and fields:
        labels = ", ".join(field_label(model, str(name)) for name in fields)
        lines.append(_("Data: %(fields)s") % {"fields": labels})
    if detail.get("anonymised") or detail.get("erased"):
        lines.append(_("Personal data erased."))
    if detail.get("redacted"):
        lines.append(_("Removed after the retention period."))
    if detail.get("failed"):
        lines.append(_("Login failed."))
    for key, value in detail.items():
        if key in HANDLED_KEYS:
            continue
        if key in DETAIL_KEYS:
            label = str(DETAIL_KEYS[key])
        elif key == "role":
            label = _("Role")
        else:
            label = field_label(model, key)
        lines.append(f"{label}: {_value_text(model, key, value)}")
    return lines


def _url_name(model: type[models.Model]) -> str:
    config = apps.get_app_config(model._meta.app_label)
    names = getattr(config, "audit_url_names", None) or {}
    return names.get(model._meta.model_name, f"{model._meta.model_name}-detail")


def _visible_ids(model: type[models.Model], ids: set[int], user: User) -> set[int]:
    """The ids among ``ids`` of objects of ``model`` that ``user`` may open."""
    if model is User:
        from core.selectors import member_list

        rows = member_list(user=user).filter(pk__in=ids)
    else:
        queryset: Any = model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            rows = queryset.visible_to(user).filter(pk__in=ids)
        elif hasattr(queryset, "for_user"):
            rows = queryset.for_user(user, roles=[Role.COORDINATOR]).filter(pk__in=ids)
        else:
            return set()
    return set(rows.values_list("pk", flat=True))


def _links(events: Sequence[AuditEvent], user: User) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        object_id = parse_id(event.object_id)
        if object_id is not None and event.action != AuditEvent.Action.DELETE:
            wanted[event.object_type].add(object_id)
    links: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = model_for(object_type)
        if model is None:
            continue
        url_name = _url_name(model)
        try:
            reverse(url_name, args=[0])
        except NoReverseMatch:
            continue
        for pk in _visible_ids(model, ids, user):
            links[(object_type, str(pk))] = reverse(url_name, args=[pk])
    return links


def describe_events(events: Sequence[AuditEvent], *, user: User) -> list[AuditEntry]:
    """The readable entries for one page of events (a few queries per page, not per row)."""
    links = _links(events, user)
    return [
        AuditEntry(
            event=event,
            actor=event.actor.display_name if event.actor else _("system"),
            action=event.get_action_display(),
            object_label=object_label(event.object_type, event.object_id),
            object_url=links.get((event.object_type, event.object_id)),
            details=detail_lines(event),
        )
        for event in events
    ]
