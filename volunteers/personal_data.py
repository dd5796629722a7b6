"""Personal data of the volunteer registry (see :mod:`core.personal_data`).

The registry's own part of a person's export is :func:`volunteers.selectors.volunteer_data`;
the other apps add their sections through their ``export_person``.
"""

from __future__ import annotations

from core.personal_data import ACTOR, PersonalData

PERSONAL_DATA: dict[str, PersonalData] = {
    "volunteers.volunteer": PersonalData(
        exported=(
            "user",
            "first_name",
            "last_name",
            "email",
            "phone",
            "home_place",
            "postcode",
            "home_lat",
            "home_lon",
            "interests",
            "status",
            "email_confirmed_at",
            "approved_at",
            "status_changed_at",
            "left_at",
            "notes",
            "created_at",
        ),
        erased=(
            "user",
            "first_name",
            "last_name",
            "email",
            "phone",
            "postcode",
            "home_lat",
            "home_lon",
            "notes",
        ),
        kept=(
            "home_place",
            "interests",
            "sponsorship_capacity",
            "language",
            "notify_by",
            "quiet_from",
            "quiet_until",
            "approved_by",
        ),
        note=(
            "Volunteer master data. Anonymisation keeps town, languages, interests and the "
            "workflow dates for statistics; approved_by: " + ACTOR
        ),
    ),
    "volunteers.languageskill": PersonalData(
        exported=("volunteer", "language", "level"),
        kept=("volunteer", "language", "level"),
        note="Languages with levels: kept on the anonymous record for coverage statistics.",
    ),
    "volunteers.weeklyslot": PersonalData(
        exported=("volunteer", "weekday", "start_time", "end_time"),
        erased=("volunteer",),
        note="Weekly times: deleted on anonymisation.",
    ),
    "volunteers.absence": PersonalData(
        exported=("volunteer", "start_date", "end_date", "reason"),
        erased=("volunteer", "reason"),
        note="Absences: deleted on anonymisation.",
    ),
    "volunteers.consent": PersonalData(
        exported=("volunteer", "kind", "version", "given_at", "withdrawn_at"),
        erased=("volunteer",),
        kept=("volunteer",),
        note=(
            "Consents: those in force are deleted on anonymisation, withdrawn ones kept as "
            "proof (no personal data on an anonymous record)."
        ),
    ),
    "volunteers.policecertificate": PersonalData(
        exported=("volunteer", "kind", "issued_on", "seen_on", "seen_by", "listed_offence"),
        erased=("volunteer", "listed_offence"),
        kept=("seen_by",),
        note="Police certificate as facts only (never a copy): deleted on anonymisation.",
    ),
    "volunteers.pledgesignature": PersonalData(
        exported=("volunteer", "version", "signed_on"),
        erased=("volunteer",),
        kept=("recorded_by",),
        note="Confidentiality pledge: deleted on anonymisation; recorded_by: " + ACTOR,
    ),
    "volunteers.training": PersonalData(
        exported=("volunteer", "kind", "title", "lessons", "attended_on"),
        erased=("volunteer", "title"),
        note="Trainings: deleted on anonymisation.",
    ),
}
