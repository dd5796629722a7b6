"""State changes of the Sprachpool: interpreter profiles, their activation and nested data.

Every function validates, runs in one transaction and writes the audit trail.
Languages and weekly availability belong to the volunteer registry; nested
writes go through its services, inside the same transaction, so a bad value
anywhere stores nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.choices import LEVEL_ORDER
from core.models import AuditEvent, Role, User
from core.scoping import has_role
from core.services import audit_log, changed_fields
from sprachpool.models import GERMAN, GERMAN_MIN_LEVEL, WORKING_STATUSES, InterpreterProfile
from volunteers import selectors as volunteer_selectors
from volunteers import services as volunteer_services
from volunteers.models import Volunteer
from volunteers.rules import reject_unknown_fields

#: Fields of the profile itself that create and update accept.
PROFILE_FIELDS = (
    "kind",
    "qualification",
    "modes",
    "max_travel_km",
    "gender",
    "excluded_clients",
    "declined_topics",
    "allowance_tier",
)

#: What only a coordinator may change; an interpreter editing their own profile may not.
COORDINATOR_ONLY_FIELDS = (
    "kind",
    "qualification",
    "excluded_clients",
    "allowance_tier",
    "is_active",
)

LanguageList = Sequence[tuple[str, str]]
SlotList = Sequence[tuple[int, time, time]]


def check_self_edit(*, fields: Iterable[str]) -> None:
    """Refuse coordinator-only fields in an interpreter's change of their own profile.

    :raises PermissionDenied: naming the fields.
    """
    forbidden = sorted(set(fields) & set(COORDINATOR_ONLY_FIELDS))
    if forbidden:
        raise PermissionDenied(
            _("Only a coordinator may change: %(fields)s.") % {"fields": ", ".join(forbidden)}
        )


def _check_actor_may_change(
    *, actor: User | None, profile: InterpreterProfile, fields: Iterable[str]
) -> None:
    """The self-edit policy: anyone but a coordinator of the profile's center (or an
    admin, or the system) is the interpreter themself and changes only their own work
    settings (:func:`check_self_edit`)."""
    if actor is None or has_role(actor, Role.COORDINATOR, center_id=profile.volunteer.center_id):
        return
    check_self_edit(fields=fields)


def activation_problems(*, volunteer: Volunteer, on: date | None = None) -> dict[str, list[str]]:
    """Why this volunteer cannot be an active interpreter (empty when they can).

    Keys are the fields a form or API shows the message at: ``is_active`` for the
    volunteer's status and the confidentiality pledge, ``languages`` for the
    working language pair (German at B1 or better plus at least one other language).
    """
    problems: dict[str, list[str]] = {}
    if volunteer.status not in WORKING_STATUSES:
        problems.setdefault("is_active", []).append(
            _(
                "Only approved or active volunteers can be active interpreters; "
                "this volunteer’s status is “%(status)s”."
            )
            % {"status": volunteer.get_status_display()}
        )
    paperwork = volunteer_selectors.paperwork_status(volunteer=volunteer, on=on)
    if not paperwork.pledge_signed:
        problems.setdefault("is_active", []).append(
            _("A signed confidentiality pledge is needed before someone can interpret.")
        )
    language_problem = _language_pair_problem(volunteer)
    if language_problem:
        problems["languages"] = [language_problem]
    return problems


def active_interpreter_check(*, volunteer: Volunteer, parts: Iterable[str]) -> None:
    """The rule of an active interpreter, on every path that changes the volunteer's
    languages or pledge (receiver of :data:`volunteers.signals.volunteer_parts_changed`,
    inside the changing transaction): while the profile is active, German at B1 or
    better, another language and a signed pledge must stay.

    :raises ValidationError: ``languages`` or a message without field; the change is
        rolled back.
    """
    if not InterpreterProfile.objects.filter(volunteer=volunteer, is_active=True).exists():
        return
    parts = set(parts)
    if "languages" in parts:
        problem = _language_pair_problem(volunteer)
        if problem:
            raise ValidationError(
                {
                    "languages": [
                        _(
                            "%(problem)s As an active interpreter you need it: please keep "
                            "it, or have the interpreter profile deactivated first."
                        )
                        % {"problem": problem}
                    ]
                },
                code="active_interpreter",
            )
    if (
        "pledge" in parts
        and not volunteer_selectors.paperwork_status(volunteer=volunteer).pledge_signed
    ):
        raise ValidationError(
            _(
                "An active interpreter needs a signed confidentiality pledge. Please "
                "deactivate the interpreter profile first."
            ),
            code="active_interpreter",
        )


def _language_pair_problem(volunteer: Volunteer) -> str:
    """The message when the volunteer's languages do not form a working pair with German."""
    levels = dict(volunteer.languages.values_list("language_id", "level"))
    german = levels.pop(GERMAN, None)
    if german is None or LEVEL_ORDER.get(german, -1) < LEVEL_ORDER[GERMAN_MIN_LEVEL]:
        return _("An interpreter needs German at level B1 or better.")
    if not levels:
        return _("An interpreter needs at least one language besides German.")
    return ""


