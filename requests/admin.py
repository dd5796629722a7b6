"""Admin of the request flow, for installation admins: read-only (requests, offers and
assignments name interpreters and clients' pseudonyms); opening a record is audited.

Every status change goes through ``requests.services`` and its workflows.
"""

from django.contrib import admin

from core.admin_site import PersonalDataAdmin
from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion


@admin.register(InterpreterRequest)
class InterpreterRequestAdmin(PersonalDataAdmin):
    list_display = ["id", "center", "department", "language", "start", "mode", "status"]
    list_filter = ["center", "status", "mode", "priority"]
    search_fields = ["client_ref"]


@admin.register(Offer)
class OfferAdmin(PersonalDataAdmin):
    owner_user = "interpreter.volunteer.user"
    list_display = ["id", "request", "interpreter", "status", "expires_at"]
    list_filter = ["status"]


@admin.register(Assignment)
class AssignmentAdmin(PersonalDataAdmin):
    owner_user = "interpreter.volunteer.user"
    list_display = ["id", "request", "interpreter", "start", "end", "status"]
    list_filter = ["status"]


@admin.register(RequestExclusion)
class RequestExclusionAdmin(PersonalDataAdmin):
    list_display = ["request", "interpreter", "reason"]
    list_filter = ["reason"]
