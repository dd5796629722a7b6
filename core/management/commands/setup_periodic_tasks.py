"""``manage.py setup_periodic_tasks``: create or update the django-q2 schedules (idempotent).

Every periodic job of the installation is one line of :data:`PERIODIC_TASKS`. Rows are
matched by ``name``: a missing one is created, a changed one updated, duplicates (e.g.
made by hand in the admin) are removed, so running the command again changes nothing.
``make run`` calls it after ``migrate``; ``manage.py qcluster`` then runs the jobs.

Tasks are named by dotted path only: ``core`` imports no app above it, and the worker
imports the function when it runs it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule


@dataclass(frozen=True)
class PeriodicTask:
    """One django-q2 schedule, identified by its unique ``name``."""

    name: str
    #: Dotted path of the task function, e.g. ``"volunteers.tasks.retention_apply"``.
    func: str
    #: A ``Schedule`` type: ``Schedule.DAILY``, ``Schedule.HOURLY``, ``Schedule.MINUTES``, …
    schedule_type: str
    #: Local (Europe/Berlin) wall-clock time of the runs, for daily and longer schedules;
    #: django-q2 keeps it across the DST changes. ``None``: the first run is due at once.
    at: dt.time | None = None
    #: The interval of a ``Schedule.MINUTES`` schedule.
    minutes: int | None = None


#: The periodic jobs, one line each.
PERIODIC_TASKS: tuple[PeriodicTask, ...] = (
    PeriodicTask(
        "retention-apply", "volunteers.tasks.retention_apply", Schedule.DAILY, at=dt.time(3, 0)
    ),
    PeriodicTask("offers-expire", "requests.tasks.offers_expire", Schedule.MINUTES, minutes=5),
    # Runs each center whose own interval (``Center.matching_interval_minutes``) has passed.
    PeriodicTask("matching-scheduled", "matching.tasks.run_scheduled", Schedule.MINUTES, minutes=5),
    # Reminders before assignments (Center.reminder_hours, reminder_sms_hours) and the
    # Einsatznachweis reminder after them; once each (Notification keys).
    PeriodicTask("reminders", "requests.tasks.reminders", Schedule.MINUTES, minutes=5),
    # Requests still without an interpreter at Center.at_risk_hours / at_risk_urgent_hours.
    PeriodicTask(
        "requests-at-risk", "matching.tasks.requests_at_risk", Schedule.MINUTES, minutes=15
    ),
    # Held SMS (quiet hours) and failed sends whose next try is due (backoff).
    PeriodicTask("messages-retry", "requests.tasks.messages_retry", Schedule.MINUTES, minutes=5),
    # Retention (Center.retention_months): finished requests lose notes and client
    # references, old messages their text; matching runs their stored instance.
    PeriodicTask(
        "requests-retention", "requests.tasks.retention_apply", Schedule.DAILY, at=dt.time(3, 15)
    ),
    PeriodicTask(
        "matching-runs-retention",
        "matching.tasks.retention_apply",
        Schedule.DAILY,
        at=dt.time(3, 30),
    ),
)


def next_run_at(at: dt.time, *, now: dt.datetime | None = None) -> dt.datetime:
    """The next moment (after ``now``) the local wall clock shows ``at``."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, timezone=zone)
    day = local.date()
    candidate = dt.datetime.combine(day, at, tzinfo=zone)
    if candidate <= local:
        candidate = dt.datetime.combine(day + dt.timedelta(days=1), at, tzinfo=zone)
    return candidate


def _needs_new_next_run(schedule: Schedule, task: PeriodicTask) -> bool:
    """Whether the stored next run contradicts the declared time (new row, time changed)."""
    if schedule.pk is None or schedule.next_run is None:
        return True
    if task.at is None:
        return False
    local = timezone.localtime(schedule.next_run, timezone=timezone.get_default_timezone())
    return local.time().replace(second=0, microsecond=0) != task.at


@transaction.atomic
def periodic_task_sync(task: PeriodicTask) -> str:
    """Create or update the ``Schedule`` row of ``task``; ``"created"``, ``"updated"`` or
    ``"unchanged"``."""
    rows = list(Schedule.objects.select_for_update().filter(name=task.name).order_by("pk"))
    for duplicate in rows[1:]:
        duplicate.delete()
    schedule = rows[0] if rows else Schedule(name=task.name)
    wanted: dict[str, Any] = {
        "func": task.func,
        "schedule_type": task.schedule_type,
        "minutes": task.minutes,
        "cron": None,
        "repeats": -1,
        "hook": None,
        "args": None,
        "kwargs": None,
    }
    if _needs_new_next_run(schedule, task):
        wanted["next_run"] = next_run_at(task.at) if task.at is not None else timezone.now()
    changed = [name for name, value in wanted.items() if getattr(schedule, name) != value]
    if schedule.pk is not None and not changed and len(rows) == 1:
        return "unchanged"
    outcome = "created" if schedule.pk is None else "updated"
    for name, value in wanted.items():
        setattr(schedule, name, value)
    schedule.full_clean()
    schedule.save()
    return outcome


class Command(BaseCommand):
    help = "Create or update the periodic django-q2 schedules (idempotent, matched by name)."

    def handle(self, *args: Any, **options: Any) -> None:
        for task in PERIODIC_TASKS:
            outcome = periodic_task_sync(task)
            self.stdout.write(f"{task.name}: {outcome} ({task.func})")
        self.stdout.write(self.style.SUCCESS("Periodic tasks are in place; qcluster runs them."))
