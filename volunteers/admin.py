"""Admin of the volunteer registry, for installation admins (coordinators use the app's pages)."""

from django.contrib import admin

from volunteers.models import (
    Absence,
    Consent,
    LanguageSkill,
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
    WeeklySlot,
)


class LanguageSkillInline(admin.TabularInline):
    model = LanguageSkill
    extra = 0


class WeeklySlotInline(admin.TabularInline):
    model = WeeklySlot
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["kind", "version", "given_at"]


class PoliceCertificateInline(admin.TabularInline):
    model = PoliceCertificate
    extra = 0
    raw_id_fields = ["seen_by"]


class PledgeSignatureInline(admin.TabularInline):
    model = PledgeSignature
    extra = 0
    raw_id_fields = ["recorded_by"]


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "center", "status", "home_place"]
    list_filter = ["center", "status"]
    search_fields = ["first_name", "last_name", "email", "phone"]
    raw_id_fields = ["user", "approved_by", "home_place"]
    #: The address and its confirmation change only through the services (a new address
    #: must be confirmed again by link: volunteers.services.volunteer_update).
    readonly_fields = ["email", "email_confirmed_at", "confirmed_via", "created_at", "updated_at"]
    inlines = [
        LanguageSkillInline,
        WeeklySlotInline,
        AbsenceInline,
        ConsentInline,
        PoliceCertificateInline,
        PledgeSignatureInline,
        TrainingInline,
    ]
