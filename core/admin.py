"""Admin for installation administrators; coordinators work in the app's own pages.

Logins, memberships, the audit trail and notifications carry personal data: read-only, and
opening one is audited. Centers, languages, departments and places are edited here with
validation and an audit entry; departments and places are saved by their services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from core import services
from core.admin_site import AuditedAdmin, PersonalDataAdmin, ReadOnlyInline
from core.models import (
    AuditEvent,
    Center,
    Department,
    Language,
    Membership,
    Notification,
    Place,
    User,
)


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"


@admin.register(User)
class UserAdmin(PersonalDataAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]

    def _owner_user_id(self, obj: Any) -> int | None:
        return int(obj.pk)


@admin.register(Center)
class CenterAdmin(AuditedAdmin):
    list_display = ["name", "county", "min_lead_working_days", "allowance_rule"]
    search_fields = ["name", "county"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A center holds its people's records: it is never deleted from here.
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "center", "kind", "cost_centre", "is_active"]
    list_filter = ["center", "kind", "is_active"]
    search_fields = ["name", "cost_centre"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["center"] if obj is not None else []

    def save_through_service(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> Department:
        fields = {name: value for name, value in form.cleaned_data.items() if name != "center"}
        if change:
            return services.department_update(
                actor=request.user,  # type: ignore[arg-type]
                department=Department.objects.get(pk=obj.pk),
                **fields,
            )
        return services.department_create(
            actor=request.user,  # type: ignore[arg-type]
            center=form.cleaned_data["center"],
            **fields,
        )


@admin.register(Place)
class PlaceAdmin(AuditedAdmin):
    list_display = ["name", "center", "kind", "postcode", "city"]
    list_filter = ["center", "kind"]
    search_fields = ["name", "city", "postcode"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["center"] if obj is not None else []

    def save_through_service(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> Place:
        fields = {name: value for name, value in form.cleaned_data.items() if name != "center"}
        if change:
            return services.place_update(actor=request.user, place=obj, **fields)  # type: ignore[arg-type]
        return services.place_create(
            actor=request.user,  # type: ignore[arg-type]
            center=form.cleaned_data["center"],
            **fields,
        )


@admin.register(Language)
class LanguageAdmin(AuditedAdmin):
    list_display = ["code", "name_de", "name_en", "name_native", "rtl", "macrolanguage"]
    search_fields = ["code", "name_de", "name_en"]


# An API token is a credential: listed by owner and date, its key never shown, and revoked
# by its owner (or by a password change) in the app, not here.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(PersonalDataAdmin, DrfTokenAdmin):
    owner_user = "user"
    list_display = ["user", "created"]
    fields = ["user", "created"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user", "created"]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        # A token's name is its key: the page is titled by its owner instead (the user's pk
        # is the proxy's pk, so the history link stays right).
        if obj is not None:
            context.update(subtitle=str(obj.user), original=obj.user)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(PersonalDataAdmin):
    audit_views = False
    list_display = ["at", "actor", "center", "action", "object_type", "object_id"]
    list_filter = ["action", "center"]


@admin.register(Notification)
class NotificationAdmin(PersonalDataAdmin):
    owner_user = "recipient"
    list_display = ["created_at", "recipient", "center", "channel", "event", "sent_at"]
    list_filter = ["channel", "center"]
    search_fields = ["key", "event"]


# Two-factor devices (django-otp): read-only like every login record, without the secret and
# without the recovery codes; an administrator resets a lost phone with
# ``manage.py two_factor_reset <user name>`` (audited), never by editing a device here.
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

for _otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_otp_model):
        admin.site.unregister(_otp_model)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(PersonalDataAdmin):
    owner_user = "user"
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    shown = ("user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count")
    fields = shown

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.shown)


@admin.register(StaticDevice)
class StaticDeviceAdmin(PersonalDataAdmin):
    owner_user = "user"
    list_display = ["user", "name", "created_at", "last_used_at"]
    shown = ("user", "name", "created_at", "last_used_at", "throttling_failure_count")
    fields = shown

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.shown)
