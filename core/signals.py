"""Logins (successful and failed) and logouts go into the audit trail; a login's session
remembers when it began."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from core.middleware import LOGIN_AT_SESSION_KEY, RENEWED_AT_SESSION_KEY
from core.models import AuditEvent
from core.services import audit_log


@receiver(user_logged_in)
def remember_login_time(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """The start of the login, for ``SESSION_MAX_HOURS`` (core.middleware)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(timezone.now().timestamp())
        session[LOGIN_AT_SESSION_KEY] = now
        session[RENEWED_AT_SESSION_KEY] = now


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_log(
        actor=user, action=AuditEvent.Action.LOGIN, object_type="core.user", object_id=user.pk
    )


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """A failed login (wrong password, unknown user, blocked): by the system (no actor), on the
    account when one has that user name, under the account's center; never the typed name
    or password (Django already masks the password in ``credentials``)."""
    from core.models import Membership, User

    username = credentials.get("username")
    user = (
        User.objects.filter(username=username).only("pk").first()
        if isinstance(username, str) and username
        else None
    )
    center = (
        Membership.objects.filter(user=user)
        .order_by("center_id")
        .values_list("center_id", flat=True)
        .first()
        if user is not None
        else None
    )
    audit_log(
        actor=None,
        action=AuditEvent.Action.LOGIN,
        object_type="core.user",
        object_id=user.pk if user is not None else "",
        center=center,
        detail={"failed": True},
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(
            actor=user, action=AuditEvent.Action.LOGOUT, object_type="core.user", object_id=user.pk
        )
