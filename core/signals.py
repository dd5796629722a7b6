"""Logins and logouts go into the audit trail; a login's session remembers when it began."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
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


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_log(
            actor=user, action=AuditEvent.Action.LOGOUT, object_type="core.user", object_id=user.pk
        )
