"""State changes of the core: the audit trail, centers' members, departments and places."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.models import AuditEvent, Center, Department, Membership, Place, Role, User
from core.scoping import forget_memberships


def audit_log(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    center: Center | int | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record who did what to which object.

    :param actor: the acting user; ``None`` for the system (tasks, the engine).
    :param action: one of :class:`AuditEvent.Action`.
    :param obj: the object concerned; its type, id and center are taken from it.
    :param center: the center, when ``obj`` has none or is not given.
    :param detail: changed field names and other non-personal context. Never values
        of personal data: the audit trail must not become a second copy of them.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        if center is None:
            center = getattr(obj, "center_id", None)
    center_id = center.pk if isinstance(center, Center) else center
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        center_id=center_id,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        detail=detail or {},
    )


def audit_log_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Record many system events (no actor) in one query, e.g. the offers of a matching run."""
    return AuditEvent.objects.bulk_create(events)


def audit_view(
    *,
    actor: User | None,
    obj: models.Model,
    center: Center | int | None = None,
    own_user_id: int | None = None,
) -> None:
    """Record that ``actor`` opened someone's personal data (who saw what).

    A person opening their own record (``actor.pk == own_user_id``) and anonymous or
    system access are not recorded.
    """
    if actor is None or not actor.is_authenticated or actor.pk == own_user_id:
        return
    audit_log(actor=actor, action=AuditEvent.Action.VIEW, obj=obj, center=center)


def member_viewed(*, actor: User | None, member: User) -> None:
    """Record that ``actor`` opened a member's record (name, e-mail, roles), under a center
    both share, so that center's coordinators see it in their trail."""
    if actor is None or not actor.is_authenticated or actor.pk == member.pk:
        return
    shared = (
        Membership.objects.filter(user=member)
        .filter(center__in=Membership.objects.filter(user=actor).values("center"))
        .order_by("center_id")
        .values_list("center_id", flat=True)
        .first()
    )
    audit_log(actor=actor, action=AuditEvent.Action.VIEW, obj=member, center=shared)


def changed_fields(instance: models.Model, data: dict[str, Any]) -> list[str]:
    """Names of the fields in ``data`` whose value differs from the instance's."""
    return sorted(name for name, value in data.items() if getattr(instance, name) != value)


@transaction.atomic
def department_create(*, actor: User | None, center: Center, **fields: Any) -> Department:
    """Create a department (Fachdienst) of a center."""
    department = Department(center=center, **fields)
    department.full_clean()
    department.save()
    audit_log(actor=actor, action=AuditEvent.Action.CREATE, obj=department)
    return department


@transaction.atomic
def department_update(*, actor: User | None, department: Department, **fields: Any) -> Department:
    """Change a department's name, kind, cost centre, e-mail or active flag."""
    changed = changed_fields(department, fields)
    for name, value in fields.items():
        setattr(department, name, value)
    department.full_clean()
    department.save()
    if changed:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=department,
            detail={"fields": changed},
        )
    return department


def _town_coordinates(*, center_id: int, town: Place | None, fields: dict[str, Any]) -> None:
    """Take ``lat``/``lon`` (and an empty city or postcode) from a town of the same center.

    The coordinates come from the center's own place registry, never from an outside
    geocoder.
    """
    if town is None:
        return
    if town.center_id != center_id or town.kind != Place.Kind.TOWN:
        raise ValidationError({"town": _("Choose a town of the same center.")})
    fields["lat"], fields["lon"] = town.lat, town.lon
    if not fields.get("city"):
        fields["city"] = town.city
    if not fields.get("postcode"):
        fields["postcode"] = town.postcode


@transaction.atomic
def place_create(
    *, actor: User | None, center: Center, town: Place | None = None, **fields: Any
) -> Place:
    """Create a town or office of a center.

    :param town: a town of the center whose coordinates the place takes (then ``lat`` and
        ``lon`` are not needed); without it, ``lat`` and ``lon`` are given by hand.
    :raises ValidationError: on a bad field, or a town of another center.
    """
    _town_coordinates(center_id=center.pk, town=town, fields=fields)
    place = Place(center=center, **fields)
    place.full_clean()
    place.save()
    audit_log(actor=actor, action=AuditEvent.Action.CREATE, obj=place)
    return place


@transaction.atomic
def place_update(
    *, actor: User | None, place: Place, town: Place | None = None, **fields: Any
) -> Place:
    """Change a place's name, kind, address or coordinates (from ``town`` or by hand).

    :raises ValidationError: on a bad field (nothing is saved), or a town of another center.
    """
    place = Place.objects.select_for_update().get(pk=place.pk)
    fields.pop("center", None)
    _town_coordinates(center_id=place.center_id, town=town, fields=fields)
    changed = changed_fields(place, fields)
    for name, value in fields.items():
        setattr(place, name, value)
    place.full_clean()
    place.save()
    if changed:
        audit_log(
            actor=actor, action=AuditEvent.Action.UPDATE, obj=place, detail={"fields": changed}
        )
    return place


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    center: Center,
    role: str,
    department: Department | None = None,
) -> Membership:
    """Give a user a role in a center (idempotent)."""
    membership = Membership.objects.filter(user=user, center=center, role=role).first()
    if membership is None:
        membership = Membership(user=user, center=center, role=Role(role), department=department)
        membership.full_clean()
        membership.save()
        audit_log(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=membership,
            detail={"role": role},
        )
    elif department is not None and membership.department_id != department.pk:
        membership.department = department
        membership.full_clean()
        membership.save()
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=membership,
            detail={"fields": ["department"]},
        )
    forget_memberships(user)
    return membership
