"""Logins and logouts go into the audit trail."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from core.models import AuditEvent
from core.services import audit_log


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
