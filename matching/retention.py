"""The retention clean-up of the matching runs (DSGVO Art. 5(1)(e)).

A run stores its whole instance (the interpreters with home coordinates, languages and
times, the requests with their places) and its explained result (who was chosen, the
runner-up, the reasons), so a decision can be replayed. Once the center's retention
period (:attr:`core.models.Center.retention_months`) is over, :func:`runs_redact` empties
``instance`` and ``result`` (the explanations are computed from ``result``:
:func:`matching.services.run_explanations`, nothing else stores them) and sets
``redacted_at``. Kept: the figures (``stats``), trigger, status, times and the error.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.models import AuditEvent, Center
from core.services import audit_log
from matching.models import MatchingRun
from requests.retention import retention_cutoff

logger = logging.getLogger(__name__)

#: Runs emptied per transaction.
BATCH_SIZE = 100


def runs_due(*, center: Center, before: dt.datetime) -> QuerySet[MatchingRun]:
    """Runs of ``center`` started before ``before`` whose instance is still stored."""
    return MatchingRun.objects.filter(
        center=center, started_at__lt=before, redacted_at__isnull=True
    ).exclude(status=MatchingRun.Status.RUNNING)


def _redact_batch(*, due: QuerySet[MatchingRun], pks: list[int], now: dt.datetime) -> int:
    """Empty the runs ``pks`` still due, in one transaction, one audit entry each."""
    done = 0
    with transaction.atomic():
        for run in due.select_for_update().filter(pk__in=pks).order_by("pk"):
            run.instance, run.result, run.redacted_at = {}, {}, now
            run.full_clean()
            run.save(update_fields=["instance", "result", "redacted_at"])
            audit_log(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                obj=run,
                detail={"fields": ["instance", "result"], "redacted": True, "reason": "retention"},
            )
            done += 1
    return done


def runs_redact(*, now: dt.datetime | None = None) -> int:
    """Empty the stored instance and result of every run older than its center's
    retention period, as the system (actor ``None``).

    Idempotent: emptied runs carry ``redacted_at`` and are skipped. Each batch of
    :data:`BATCH_SIZE` runs is its own transaction. A run still running is left alone.

    :param now: the reference time (tests move the clock with it); defaults to now.
    :return: how many runs were emptied.
    """
    now = now or timezone.now()
    count = 0
    for center in Center.objects.order_by("pk"):
        due = runs_due(center=center, before=retention_cutoff(center, now=now))
        pks = list(due.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH_SIZE):
            count += _redact_batch(due=due, pks=pks[start : start + BATCH_SIZE], now=now)
    if count:
        logger.info("Matching retention: %d runs emptied.", count)
    return count
