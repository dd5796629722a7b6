"""The pages of the two-factor login (:mod:`core.two_factor`): "Two-factor login" under the
user's account (set up with the QR code or the typed secret, confirmed with a code; new
recovery codes; switch off) and the code page of the login's second step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core import two_factor
from core.web import AuthenticatedHttpRequest


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (``recovery``) a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=40, strip=True)

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attrs = self.fields["code"].widget.attrs
        attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        )
        if recovery:
            self.fields["code"].label = _("Recovery code")
            self.fields["code"].help_text = _("One of the ten codes you kept, e.g. abcde-fghij.")
        else:
            attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
            self.fields["code"].help_text = _("The 6-digit code your authenticator app shows now.")


class DisableForm(CodeForm):
    """Switching off: a current code and an explicit confirmation."""

    confirm = forms.BooleanField(
        label=_("Yes, switch two-factor login off for my account."), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "The 6-digit code your authenticator app shows now, or a recovery code."
        )
        self.fields["code"].widget.attrs.pop("inputmode", None)
        self.fields["code"].widget.attrs.pop("pattern", None)


def _safe_next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _add_code_error(form: forms.Form, exc: ValidationError) -> None:
    form.add_error("code", exc)


def _codes_page(
    request: AuthenticatedHttpRequest, codes: list[str], *, first: bool
) -> HttpResponse:
    return render(request, "core/two_factor_codes.html", {"codes": codes, "first": first})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up, or see the state of, the user's two-factor login."""
    user = request.user
    if two_factor.has_two_factor(user):
        return render(
            request,
            "core/two_factor.html",
            {
                "active": True,
                "device": two_factor.totp_device(user),
                "remaining": two_factor.remaining_recovery_codes(user),
                "required": two_factor.two_factor_required(user),
            },
        )
    form = CodeForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("start", "restart"):
            two_factor.totp_setup_start(user=user, renew=action == "restart")
            return redirect("two-factor")
        if action == "confirm":
            form = CodeForm(request.POST)
            if form.is_valid():
                try:
                    codes = two_factor.totp_setup_confirm(
                        user=user, code=form.cleaned_data["code"], request=request
                    )
                except ValidationError as exc:
                    _add_code_error(form, exc)
                else:
                    return _codes_page(request, codes, first=True)
    device = two_factor.totp_device(user, confirmed=False)
    context: dict[str, Any] = {
        "active": False,
        "device": device,
        "form": form,
        "required": two_factor.two_factor_required(user),
    }
    if device is not None:
        context["qr_svg"] = mark_safe(two_factor.qr_code_svg(device))  # noqa: S308 (drawn here)
        context["secret"] = two_factor.secret_text(device)
    return render(request, "core/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes: a GET asks first, the POST makes and shows them once."""
    if not two_factor.has_two_factor(request.user) or not two_factor.is_verified(request.user):
        return redirect("two-factor")
    if request.method == "POST":
        codes = two_factor.recovery_codes_regenerate(user=request.user)
        return _codes_page(request, codes, first=False)
    return render(
        request,
        "core/two_factor_confirm.html",
        {"remaining": two_factor.remaining_recovery_codes(request.user), "kind": "recovery"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switch two-factor login off: a current code and a confirmation."""
    if not two_factor.has_two_factor(request.user) or not two_factor.is_verified(request.user):
        return redirect("two-factor")
    form = DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.two_factor_disable(
                user=request.user, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as exc:
            _add_code_error(form, exc)
        else:
            messages.success(request, gettext("Two-factor login is switched off."))
            return redirect("two-factor")
    return render(
        request,
        "core/two_factor_confirm.html",
        {"form": form, "kind": "disable", "required": two_factor.two_factor_required(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The login's second step: the code from the app, or a recovery code."""
    if two_factor.pending_step(request.user) != "verify":
        return redirect(_safe_next(request))
    recovery = request.GET.get("recovery") == "1" or request.POST.get("recovery") == "1"
    form = CodeForm(request.POST or None, recovery=recovery)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.session_verify(request=request, code=form.cleaned_data["code"])
        except ValidationError as exc:
            _add_code_error(form, exc)
            status = 429 if exc.code == "locked" else 400
        else:
            return redirect(_safe_next(request))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "core/two_factor_verify.html",
        {"form": form, "recovery": recovery, "next": _safe_next(request)},
        status=status,
    )
