"""Background work of the matching app (django-q2 tasks, enqueued by dotted path)."""

from __future__ import annotations

from core.models import Center
from matching import services


def run_center(center_id: int, trigger: str = "scheduled") -> int | None:
    """Run the engine for one center (urgent requests, re-offers); the run's id."""
    center = Center.objects.filter(pk=center_id).first()
    if center is None:
        return None
    return services.run_for_center(center=center, trigger=trigger).pk


def run_scheduled() -> list[int]:
    """Run every center whose matching interval has passed (scheduled every 5 minutes)."""
    return [run.pk for run in services.runs_scheduled()]
