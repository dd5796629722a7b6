"""Admin of matching runs, for installation admins: read-only (a run's instance names the
interpreters it considered); opening a run is audited. Runs start from the app's pages or
the API (``matching.services``).
"""

from django.contrib import admin

from core.admin_site import PersonalDataAdmin
from matching.models import MatchingRun


@admin.register(MatchingRun)
class MatchingRunAdmin(PersonalDataAdmin):
    list_display = ["id", "center", "trigger", "status", "started_at", "finished_at"]
    list_filter = ["center", "trigger", "status"]
