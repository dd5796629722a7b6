"""Background work of the volunteer registry (django-q2 tasks, enqueued by dotted path).

Tasks stay thin: they call one service and return a small, JSON-friendly result that
django-q2 stores with the task.
"""

from __future__ import annotations

from dataclasses import asdict

from volunteers import services
from volunteers.models import Volunteer


def retention_apply() -> dict[str, int]:
    """Anonymise volunteers whose retention period is over; the counts per rule.

    Scheduled daily by ``manage.py setup_periodic_tasks`` (name ``retention-apply``).
    """
    return asdict(services.volunteer_retention_apply())


def registration_waiting_notify(volunteer_id: int) -> int:
    """Tell the center's coordinators that a confirmed registration awaits approval.

    Enqueued by :func:`volunteers.services.volunteer_confirm_email` after it commits.
    :return: how many coordinators were written to (0 if the record is gone or moved on).
    """
    volunteer = Volunteer.objects.select_related("center").filter(pk=volunteer_id).first()
    if volunteer is None:
        return 0
    return services.registration_waiting_notify(volunteer=volunteer)


def status_changed_notify(volunteer_id: int, action: str) -> bool:
    """Tell the volunteer that they were approved or made active (see
    :func:`volunteers.services.volunteer_status_notify`); False if nothing was sent."""
    volunteer = Volunteer.objects.select_related("center").filter(pk=volunteer_id).first()
    if volunteer is None:
        return False
    return services.volunteer_status_notify(volunteer=volunteer, action=action)
