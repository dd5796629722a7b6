"""Admin of the volunteer registry, for installation admins (coordinators use the app's pages).

Everything here is personal data: read-only, and opening a record is audited. Changes go
through the app's pages, whose services hold the rules (a new address is confirmed by link,
German at B1 for interpreters, paperwork checks).
"""

from django.contrib import admin

from core.admin_site import PersonalDataAdmin, ReadOnlyInline
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


class LanguageSkillInline(ReadOnlyInline):
    model = LanguageSkill


class WeeklySlotInline(ReadOnlyInline):
    model = WeeklySlot


class AbsenceInline(ReadOnlyInline):
    model = Absence


class ConsentInline(ReadOnlyInline):
    model = Consent


class PoliceCertificateInline(ReadOnlyInline):
    model = PoliceCertificate


class PledgeSignatureInline(ReadOnlyInline):
    model = PledgeSignature


class TrainingInline(ReadOnlyInline):
    model = Training


@admin.register(Volunteer)
class VolunteerAdmin(PersonalDataAdmin):
    owner_user = "user"
    list_display = ["last_name", "first_name", "center", "status", "home_place"]
    list_filter = ["center", "status"]
    search_fields = ["first_name", "last_name", "email", "phone"]
    inlines = [
        LanguageSkillInline,
        WeeklySlotInline,
        AbsenceInline,
        ConsentInline,
        PoliceCertificateInline,
        PledgeSignatureInline,
        TrainingInline,
    ]