def _validate_and_set_nested(
    *,
    actor: User | None,
    profile: InterpreterProfile,
    languages: LanguageList | None,
    availability: SlotList | None,
    after: Callable[[], dict[str, list[str]]] | None = None,
) -> list[str]:
    """Validate the profile, then write the nested data; report all field errors at once,
    with those of ``after`` (a check of the result, e.g. the activation rules).

    The caller runs inside a transaction, so raising here undoes the nested writes.
    """
    errors: dict[str, list[Any]] = {}
    try:
        profile.full_clean()
    except ValidationError as exc:
        errors.update(exc.message_dict)
    nested: list[str] = []
    # (error key, new value, service, its keyword): the services take different row types.
    writes: tuple[tuple[str, Iterable[Any] | None, Callable[..., Any], str], ...] = (
        ("languages", languages, volunteer_services.volunteer_languages_set, "languages"),
        ("availability", availability, volunteer_services.volunteer_weekly_slots_set, "slots"),
    )
    for name, value, service, argument in writes:
        if value is None:
            continue
        try:
            service(actor=actor, volunteer=profile.volunteer, **{argument: list(value)})
        except ValidationError as exc:
            for field, messages in _message_dict(exc, name).items():
                errors.setdefault(field, []).extend(messages)
        else:
            nested.append(name)
    if after is not None:
        for field, messages in after().items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return nested


def _message_dict(exc: ValidationError, field: str) -> dict[str, list[str]]:
    """Field messages of an error; messages without a field go to ``field``."""
    if hasattr(exc, "error_dict"):
        return {
            (field if name == "__all__" else name): msgs for name, msgs in exc.message_dict.items()
        }
    return {field: list(exc.messages)}


@transaction.atomic
def interpreter_profile_create(
    *,
    actor: User | None,
    volunteer: Volunteer,
    is_active: bool = False,
    languages: LanguageList | None = None,
    availability: SlotList | None = None,
    **fields: Any,
) -> InterpreterProfile:
    """Make a volunteer an interpreter of the pool.

    :param volunteer: the volunteer; they must not have a profile yet.
    :param is_active: activate at once (the activation rules apply).
    :param languages: replaces the volunteer's languages, as ``(code, level)`` pairs.
    :param availability: replaces the weekly slots, as ``(weekday, start, end)``.
    :param fields: any of :data:`PROFILE_FIELDS`.
    :raises ValidationError: on bad values or when activation is not allowed.
    """
    reject_unknown_fields(fields, PROFILE_FIELDS)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if InterpreterProfile.objects.filter(volunteer=volunteer).exists():
        raise ValidationError(
            {"volunteer": [_("This volunteer already has an interpreter profile.")]}
        )
    profile = InterpreterProfile(volunteer=volunteer, is_active=False, **fields)
    nested = _validate_and_set_nested(
        actor=actor,
        profile=profile,
        languages=languages,
        availability=availability,
        after=(lambda: activation_problems(volunteer=volunteer)) if is_active else None,
    )
    if is_active:
        profile.is_active = True
    profile.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=profile,
        center=volunteer.center_id,
        detail={"fields": sorted([*fields, *nested, *(["is_active"] if is_active else [])])},
    )
    return profile


