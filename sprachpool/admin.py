"""Admin for installation administrators; coordinators use the pool pages.

An interpreter's profile is personal data: read-only, and opening one is audited.
"""

from django.contrib import admin

from core.admin_site import PersonalDataAdmin
from sprachpool.models import InterpreterProfile


@admin.register(InterpreterProfile)
class InterpreterProfileAdmin(PersonalDataAdmin):
    owner_user = "volunteer.user"
    list_display = ["volunteer", "kind", "qualification", "max_travel_km", "is_active"]
    list_filter = ["volunteer__center", "is_active", "kind", "qualification"]
    search_fields = ["volunteer__first_name", "volunteer__last_name"]
