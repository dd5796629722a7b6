"""Two-factor login: a code from an authenticator app (TOTP, django-otp) after the password,
with single-use recovery codes.

- **Who**: anyone may set it up on the page "Two-factor login" (``two-factor``). With
  ``TWO_FACTOR_REQUIRED`` (on in production) coordinators and admins must
  (:func:`two_factor_required`).
- **The session**: django-otp's ``OTPMiddleware`` tells whether a session passed the second
  factor (``request.user.is_verified()``). :class:`TwoFactorMiddleware` sends a login that
  has a confirmed device but has not given its code to the code page, and a required role
  without a device to the set-up page; only logging out, those pages, the language switch
  and static files stay open. The API counts such a session as no login
  (``api.authentication.VerifiedSessionAuthentication``); a token is issued only with a code
  (``api.auth``).
- **Wrong codes**: each counts, per user, in the cache; after ``LOGIN_FAILURE_LIMIT`` of them
  within ``LOGIN_LOCKOUT_MINUTES`` codes are refused for that long (a right password does not
  reset this count, unlike the password's). They also count towards the client address's
  failed logins (:func:`core.auth.login_failed`), and django-otp's own back-off per device
  (1, 2, 4 … seconds) stays on. Every wrong code is in the audit trail.
- **Recovery codes**: ten, shown once, each valid once; stored only as a keyed hash
  (:func:`recovery_code_hash`, the ``SECRET_KEY``), so the database alone reveals none.
- **Audit**: set up (create), switched off (delete), new recovery codes (update), a code
  given at login (login) and a wrong code (login, ``two_factor: wrong_code``).
"""

from __future__ import annotations

import io
import re
import secrets
from base64 import b32encode
from collections.abc import Callable
from typing import Any, Literal

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.auth import login_failed
from core.models import AuditEvent, Role, User
from core.scoping import has_role
from core.services import audit_log

#: How many recovery codes a user gets at a time.
RECOVERY_CODE_COUNT = 10
#: Characters of one recovery code (base32: 5 bits each, 50 bits in all).
RECOVERY_CODE_LENGTH = 10
#: The device names django-otp stores (shown in the admin).
TOTP_DEVICE_NAME = "authenticator app"
STATIC_DEVICE_NAME = "recovery codes"

CODE_REQUIRED = _("Please enter the code from your authenticator app.")
CODE_WRONG = _(
    "This code is not right. Please enter the current code from your authenticator app, "
    "or an unused recovery code."
)
CODE_WAIT = _("Too many wrong codes in a row. Please wait a few seconds and try again.")
CODE_LOCKED = _(
    "Too many wrong codes. For your protection, codes are refused for %(minutes)d minutes."
)
SETUP_FIRST = _(
    "Two-factor login is required for your role. Please set it up on the page "
    "“Two-factor login” first and then send the code from your authenticator app."
)

Step = Literal["verify", "setup"]


