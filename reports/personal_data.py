"""Personal data of the oversight reports (see :mod:`core.personal_data`)."""

from __future__ import annotations

from core.personal_data import ACTOR, PersonalData

PERSONAL_DATA: dict[str, PersonalData] = {
    "reports.replay": PersonalData(
        kept=("requested_by", "scenario", "result", "error"),
        note=(
            "A what-if replay of past matching runs: figures per period, no person's data "
            "(it re-solves stored instances, which retention empties). " + ACTOR
        ),
    ),
}
