"""Personal data of the matching runs (see :mod:`core.personal_data`)."""

from __future__ import annotations

from core.personal_data import ACTOR, PersonalData

PERSONAL_DATA: dict[str, PersonalData] = {
    "matching.matchingrun": PersonalData(
        erased=("instance", "result"),
        kept=("requested_by", "stats", "error"),
        note=(
            "A run stores its instance (interpreters' languages, times, home coordinates) and "
            "explained result; both are emptied after the center's retention period by "
            "matching-runs-retention. stats are figures only. " + ACTOR
        ),
    ),
}
