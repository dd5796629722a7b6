"""Personal data of the interpreter pool (see :mod:`core.personal_data`): the interpreter
profile, and its section of a person's export."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalData, iso

PERSONAL_DATA: dict[str, PersonalData] = {
    "sprachpool.interpreterprofile": PersonalData(
        exported=(
            "volunteer",
            "kind",
            "qualification",
            "modes",
            "max_travel_km",
            "gender",
            "excluded_clients",
            "declined_topics",
            "allowance_tier",
            "is_active",
            "calendar_token",
            "created_at",
        ),
        erased=("gender", "excluded_clients", "declined_topics", "calendar_token", "is_active"),
        kept=("volunteer", "kind", "qualification", "modes", "max_travel_km", "allowance_tier"),
        note=(
            "Interpreter profile. The export says whether a calendar feed exists, never its "
            "secret; anonymisation switches the feed off and erases the personal settings."
        ),
    ),
}


#: The names of this module's export sections, in words.
EXPORT_LABELS = {"interpreter_profile": _("Interpreter profile")}


def export_person(volunteer: Any) -> dict[str, Any]:
    """The interpreter profile (``None`` for a volunteer who is no interpreter)."""
    from sprachpool.models import InterpreterProfile

    profile = InterpreterProfile.objects.filter(volunteer=volunteer).first()
    if profile is None:
        return {"interpreter_profile": None}
    return {
        "interpreter_profile": {
            "kind": profile.kind,
            "qualification": profile.qualification,
            "modes": list(profile.modes or []),
            "max_travel_km": profile.max_travel_km,
            "gender": profile.gender,
            "excluded_clients": list(profile.excluded_clients or []),
            "declined_topics": list(profile.declined_topics or []),
            "allowance_tier": profile.allowance_tier,
            "active_in_pool": profile.is_active,
            "calendar_feed": bool(profile.calendar_token),
            "created_at": iso(profile.created_at),
        }
    }
