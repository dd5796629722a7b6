"""Personal data of the request flow (see :mod:`core.personal_data`), and the interpreter's
section of a person's export: offers, assignments, Einsatznachweis entries of both sides,
exclusions and allowance entries.

Requests themselves are about a client known only by a pseudonym (``client_ref``); they are
exported to an interpreter only as far as an offer or assignment shows them (language,
time, place), never the notes or the client reference.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.personal_data import ACTOR, PersonalData, iso

#: Fields blanked by the retention job (``requests-retention``, :mod:`requests.retention`).
RETENTION = "Blanked after the center's retention period by requests-retention."

PERSONAL_DATA: dict[str, PersonalData] = {
    "requests.interpreterrequest": PersonalData(
        exported=("language", "start", "end", "mode", "place_name", "street", "postcode", "city"),
        erased=(
            "client_ref",
            "notes",
            "urgency_reason",
            "cancel_reason",
            "street",
            "lat",
            "lon",
        ),
        kept=(
            "created_by",
            "cancelled_by",
            "place",
            "place_name",
            "postcode",
            "city",
            "gender_preference",
            "minors_involved",
        ),
        note=("A department's request with a client pseudonym. " + RETENTION + " " + ACTOR),
    ),
    "requests.offer": PersonalData(
        exported=(
            "request",
            "interpreter",
            "status",
            "created_at",
            "expires_at",
            "responded_at",
            "decline_reason",
        ),
        erased=("decline_reason",),
        kept=("interpreter", "created_by"),
        note=(
            "Offers to an interpreter: pending ones are withdrawn on anonymisation, the "
            "decline reason erased (and blanked by requests-retention). " + ACTOR
        ),
    ),
    "requests.assignment": PersonalData(
        exported=(
            "request",
            "interpreter",
            "start",
            "end",
            "status",
            "cancelled_at",
            "cancel_reason",
            "took_place",
            "actual_start",
            "actual_end",
            "travel_km",
            "completed_at",
        ),
        erased=("cancel_reason",),
        kept=("interpreter", "cancelled_by", "travel_km"),
        note=(
            "Assignments: upcoming ones are cancelled on anonymisation (the department is "
            "told); past ones stay, they back the allowance. " + RETENTION
        ),
    ),
    "requests.requestexclusion": PersonalData(
        exported=("request", "interpreter", "reason", "created_at"),
        kept=("interpreter", "created_by"),
        note="Interpreters not offered a request again (a reason code, no free text).",
    ),
    "requests.confirmation": PersonalData(
        exported=(
            "assignment",
            "side",
            "took_place",
            "actual_start",
            "actual_end",
            "travel_km",
            "reason",
            "note",
            "created_at",
        ),
        erased=("note",),
        kept=("created_by", "travel_km", "reason"),
        note=(
            "Einsatznachweis of both sides: facts kept for the payment record; the "
            "interpreter's notes erased on anonymisation. " + RETENTION
        ),
    ),
    "requests.allowanceentry": PersonalData(
        exported=(
            "interpreter",
            "assignment",
            "kind",
            "basis",
            "rule",
            "minutes",
            "started_hours",
            "travel_km",
            "amount",
            "month",
            "note",
            "created_at",
        ),
        kept=("interpreter", "client_ref", "note", "created_by", "travel_km"),
        note=(
            "Allowance (payment record, legal retention of accounting records): kept "
            "unchanged on anonymisation and retention, linked to the anonymous profile; "
            "client_ref (a pseudonym) is kept because the per-client cap counts by it."
        ),
    ),
    "requests.clientcapexception": PersonalData(
        kept=("client_ref", "reason", "approved_by"),
        note="A coordinator's exception from the client cap (pseudonym). " + ACTOR,
    ),
    "requests.billingmonth": PersonalData(kept=("closed_by",), note=ACTOR),
}


#: The names of this module's export sections, in words.
EXPORT_LABELS = {
    "offers": _("Offers"),
    "assignments": _("Assignments"),
    "einsatznachweise": _("Einsatznachweise"),
    "request_exclusions": _("Requests you are not offered again"),
    "allowance_entries": _("Allowance entries"),
}


def export_person(volunteer: Any) -> dict[str, Any]:
    """The interpreter's offers, assignments, Einsatznachweise, exclusions and allowances."""
    from requests.models import AllowanceEntry, Assignment, Confirmation, Offer, RequestExclusion

    own = {"interpreter__volunteer": volunteer}
    offers = Offer.objects.filter(**own).select_related("request").order_by("created_at", "pk")
    assignments = Assignment.objects.filter(**own).order_by("start", "pk")
    confirmations = Confirmation.objects.filter(assignment__interpreter__volunteer=volunteer)
    exclusions = RequestExclusion.objects.filter(**own).order_by("created_at", "pk")
    allowances = AllowanceEntry.objects.filter(**own).order_by("month", "created_at", "pk")
    return {
        "offers": [
            {
                "id": o.pk,
                "request": o.request_id,
                "language": o.request.language_id,
                "start": iso(o.request.start),
                "end": iso(o.request.end),
                "status": o.status,
                "made_at": iso(o.created_at),
                "expires_at": iso(o.expires_at),
                "answered_at": iso(o.responded_at),
                "decline_reason": o.decline_reason,
            }
            for o in offers
        ],
        "assignments": [
            {
                "id": a.pk,
                "request": a.request_id,
                "start": iso(a.start),
                "end": iso(a.end),
                "status": a.status,
                "cancelled_at": iso(a.cancelled_at),
                "cancel_reason": a.cancel_reason,
                "took_place": a.took_place,
                "actual_start": iso(a.actual_start),
                "actual_end": iso(a.actual_end),
                "travel_km": None if a.travel_km is None else str(a.travel_km),
                "completed_at": iso(a.completed_at),
            }
            for a in assignments
        ],
        "einsatznachweise": [
            {
                "assignment": c.assignment_id,
                "side": c.side,
                "took_place": c.took_place,
                "actual_start": iso(c.actual_start),
                "actual_end": iso(c.actual_end),
                "travel_km": None if c.travel_km is None else str(c.travel_km),
                "reason": c.reason,
                "note": c.note,
                "entered_at": iso(c.created_at),
            }
            for c in confirmations.order_by("created_at", "pk")
        ],
        "request_exclusions": [
            {"request": e.request_id, "reason": e.reason, "at": iso(e.created_at)}
            for e in exclusions
        ],
        "allowance_entries": [
            {
                "assignment": e.assignment_id,
                "kind": e.kind,
                "basis": e.basis,
                "rule": e.rule,
                "minutes": e.minutes,
                "started_hours": e.started_hours,
                "travel_km": None if e.travel_km is None else str(e.travel_km),
                "amount": str(e.amount),
                "month": iso(e.month),
                "note": e.note,
                "booked_at": iso(e.created_at),
            }
            for e in allowances
        ],
    }
