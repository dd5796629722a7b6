"""Retention of matching runs: the stored instance and result are emptied after the
center's retention period, the figures stay; idempotent; audited as the system."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_q.tasks import async_task, result

from core.models import AuditEvent
from matching.models import MatchingRun
from matching.retention import runs_redact

STARTED = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
INSTANCE = {"interpreters": [{"id": "i1", "home": [50.1, 8.6]}], "requests": [{"id": "r1"}]}
RESULT = {"assignments": [{"request": "r1", "interpreter": "i1"}], "unfilled": []}
STATS = {"requests": 1, "filled": 1, "unfilled": 0}


def make_run(center, *, started_at=STARTED, status=MatchingRun.Status.FINISHED) -> MatchingRun:
    return MatchingRun.objects.create(
        center=center,
        trigger=MatchingRun.Trigger.SCHEDULED,
        status=status,
        started_at=started_at,
        instance=INSTANCE,
        result=RESULT,
        stats=STATS,
    )


@pytest.mark.django_db
def test_an_old_run_loses_instance_and_result_and_keeps_its_figures(tenant):
    run = make_run(tenant.center)
    now = STARTED + dt.timedelta(days=31 * 25)
    assert runs_redact(now=now) == 1
    run.refresh_from_db()
    assert (run.instance, run.result, run.stats) == ({}, {}, STATS)
    assert run.redacted_at == now


@pytest.mark.django_db
def test_a_run_inside_the_period_stays(tenant):
    run = make_run(tenant.center)
    assert runs_redact(now=STARTED + dt.timedelta(days=31 * 23)) == 0
    run.refresh_from_db()
    assert (run.instance, run.result, run.redacted_at) == (INSTANCE, RESULT, None)


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_is_audited_once(tenant):
    run = make_run(tenant.center)
    now = STARTED + dt.timedelta(days=31 * 25)
    runs_redact(now=now)
    assert runs_redact(now=now + dt.timedelta(days=1)) == 0
    run.refresh_from_db()
    assert run.redacted_at == now
    events = AuditEvent.objects.filter(object_type="matching.matchingrun", object_id=run.pk)
    assert [(e.actor_id, e.action) for e in events] == [(None, AuditEvent.Action.UPDATE)]


@pytest.mark.django_db
def test_the_task_empties_old_runs(tenant):
    run = make_run(tenant.center, started_at=timezone.now() - dt.timedelta(days=800))
    assert result(async_task("matching.tasks.retention_apply")) == 1
    run.refresh_from_db()
    assert run.instance == {}
