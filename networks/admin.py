"""Admin for installation administrators; coordinators and leads use the app's own pages.

Networks name their leads and members, households and sponsorships concern people: all
read-only here, and opening a record is audited.
"""

from django.contrib import admin

from core.admin_site import PersonalDataAdmin, ReadOnlyInline
from networks.models import CheckIn, Household, Network, NetworkLead, NetworkMember, Sponsorship


class NetworkLeadInline(ReadOnlyInline):
    model = NetworkLead


class NetworkMemberInline(ReadOnlyInline):
    model = NetworkMember


@admin.register(Network)
class NetworkAdmin(PersonalDataAdmin):
    list_display = ["name", "center", "town", "district", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["name", "district"]
    inlines = [NetworkLeadInline, NetworkMemberInline]


@admin.register(Household)
class HouseholdAdmin(PersonalDataAdmin):
    list_display = ["reference", "center", "network", "size", "waiting_since", "is_active"]
    list_filter = ["center", "network", "is_active"]
    search_fields = ["reference"]


class CheckInInline(ReadOnlyInline):
    model = CheckIn


@admin.register(Sponsorship)
class SponsorshipAdmin(PersonalDataAdmin):
    owner_user = "pate.user"
    list_display = ["household", "pate", "network", "status", "started_on", "ended_on"]
    list_filter = ["network__center", "network", "status"]
    search_fields = ["household__reference", "pate__last_name"]
    inlines = [CheckInInline]
