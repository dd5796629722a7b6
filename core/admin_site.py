"""The Django admin's rules: superusers only; personal data read-only and audited when seen;
other records saved with validation and an audit entry.

Installation administrators use the admin; coordinators work in the app's own pages, whose
services hold the rules. So the admin never writes a model with personal data past those
services: it shows it read-only, and records who looked (``core.services.audit_view``).
Models without personal data (centers, languages, departments, places) stay editable: the
admin's form validates them (``full_clean``), a service saves them where one exists, and every
change lands in the audit trail (``core.services.audit_log``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse


def is_superuser(request: HttpRequest) -> bool:
    """The admin is for active superusers; ``is_staff`` alone is not enough."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_superuser)


class SuperuserAdminSite(admin.AdminSite):
    """The default admin site, open to superusers only, and behind the second factor:
    a superuser with a device, or any superuser when ``TWO_FACTOR_REQUIRED``, needs a
    session that gave its code (``core.two_factor``; django-otp's ``OTPAdminSite`` check)."""

    def has_permission(self, request: HttpRequest) -> bool:
        if not is_superuser(request):
            return False
        from core import two_factor

        user = request.user
        return two_factor.is_verified(user) or not two_factor.code_needed(user)


class SuperuserAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`SuperuserAdminSite` as ``admin.site``."""

    default_site = "core.admin_site.SuperuserAdminSite"


def _center_id(obj: models.Model) -> int | None:
    """The center an object belongs to, along its queryset's ``center_lookup``."""
    lookup = getattr(type(obj)._default_manager.all(), "center_lookup", None)
    if lookup is None:
        return getattr(obj, "center_id", None)
    if lookup == "center":
        return getattr(obj, "center_id", None)
    found: int | None = (
        type(obj)._default_manager.filter(pk=obj.pk).values_list(lookup, flat=True).first()
    )
    return found


class ReadOnlyInline(admin.TabularInline):
    """An inline that only shows its rows."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]


class PersonalDataAdmin(admin.ModelAdmin):
    """A model with personal data: shown read-only, and each opened record is audited.

    Nothing is added, changed or deleted here; the app's pages and services do that with
    their rules. Set ``owner_user`` to the path of the person's own login (e.g.
    ``"user"``, ``"volunteer.user"``) so a person opening their own record is not recorded.
    """

    owner_user: str | None = None
    #: Whether opening a record is recorded (not for the audit trail's own entries).
    audit_views = True

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        opts = self.model._meta
        return [f.name for f in [*opts.fields, *opts.many_to_many]]

    def _owner_user_id(self, obj: models.Model) -> int | None:
        if self.owner_user is None:
            return None
        target: Any = obj
        for name in self.owner_user.split("."):
            target = getattr(target, name, None)
            if target is None:
                return None
        return int(target.pk)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_views and request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                from core.services import audit_view

                audit_view(
                    actor=request.user,  # type: ignore[arg-type]
                    obj=obj,
                    center=_center_id(obj),
                    own_user_id=self._owner_user_id(obj),
                )
        return response


class AuditedAdmin(admin.ModelAdmin):
    """A model without personal data: editable, validated by the form, every change audited.

    Subclasses that have a service override :meth:`save_through_service`; a
    ``ValidationError`` it raises is shown on the form and nothing is saved.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def save_through_service(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> models.Model | None:
        """Save through the app's service (which audits); ``None``: no service, save here."""
        return None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = self.save_through_service(request, obj, form, change)
        if saved is not None:
            obj.pk = saved.pk
            obj._state.adding = False
            return
        from core.models import AuditEvent
        from core.services import audit_log

        super().save_model(request, obj, form, change)
        if change and not form.changed_data:
            return
        audit_log(
            actor=request.user,  # type: ignore[arg-type]
            action=AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE,
            obj=obj,
            detail={"fields": sorted(form.changed_data), "via": "admin"} if change else {},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from core.models import AuditEvent
        from core.services import audit_log

        audit_log(actor=request.user, action=AuditEvent.Action.DELETE, obj=obj)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        refused: ValidationError | None = getattr(request, "_service_refused", None)
        if refused is None:
            return form

        class RefusedForm(form):  # type: ignore[valid-type,misc]
            """The same form, carrying the service's validation errors."""

            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                assert refused is not None
                if not hasattr(refused, "error_dict"):
                    self.add_error(None, refused)
                    return cleaned
                for name, messages in refused.message_dict.items():
                    self.add_error(name if name in self.fields else None, messages)
                return cleaned

        return RefusedForm

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            # The service refused (its transaction rolled back): show the same form again
            # with the service's messages at their fields.
            request._service_refused = refused  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)
