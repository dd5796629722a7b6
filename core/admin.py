"""Admin for installation administrators; coordinators work in the app's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from core.models import AuditEvent, Center, Department, Language, Membership, Place, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["center", "department"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "min_lead_working_days", "allowance_rule"]
    search_fields = ["name", "county"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "kind", "cost_centre", "is_active"]
    list_filter = ["center", "kind", "is_active"]
    search_fields = ["name", "cost_centre"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "kind", "postcode", "city"]
    list_filter = ["center", "kind"]
    search_fields = ["name", "city", "postcode"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_de", "name_en", "name_native", "rtl", "macrolanguage"]
    search_fields = ["code", "name_de", "name_en"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "center", "action", "object_type", "object_id"]
    list_filter = ["action", "center"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
