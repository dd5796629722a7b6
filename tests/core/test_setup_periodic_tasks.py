"""``manage.py setup_periodic_tasks``: one django-q2 schedule per name, created or updated,
idempotent, first run at the declared Europe/Berlin wall-clock time."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from core.management.commands.setup_periodic_tasks import PERIODIC_TASKS, next_run_at

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*parts: int) -> dt.datetime:
    """A Europe/Berlin wall-clock time."""
    return dt.datetime(*parts, tzinfo=BERLIN)


def run_command() -> str:
    out = StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_the_retention_schedule_daily_at_three_in_berlin():
    run_command()
    schedule = Schedule.objects.get(name="retention-apply")
    local = timezone.localtime(schedule.next_run, timezone=BERLIN)
    assert schedule.func == "volunteers.tasks.retention_apply"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1
    assert (local.hour, local.minute) == (3, 0)
    assert timezone.now() < schedule.next_run <= timezone.now() + dt.timedelta(days=1)


@pytest.mark.django_db
def test_creates_exactly_one_schedule_per_name():
    run_command()
    names = list(Schedule.objects.values_list("name", flat=True))
    assert sorted(names) == sorted(task.name for task in PERIODIC_TASKS)


@pytest.mark.django_db
def test_running_twice_keeps_one_row_and_changes_nothing():
    run_command()
    before = list(Schedule.objects.values("pk", "func", "schedule_type", "next_run"))
    output = run_command()
    after = list(Schedule.objects.values("pk", "func", "schedule_type", "next_run"))
    assert after == before
    assert Schedule.objects.filter(name="retention-apply").count() == 1
    assert "retention-apply: unchanged" in output


@pytest.mark.django_db
def test_updates_a_changed_row_in_place():
    stale = Schedule.objects.create(
        name="retention-apply",
        func="volunteers.tasks.old_name",
        schedule_type=Schedule.HOURLY,
        next_run=berlin(2026, 1, 1, 17, 45),
    )
    output = run_command()
    schedule = Schedule.objects.get(name="retention-apply")
    assert schedule.pk == stale.pk
    assert schedule.func == "volunteers.tasks.retention_apply"
    assert schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run, timezone=BERLIN).hour == 3
    assert "retention-apply: updated" in output


@pytest.mark.django_db
def test_a_run_that_is_due_keeps_its_time():
    """The cluster was down: the missed 03:00 run stays due and runs when it starts."""
    missed = next_run_at(dt.time(3, 0)) - dt.timedelta(days=1)
    Schedule.objects.create(
        name="retention-apply",
        func="volunteers.tasks.retention_apply",
        schedule_type=Schedule.DAILY,
        next_run=missed,
    )
    run_command()
    assert Schedule.objects.get(name="retention-apply").next_run == missed


@pytest.mark.django_db
def test_duplicate_rows_of_a_name_are_reduced_to_one():
    for _ in range(2):
        Schedule.objects.create(name="retention-apply", func="volunteers.tasks.retention_apply")
    run_command()
    assert Schedule.objects.filter(name="retention-apply").count() == 1


@pytest.mark.unit
@pytest.mark.parametrize("task", PERIODIC_TASKS, ids=lambda task: task.name)
def test_every_scheduled_function_exists(task):
    assert callable(import_string(task.func))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (berlin(2026, 6, 15, 2, 59), berlin(2026, 6, 15, 3, 0)),
        (berlin(2026, 6, 15, 3, 0), berlin(2026, 6, 16, 3, 0)),
        (berlin(2026, 12, 31, 22, 0), berlin(2027, 1, 1, 3, 0)),
    ],
    ids=["later-today", "at-three-means-tomorrow", "across-new-year"],
)
def test_next_run_at_is_the_next_local_occurrence(now, expected):
    got = next_run_at(dt.time(3, 0), now=now)
    assert got == expected


@pytest.mark.unit
def test_next_run_at_uses_summer_time_after_the_dst_change():
    got = next_run_at(dt.time(3, 0), now=berlin(2026, 3, 28, 10, 0))
    assert got.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)


@pytest.mark.unit
def test_the_message_jobs_are_declared():
    jobs = {task.name: (task.func, task.minutes) for task in PERIODIC_TASKS}
    assert jobs["reminders"] == ("requests.tasks.reminders", 5)
    assert jobs["requests-at-risk"] == ("matching.tasks.requests_at_risk", 15)
    assert jobs["messages-retry"] == ("requests.tasks.messages_retry", 5)
