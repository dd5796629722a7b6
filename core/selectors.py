"""Reads of the core, already scoped to the caller's centers and role."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from core.messaging import MAX_ATTEMPTS
from core.models import (
    AuditEvent,
    Center,
    Department,
    Language,
    Membership,
    Notification,
    Place,
    Role,
    User,
)
from core.params import parse_id
from core.scoping import center_ids_for, is_admin


def center_list(*, user: User, roles: list[str] | None = None) -> QuerySet[Center]:
    """Centers where the user holds one of ``roles`` (any role when None; all for admins)."""
    if is_admin(user):
        return Center.objects.all()
    return Center.objects.filter(pk__in=center_ids_for(user, roles=roles))


def language_list(*, search: str = "") -> QuerySet[Language]:
    """All languages, optionally filtered by code or name."""
    languages = Language.objects.select_related("macrolanguage")
    if search:
        languages = languages.filter(
            Q(code__iexact=search)
            | Q(name_de__icontains=search)
            | Q(name_en__icontains=search)
            | Q(name_native__icontains=search)
        )
    return languages


def department_list(*, user: User, search: str = "") -> QuerySet[Department]:
    """Departments of the user's centers; every member may read them."""
    departments = Department.objects.visible_to(user).select_related("center")
    if search:
        departments = departments.filter(
            Q(name__icontains=search) | Q(cost_centre__icontains=search)
        )
    return departments


def place_list(*, user: User, search: str = "", kind: str = "") -> QuerySet[Place]:
    """Places of the user's centers; every member may read them."""
    places = Place.objects.visible_to(user).select_related("center")
    if search:
        places = places.filter(
            Q(name__icontains=search) | Q(city__icontains=search) | Q(postcode__startswith=search)
        )
    if kind:
        places = places.filter(kind=kind)
    return places


def member_list(*, user: User, search: str = "", role: str = "") -> QuerySet[User]:
    """Users with a membership in a center the caller coordinates."""
    if is_admin(user):
        users = User.objects.all()
    else:
        centers = center_ids_for(user, roles=[Role.COORDINATOR])
        users = User.objects.filter(memberships__center__in=centers)
        if role:
            users = users.filter(memberships__role=role, memberships__center__in=centers)
    if role and is_admin(user):
        users = users.filter(memberships__role=role)
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
        )
    return users.distinct().order_by("last_name", "first_name", "username")


def member_memberships(*, user: User, member: User) -> QuerySet[Membership]:
    """The member's memberships in centers the caller coordinates."""
    return (
        Membership.objects.for_user(user, roles=[Role.COORDINATOR])
        .filter(user=member)
        .select_related("center", "department")
    )


def audit_event_list(
    *,
    user: User,
    actor: str = "",
    object_type: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    search: str = "",
) -> QuerySet[AuditEvent]:
    """The audit trail of the centers the user coordinates, newest first.

    :param actor: a user's id, or ``"system"`` for events without an actor.
    :param object_type: ``app_label.model_name`` of the objects concerned.
    :param since: first day (Europe/Berlin) to include; ``until``: last day.
    :param search: part of the actor's name or login, an object's number, or a word of
        the kind of object ("Ehrenamtliche").
    """
    events = AuditEvent.objects.visible_to(user).select_related("actor", "center")
    if actor == "system":
        events = events.filter(actor__isnull=True)
    elif (actor_id := parse_id(actor)) is not None:
        events = events.filter(actor_id=actor_id)
    if object_type:
        events = events.filter(object_type=object_type)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    search = search.replace("\x00", "").strip()
    if search:
        from core.audit_display import kind_label

        number = search.removeprefix("#").removeprefix("Nr.").strip()
        kinds = [
            t
            for t in audit_object_types(user=user)
            if search.casefold() in kind_label(t).casefold()
        ]
        condition = (
            Q(actor__username__icontains=search)
            | Q(actor__first_name__icontains=search)
            | Q(actor__last_name__icontains=search)
            | Q(object_type__in=kinds)
        )
        if (object_id := parse_id(number)) is not None:
            condition |= Q(object_id=str(object_id))
        events = events.filter(condition)
    return events


def audit_object_types(*, user: User) -> list[str]:
    """The kinds of object (``app_label.model_name``) in the user's audit trail."""
    types = (
        AuditEvent.objects.for_user(user, roles=[Role.COORDINATOR])
        .order_by()
        .values_list("object_type", flat=True)
        .distinct()
    )
    return sorted(t for t in types if t)


def audit_actor_list(*, user: User) -> QuerySet[User]:
    """The people who appear as actors in the user's audit trail."""
    actors = AuditEvent.objects.for_user(user, roles=[Role.COORDINATOR]).values("actor_id")
    return User.objects.filter(pk__in=actors).order_by("last_name", "first_name", "username")


def news_list(*, user: User) -> QuerySet[Notification]:
    """The user's own in-app messages ("Neuigkeiten"), newest first."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP
    ).order_by("-created_at", "-id")


def news_unread_count(*, user: User) -> int:
    """How many of the user's in-app messages are unread (one indexed count)."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()


def message_failure_list(*, user: User) -> QuerySet[Notification]:
    """Messages of the user's coordinated centers given up after their last try, newest first."""
    return (
        Notification.objects.for_user(user, roles=[Role.COORDINATOR])
        .filter(sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS)
        .exclude(channel=Notification.Channel.IN_APP)
        .select_related("recipient", "center")
        .order_by("-created_at", "-id")
    )
