"""Logging in, safely: failed-login lockout, the login and password-reset forms, and API
tokens that die with the password.

- **Lockout** (:class:`LockoutBackend`, the only authentication backend, so the login
  page, the admin and ``POST /api/v1/auth/token/`` all go through it): after
  ``LOGIN_FAILURE_LIMIT`` wrong passwords for one user name, or
  ``LOGIN_ADDRESS_FAILURE_LIMIT`` from one client address, within
  ``LOGIN_LOCKOUT_MINUTES``, every login attempt for that name or from that address is
  refused for that long, even with the right password. Counted in Django's cache
  (shared between processes when Redis is configured), like the API throttles.
- **Password reset** (:class:`PasswordResetForm`): at most ``PASSWORD_RESET_LIMIT`` mails
  per e-mail address and ``PASSWORD_RESET_ADDRESS_LIMIT`` requests per client address in
  an hour. Over the address's limit the page
  says so (429); over the e-mail's limit nothing more is sent, and the page looks the same
  as always, so it tells nobody whether the address has an account.
- **Tokens**: when a user's password changes, by whatever path (change form, reset link,
  admin, shell), their API tokens are deleted (:func:`revoke_tokens_on_password_change`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import BaseThrottle

from core.models import User

PASSWORD_RESET_WINDOW = dt.timedelta(hours=1)

WRONG_LOGIN = _(
    "The user name or the password is wrong. Please check both (capital letters count) "
    "and try again."
)
LOCKED_OUT = _(
    "Too many failed attempts to log in. For your protection, logging in is blocked for "
    "%(minutes)d minutes. If you have forgotten your password, you can reset it."
)
RESET_LIMITED = _(
    "Too many requests for password links from your connection. Please wait an hour and try again."
)


def client_address(request: Any) -> str:
    """The client's address as the API throttles see it (``NUM_PROXIES`` hops deep)."""
    if request is None or not hasattr(request, "META"):
        return ""
    return BaseThrottle().get_ident(request) or ""


def _window() -> int:
    return int(settings.LOGIN_LOCKOUT_MINUTES) * 60


def _account_key(username: str) -> str:
    return f"core:login-failures:user:{username.strip().lower()}"


def _address_key(address: str) -> str:
    return f"core:login-failures:addr:{address}"


def _count(key: str) -> int:
    return int(cache.get(key, 0))


def _bump(key: str) -> None:
    # add() starts the window at the first failure; incr() keeps that expiry.
    if not cache.add(key, 1, timeout=_window()):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=_window())


def login_locked(*, username: str, request: Any) -> bool:
    """Whether logins for ``username`` or from the request's address are blocked now."""
    address = client_address(request)
    return _count(_account_key(username)) >= settings.LOGIN_FAILURE_LIMIT or bool(
        address and _count(_address_key(address)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )


def login_failed(*, username: str, request: Any) -> None:
    """Count one failed login for the name and for the client address."""
    _bump(_account_key(username))
    address = client_address(request)
    if address:
        _bump(_address_key(address))


class LockoutBackend(ModelBackend):
    """Django's model backend behind the failed-login lockout (see the module docstring)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        if login_locked(username=username, request=request):
            # Stops every further backend; Django sends user_login_failed.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(username=username, request=request)
        else:
            cache.delete(_account_key(username))
        return user


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form with a plain message for a wrong password and for a lockout."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": WRONG_LOGIN,
        "locked": LOCKED_OUT,
    }

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        given = bool(username and self.cleaned_data.get("password"))
        if given and login_locked(username=username, request=self.request):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
            )
        return super().clean()


class ResetLimited(Exception):
    """The client address asked for too many password links."""


def _reset_allowed(key: str, limit: int) -> bool:
    timeout = int(PASSWORD_RESET_WINDOW.total_seconds())
    if cache.add(key, 1, timeout=timeout):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=timeout)
        return True
    return count <= limit


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, limited per e-mail address and per client address."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Send the link (``PasswordResetView`` passes the ``request``) within the limits.

        :raises ResetLimited: the client address used up its limit; nothing is sent.
        """
        address = client_address(kwargs.get("request"))
        address_key = f"core:password-reset:addr:{address}"
        if address and not _reset_allowed(address_key, settings.PASSWORD_RESET_ADDRESS_LIMIT):
            raise ResetLimited
        email = self.cleaned_data["email"].strip().lower()
        if not _reset_allowed(f"core:password-reset:email:{email}", settings.PASSWORD_RESET_LIMIT):
            return  # the page looks the same: it must not reveal whether the address exists
        super().save(*args, **kwargs)


@receiver(pre_save, sender=User, dispatch_uid="core.auth.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender: Any, instance: User, **kwargs: Any) -> None:
    """A new password ends every API token of the user (they log in again for a new one)."""
    if instance.pk is None or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "password" not in update_fields:
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user_id=instance.pk).delete()