@transaction.atomic
def interpreter_profile_update(
    *,
    actor: User | None,
    profile: InterpreterProfile,
    is_active: bool | None = None,
    languages: LanguageList | None = None,
    availability: SlotList | None = None,
    **fields: Any,
) -> InterpreterProfile:
    """Change a profile and, nested, the volunteer's languages and weekly availability.

    An active profile must keep a working language pair with German; ``is_active``
    switches through :func:`interpreter_profile_activate` / ``_deactivate`` rules.

    :raises ValidationError: on bad values; nothing is stored then.
    """
    reject_unknown_fields(fields, PROFILE_FIELDS)
    profile = (
        InterpreterProfile.objects.select_for_update()
        .select_related("volunteer")
        .get(pk=profile.pk)
    )
    volunteer = profile.volunteer
    _check_actor_may_change(
        actor=actor,
        profile=profile,
        fields=[*fields, *(["is_active"] if is_active is not None else [])],
    )
    changed = changed_fields(profile, fields)
    for name, value in fields.items():
        setattr(profile, name, value)
    activating = is_active is True and not profile.is_active
    deactivating = is_active is False and profile.is_active
    if deactivating:
        # Stored first, so the languages may change in the same call (the rule of an
        # active interpreter, active_interpreter_check, no longer applies).
        InterpreterProfile.objects.filter(pk=profile.pk).update(is_active=False)
        profile.is_active = False
    # An active profile keeps its working language pair: the registry's language service
    # asks active_interpreter_check (the same rule as on every other path).
    nested = _validate_and_set_nested(
        actor=actor,
        profile=profile,
        languages=languages,
        availability=availability,
        after=(lambda: activation_problems(volunteer=volunteer)) if activating else None,
    )
    if activating:
        profile.is_active = True
    profile.save()
    if changed or nested:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=profile,
            center=volunteer.center_id,
            detail={"fields": sorted([*changed, *nested])},
        )
    if activating or deactivating:
        _audit_transition(actor=actor, profile=profile)
    return profile


def _audit_transition(*, actor: User | None, profile: InterpreterProfile) -> None:
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=profile,
        center=profile.volunteer.center_id,
        detail={"fields": ["is_active"], "to": "active" if profile.is_active else "inactive"},
    )


@transaction.atomic
def interpreter_profile_activate(
    *, actor: User | None, profile: InterpreterProfile
) -> InterpreterProfile:
    """Let the interpreter receive offers again.

    :raises ValidationError: when the volunteer is not approved/active, has not signed the
        confidentiality pledge, or lacks a working language pair with German.
    """
    profile = (
        InterpreterProfile.objects.select_for_update()
        .select_related("volunteer")
        .get(pk=profile.pk)
    )
    if profile.is_active:
        return profile
    problems = activation_problems(volunteer=profile.volunteer)
    if problems:
        raise ValidationError(problems)
    profile.is_active = True
    profile.save(update_fields=["is_active", "updated_at"])
    _audit_transition(actor=actor, profile=profile)
    return profile


@transaction.atomic
def interpreter_profile_deactivate(
    *, actor: User | None, profile: InterpreterProfile
) -> InterpreterProfile:
    """Take the interpreter out of matching; the profile and its data stay."""
    profile = (
        InterpreterProfile.objects.select_for_update()
        .select_related("volunteer")
        .get(pk=profile.pk)
    )
    if not profile.is_active:
        return profile
    profile.is_active = False
    profile.save(update_fields=["is_active", "updated_at"])
    _audit_transition(actor=actor, profile=profile)
    return profile


