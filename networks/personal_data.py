"""Personal data of the sponsorship networks (see :mod:`core.personal_data`), and their
section of a person's export: memberships, networks led, sponsorships as Pate with their
check-ins, rejected proposals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.personal_data import ACTOR, PersonalData, iso

PERSONAL_DATA: dict[str, PersonalData] = {
    "networks.network": PersonalData(
        kept=("name", "district", "description"),
        note="A network's name and description; no private person.",
    ),
    "networks.networklead": PersonalData(
        exported=("network", "user", "added_at"),
        kept=("user",),
        note="Network leads (logins of the lead).",
    ),
    "networks.networkmember": PersonalData(
        exported=("network", "volunteer", "joined_on", "active"),
        erased=("active",),
        kept=("volunteer",),
        note="Memberships: made inactive on anonymisation, kept for the network's history.",
    ),
    "networks.household": PersonalData(
        kept=("reference", "size", "needs", "children", "town"),
        note=(
            "Households are pseudonymous (a reference, never a name); their data subjects "
            "are not volunteers, so no volunteer's export contains them."
        ),
    ),
    "networks.sponsorship": PersonalData(
        exported=(
            "network",
            "pate",
            "household",
            "status",
            "intro_talk_on",
            "first_meeting_on",
            "started_on",
            "ended_on",
            "end_reason",
            "end_note",
        ),
        erased=("end_note",),
        kept=("pate", "household"),
        note="Sponsorships: open ones end on the Pate's anonymisation; notes are erased.",
    ),
    "networks.checkin": PersonalData(
        exported=("sponsorship", "date", "note", "follow_up_needed"),
        erased=("note",),
        kept=("created_by",),
        note="Check-ins of a sponsorship: notes erased on the Pate's anonymisation. " + ACTOR,
    ),
    "networks.proposalrejection": PersonalData(
        exported=("network", "pate", "household", "reason", "rejected_at"),
        erased=("reason",),
        kept=("pate", "rejected_by"),
        note="A Pate proposal a coordinator rejected. " + ACTOR,
    ),
}


#: The names of this module's export sections, in words.
EXPORT_LABELS = {
    "network_memberships": _("Network memberships"),
    "networks_led": _("Networks you lead"),
    "sponsorships": _("Sponsorships"),
    "check_ins": _("Check-ins"),
    "rejected_proposals": _("Proposals not taken up"),
}


def export_person(volunteer: Any) -> dict[str, Any]:
    """Network memberships, networks led, sponsorships as Pate with check-ins, rejections."""
    from networks.models import CheckIn, NetworkLead, NetworkMember, ProposalRejection, Sponsorship

    members = NetworkMember.objects.filter(volunteer=volunteer).select_related("network")
    leads = (
        NetworkLead.objects.filter(user_id=volunteer.user_id).select_related("network")
        if volunteer.user_id
        else NetworkLead.objects.none()
    )
    sponsorships = (
        Sponsorship.objects.filter(pate=volunteer)
        .select_related("network", "household")
        .order_by("pk")
    )
    checkins = CheckIn.objects.filter(sponsorship__pate=volunteer).order_by("date", "pk")
    rejections = ProposalRejection.objects.filter(pate=volunteer).select_related("network")
    return {
        "network_memberships": [
            {"network": m.network.name, "joined_on": iso(m.joined_on), "active": m.active}
            for m in members.order_by("pk")
        ],
        "networks_led": [
            {"network": lead.network.name, "since": iso(lead.added_at)}
            for lead in leads.order_by("pk")
        ],
        "sponsorships": [
            {
                "id": s.pk,
                "network": s.network.name,
                "household": s.household.reference,
                "status": s.status,
                "intro_talk_on": iso(s.intro_talk_on),
                "first_meeting_on": iso(s.first_meeting_on),
                "started_on": iso(s.started_on),
                "ended_on": iso(s.ended_on),
                "end_reason": s.end_reason,
                "end_note": s.end_note,
            }
            for s in sponsorships
        ],
        "check_ins": [
            {
                "sponsorship": c.sponsorship_id,
                "date": iso(c.date),
                "note": c.note,
                "follow_up_needed": c.follow_up_needed,
            }
            for c in checkins
        ],
        "rejected_proposals": [
            {
                "network": r.network.name,
                "household": r.household_id,
                "reason": r.reason,
                "rejected_at": iso(r.rejected_at),
            }
            for r in rejections.order_by("pk")
        ],
    }
