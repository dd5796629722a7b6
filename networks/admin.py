"""Admin for installation administrators; coordinators and leads use the app's own pages."""

from django.contrib import admin

from networks.models import CheckIn, Household, Network, NetworkLead, NetworkMember, Sponsorship


class NetworkLeadInline(admin.TabularInline):
    model = NetworkLead
    extra = 0
    raw_id_fields = ["user"]


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 0
    raw_id_fields = ["volunteer"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "town", "district", "is_active"]
    list_filter = ["center", "is_active"]
    search_fields = ["name", "district"]
    inlines = [NetworkLeadInline, NetworkMemberInline]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["reference", "center", "network", "size", "waiting_since", "is_active"]
    list_filter = ["center", "network", "is_active"]
    search_fields = ["reference"]
    filter_horizontal = ["languages"]


class CheckInInline(admin.TabularInline):
    model = CheckIn
    extra = 0
    raw_id_fields = ["created_by"]


@admin.register(Sponsorship)
class SponsorshipAdmin(admin.ModelAdmin):
    list_display = ["household", "pate", "network", "status", "started_on", "ended_on"]
    list_filter = ["network__center", "network", "status"]
    search_fields = ["household__reference", "pate__last_name"]
    raw_id_fields = ["pate", "household"]
    inlines = [CheckInInline]