def interpreter_profile_erase(*, actor: User | None, volunteer: Volunteer) -> None:
    """Erase the personal settings of an anonymised volunteer's interpreter profile.

    Receiver of :data:`volunteers.signals.volunteer_anonymised` (connected in
    :class:`sprachpool.apps.SprachpoolConfig`), inside the anonymising transaction. The
    profile leaves the pool; gender, excluded clients and declined settings are removed,
    and the calendar feed is switched off.
    Kind, qualification, ways of working, radius and allowance tier stay for the pool's
    statistics, like the anonymous record's languages and town.
    """
    profile = InterpreterProfile.objects.filter(volunteer=volunteer).first()
    if profile is None:
        return
    profile.is_active = False
    profile.gender = ""
    profile.excluded_clients = []
    profile.declined_topics = []
    profile.calendar_token = ""
    profile.full_clean()
    profile.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=profile,
        center=volunteer.center_id,
        detail={
            "fields": [
                "is_active",
                "gender",
                "excluded_clients",
                "declined_topics",
                "calendar_token",
            ],
            "erased": True,
        },
    )


# --------------------------------------------------------------------------- calendar feed secret

#: Bytes of randomness in a calendar feed's secret (``secrets.token_urlsafe``: 43 characters).
CALENDAR_TOKEN_BYTES = 32


def _check_own_profile(*, actor: User, profile: InterpreterProfile) -> None:
    """Only the interpreter themself holds their calendar feed's secret.

    :raises PermissionDenied: for anyone else (a coordinator included).
    """
    if not getattr(actor, "is_authenticated", False) or profile.volunteer.user_id != actor.pk:
        raise PermissionDenied(_("Only the interpreter themself can change their calendar feed."))


def _audit_calendar(*, actor: User, profile: InterpreterProfile, event: str) -> None:
    # Never the secret itself: the audit trail must not become a way to the feed.
    audit_log(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=profile,
        center=profile.volunteer.center_id,
        detail={"fields": ["calendar_token"], "calendar": event},
    )


def _locked_profile(profile: InterpreterProfile) -> InterpreterProfile:
    return (
        InterpreterProfile.objects.select_for_update()
        .select_related("volunteer")
        .get(pk=profile.pk)
    )


@transaction.atomic
def calendar_token_renew(*, actor: User, profile: InterpreterProfile) -> str:
    """Give the interpreter's calendar feed a new secret; the old address stops serving.

    :return: the new secret (``secrets.token_urlsafe``, unique among the profiles).
    :raises PermissionDenied: unless ``actor`` is the profile's own login.
    :raises ValidationError: for an anonymised volunteer.
    """
    _check_own_profile(actor=actor, profile=profile)
    locked = _locked_profile(profile)
    volunteer_services.refuse_if_anonymised(locked.volunteer)
    event = "renewed" if locked.calendar_token else "created"
    locked.calendar_token = secrets.token_urlsafe(CALENDAR_TOKEN_BYTES)
    locked.full_clean()
    locked.save(update_fields=["calendar_token", "updated_at"])
    _audit_calendar(actor=actor, profile=locked, event=event)
    profile.calendar_token = locked.calendar_token
    return locked.calendar_token


@transaction.atomic
def calendar_token_ensure(*, actor: User, profile: InterpreterProfile) -> str:
    """The interpreter's calendar feed secret, created on first use (:func:`calendar_token_renew`).

    Two first requests at once get the same secret (the profile's row is locked).
    """
    _check_own_profile(actor=actor, profile=profile)
    locked = _locked_profile(profile)
    if not locked.calendar_token:
        calendar_token_renew(actor=actor, profile=locked)
    profile.calendar_token = locked.calendar_token
    return locked.calendar_token


@transaction.atomic
def calendar_token_revoke(*, actor: User, profile: InterpreterProfile) -> None:
    """Switch the interpreter's calendar feed off: its address stops serving (no feed
    until renewed). Revoking a feed that is already off changes nothing.

    :raises PermissionDenied: unless ``actor`` is the profile's own login.
    """
    _check_own_profile(actor=actor, profile=profile)
    locked = _locked_profile(profile)
    profile.calendar_token = ""
    if not locked.calendar_token:
        return
    locked.calendar_token = ""
    locked.save(update_fields=["calendar_token", "updated_at"])
    _audit_calendar(actor=actor, profile=locked, event="revoked")
