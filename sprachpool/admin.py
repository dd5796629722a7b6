"""Admin for installation administrators; coordinators use the pool pages."""

from django.contrib import admin

from sprachpool.models import InterpreterProfile


@admin.register(InterpreterProfile)
class InterpreterProfileAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "kind", "qualification", "max_travel_km", "is_active"]
    list_filter = ["volunteer__center", "is_active", "kind", "qualification"]
    search_fields = ["volunteer__first_name", "volunteer__last_name"]
    raw_id_fields = ["volunteer"]
    readonly_fields = ["created_at", "updated_at"]