# --------------------------------------------------------------------------- who and when


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` must use a second factor: with ``TWO_FACTOR_REQUIRED``, coordinators
    (in any center) and admins."""
    return bool(
        settings.TWO_FACTOR_REQUIRED
        and getattr(user, "is_authenticated", False)
        and has_role(user, Role.COORDINATOR)
    )


def totp_device(user: Any, *, confirmed: bool = True) -> TOTPDevice | None:
    """The user's authenticator-app device (the confirmed one, or the one being set up)."""
    if not getattr(user, "is_authenticated", False):
        return None
    found: TOTPDevice | None = (
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=confirmed).order_by("pk").first()
    )
    return found


def has_two_factor(user: Any) -> bool:
    """Whether the user has set up two-factor login (a confirmed authenticator app)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def code_needed(user: Any) -> bool:
    """Whether a login of ``user`` needs a code: a device is set up, or the role requires one."""
    return has_two_factor(user) or two_factor_required(user)


def is_verified(user: Any) -> bool:
    """Whether this request's session passed the second factor (django-otp's middleware)."""
    check: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def pending_step(user: Any) -> Step | None:
    """What a logged-in session still has to do: give its code, set up a device, or nothing."""
    if not getattr(user, "is_authenticated", False) or is_verified(user):
        return None
    if has_two_factor(user):
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


def remaining_recovery_codes(user: Any) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user_id=user.pk).count()


# --------------------------------------------------------------------------- codes


def recovery_code_hash(code: str) -> str:
    """What is stored for a recovery code: a keyed hash (16 hex digits, fits the library's
    token column), never the code itself."""
    return salted_hmac("core.two_factor.recovery-code", code, algorithm="sha256").hexdigest()[:16]


def normalise_code(code: str) -> str:
    """A typed code without spaces and dashes, in lower case (recovery codes are printed
    ``abcde-fghij``; authenticator apps show ``123 456``)."""
    return re.sub(r"[\s\-]", "", str(code or "")).lower()


def _new_recovery_codes() -> list[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return [
        "".join(secrets.choice(alphabet) for _i in range(RECOVERY_CODE_LENGTH))
        for _n in range(RECOVERY_CODE_COUNT)
    ]


def format_recovery_code(code: str) -> str:
    """A recovery code as shown: two groups of five (``abcde-fghij``)."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": STATIC_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = _new_recovery_codes()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_hash(code)) for code in codes
    )
    return [format_recovery_code(code) for code in codes]


def secret_text(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it when typed: base32, in groups of 4."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as an SVG QR code (drawn here: no request to a
    third party, and no style attribute, so the page's CSP allows it inline)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]


# --------------------------------------------------------------------------- wrong codes


def _failures_key(user: Any) -> str:
    return f"core:otp-failures:user:{user.pk}"


def _window() -> int:
    return int(settings.LOGIN_LOCKOUT_MINUTES) * 60


def codes_locked(user: Any) -> bool:
    """Whether codes of ``user`` are refused now (too many wrong ones)."""
    return int(cache.get(_failures_key(user), 0)) >= settings.LOGIN_FAILURE_LIMIT


def count_failure(*, user: User, request: Any, via: str) -> None:
    """Count and audit one refused second factor of ``user`` (see the module docstring)."""
    key = _failures_key(user)
    if not cache.add(key, 1, timeout=_window()):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=_window())
    login_failed(username=user.get_username(), request=request)
    audit_log(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        object_type="core.user",
        object_id=user.pk,
        detail={"two_factor": "wrong_code", "via": via, "failed": True},
    )


def _locked_error() -> ValidationError:
    return ValidationError(
        CODE_LOCKED, code="locked", params={"minutes": settings.LOGIN_LOCKOUT_MINUTES}
    )


def _match(user: User, code: str) -> tuple[Device | None, bool]:
    """The device that accepts ``code`` (None: none does), and whether a device refused to
    check at all because of its back-off. Runs in its own transaction (row locks), so a
    wrong code's count on the device is kept."""
    with transaction.atomic():
        if code.isdigit():
            candidates: list[Device] = list(
                TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).select_for_update()
            )
            token = code
        else:
            candidates = list(
                StaticDevice.objects.filter(user_id=user.pk, confirmed=True).select_for_update()
            )
            token = recovery_code_hash(code)
        waiting = False
        for device in candidates:
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                waiting = True
                continue
            if device.verify_token(token):
                return device, False
        return None, waiting


def code_check(
    *, user: User, code: str, request: Any, via: str = "web", missing_counts: bool = False
) -> Device:
    """Check a code from the authenticator app or a recovery code (used up when it fits).

    A wrong code is counted (:func:`codes_locked`) and audited; an empty one is refused,
    counted only with ``missing_counts`` (the API: a token asked for without its code).

    :param via: ``"web"`` or ``"api"``, recorded with a wrong code.
    :return: the device that accepted the code.
    :raises ValidationError: code ``required``, ``wrong``, ``wait`` (django-otp's back-off)
        or ``locked``; nothing else changed.
    """
    code = normalise_code(code)
    if codes_locked(user):
        raise _locked_error()
    if not code:
        if missing_counts:
            count_failure(user=user, request=request, via=via)
        raise ValidationError(CODE_REQUIRED, code="required")
    if len(code) > 32:
        device, waiting = None, False
    else:
        device, waiting = _match(user, code)
    if device is None:
        if waiting:
            raise ValidationError(CODE_WAIT, code="wait")
        count_failure(user=user, request=request, via=via)
        if codes_locked(user):
            raise _locked_error()
        raise ValidationError(CODE_WRONG, code="wrong")
    cache.delete(_failures_key(user))
    return device


# --------------------------------------------------------------------------- services


@transaction.atomic
def totp_setup_start(*, user: User, renew: bool = False) -> TOTPDevice:
    """The authenticator-app device being set up for ``user``: the one already begun, or a
    new one with a new secret (``renew``: always a new secret).

    :raises ValidationError: two-factor login is already set up.
    """
    if has_two_factor(user):
        raise ValidationError(_("Two-factor login is already set up."), code="exists")
    pending = totp_device(user, confirmed=False)
    if pending is not None and not renew:
        return pending
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    device.full_clean()
    device.save()
    return device


def totp_setup_confirm(*, user: User, code: str, request: Any) -> list[str]:
    """Confirm the device being set up with a code it shows; the session counts as verified.

    :return: the new recovery codes, to be shown once.
    :raises ValidationError: no set-up begun, or the code is not right (nothing changed).
    """
    device = totp_device(user, confirmed=False)
    if device is None or has_two_factor(user):
        raise ValidationError(_("Please start the set-up again."), code="no_setup")
    code = normalise_code(code)
    if not code:
        raise ValidationError(CODE_REQUIRED, code="required")
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        accepted = code.isdigit() and len(code) <= 8 and locked.verify_token(code)
    if not accepted:
        raise ValidationError(
            _("This code is not right. Please enter the code your app shows now."), code="wrong"
        )
    with transaction.atomic():
        locked.confirmed = True
        locked.full_clean()
        locked.save()
        codes = _replace_recovery_codes(user)
        audit_log(
            actor=user,
            action=AuditEvent.Action.CREATE,
            obj=locked,
            detail={"two_factor": "set_up"},
        )
    if request is not None and hasattr(request, "session"):
        request.session.cycle_key()
        django_otp.login(request, locked)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes for ``user``; the old ones stop working.

    :return: the new codes, to be shown once.
    :raises ValidationError: two-factor login is not set up.
    """
    if not has_two_factor(user):
        raise ValidationError(_("Two-factor login is not set up."), code="not_set_up")
    codes = _replace_recovery_codes(user)
    device = StaticDevice.objects.get(user_id=user.pk)
    audit_log(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        obj=device,
        detail={"two_factor": "recovery_codes_regenerated"},
    )
    return codes


def two_factor_disable(*, user: User, code: str, request: Any) -> None:
    """Switch two-factor login off after a current code (or a recovery code).

    :raises ValidationError: the code is missing or wrong (nothing changed).
    """
    code_check(user=user, code=code, request=request)
    two_factor_remove(user=user, actor=user)


@transaction.atomic
def two_factor_remove(*, user: User, actor: User | None) -> int:
    """Remove the user's devices and recovery codes (the user switching off, or an
    administrator's ``manage.py two_factor_reset`` for a lost phone). Audited.

    :return: how many authenticator-app devices were removed.
    """
    removed = list(TOTPDevice.objects.filter(user_id=user.pk).values_list("pk", flat=True))
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    StaticDevice.objects.filter(user_id=user.pk).delete()
    for pk in removed:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type="otp_totp.totpdevice",
            object_id=pk,
            detail={"two_factor": "switched_off"},
        )
    return len(removed)


def session_verify(*, request: HttpRequest, code: str) -> Device:
    """The login's second step: check the code, then mark the session as verified (with a
    new session key). Audited as a login step.

    :raises ValidationError: as :func:`code_check`.
    """
    user: User = request.user  # type: ignore[assignment]
    device = code_check(user=user, code=code, request=request)
    request.session.cycle_key()
    django_otp.login(request, device)
    audit_log(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        object_type="core.user",
        object_id=user.pk,
        detail={"two_factor": "recovery_code" if isinstance(device, StaticDevice) else "code"},
    )
    return device


# --------------------------------------------------------------------------- middleware


def _open_paths() -> tuple[str, ...]:
    return (
        "/" + settings.STATIC_URL.lstrip("/"),
        reverse("logout"),
        reverse("set_language"),
        "/api/",  # the API decides itself (api.authentication)
    )


class TwoFactorMiddleware:
    """Send a logged-in session that still owes its second factor to the page for it.

    With a confirmed device and no code given yet: the code page (``two-factor-verify``).
    A required role without a device: the set-up page (``two-factor``). Logging out, the
    language switch, static files and the API (which refuses by itself) stay open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_open_paths())
        ):
            step = pending_step(user)
            if step is not None:
                target = reverse("two-factor-verify" if step == "verify" else "two-factor")
                if request.path != target:
                    if request.method in ("GET", "HEAD") and step == "verify":
                        target += "?" + urlencode({"next": request.get_full_path()})
                    return redirect(target)
        return self.get_response(request)
