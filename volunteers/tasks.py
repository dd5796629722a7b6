"""Background work of the volunteer registry (django-q2 tasks, enqueued by dotted path).

Tasks stay thin: they call one service and return a small, JSON-friendly result that
django-q2 stores with the task.
"""

from __future__ import annotations

from dataclasses import asdict

from volunteers import services


def retention_apply() -> dict[str, int]:
    """Anonymise volunteers whose retention period is over; the counts per rule.

    Scheduled daily by ``manage.py setup_periodic_tasks`` (name ``retention-apply``).
    """
    return asdict(services.volunteer_retention_apply())
