"""The retention clean-up of the request flow (DSGVO Art. 5(1)(e)): once a center's
retention period (:attr:`core.models.Center.retention_months`) is over, a finished
request keeps only what the statistics and the payment records need.

:func:`requests_redact` blanks, per request, everything that may describe the client or the
case: the notes, the client reference, the reason for the urgency and for cancelling, a
hand-typed address (street and coordinates when the request names no place of the
center), the free texts of its offers (decline reasons), assignments (cancel reasons) and
Einsatznachweis entries (notes), and sets ``redacted_at``. Kept: status, times, language,
level, mode, topic, department, town (postcode and city), the place of the center, the
workflow dates, the exclusions and every :class:`~requests.models.AllowanceEntry`.

The allowance entries are kept unchanged *including their own copy of the client
reference*: they are the payment records (kept for the legal retention of accounting
records, longer than the request's), and the per-client cap of the flat rule counts
paid assignments by that copy (:func:`requests.allowances.paid_flat_count`), so blanking
it would pay a client's capped assignments again. The pseudonym alone (``K-1177``) names
nobody outside the department. Billing totals therefore do not change.

Messages (:class:`core.models.Notification`) of the center older than the period lose
their address, subject and text (event, object and times stay): they repeat the
appointment's details.

The matching runs' stored instances are emptied by ``matching.retention`` (``matching``
sits above this app and has its own task).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from core.models import AuditEvent, Center, Notification
from core.services import audit_log
from requests.models import Assignment, Confirmation, InterpreterRequest, Offer
from volunteers.services.retention import months_before

logger = logging.getLogger(__name__)

Status = InterpreterRequest.Status

#: Requests redacted per transaction.
BATCH_SIZE = 200

#: The request fields :func:`requests_redact` blanks (the audit entry names them).
REDACTED_REQUEST_FIELDS = ("notes", "client_ref", "urgency_reason", "cancel_reason")


@dataclass(frozen=True)
class RequestRetentionReport:
    """What one run of :func:`requests_redact` changed."""

    #: Requests whose notes and client reference were removed.
    requests: int = 0
    #: Messages whose address, subject and text were removed.
    notifications: int = 0
    #: Requests that failed validation and stayed as they were (logged by id, tried again
    #: on the next run).
    failed: int = 0


def retention_cutoff(center: Center, *, now: dt.datetime) -> dt.datetime:
    """The moment before which the center's finished requests are redacted."""
    return months_before(now, center.retention_months)


def requests_due(*, center: Center, before: dt.datetime) -> QuerySet[InterpreterRequest]:
    """Requests of ``center`` finished before ``before`` and not redacted yet.

    Finished means the appointment ended before ``before`` and, for a cancelled request,
    the cancellation was before it too (a request cancelled long before its appointment
    counts from its end).
    """
    return (
        InterpreterRequest.objects.filter(center=center, redacted_at__isnull=True)
        .alias(finished_since=Greatest("end", Coalesce("cancelled_at", "end")))
        .filter(finished_since__lt=before)
    )


def _redact_request(request: InterpreterRequest, *, now: dt.datetime) -> list[str]:
    """Blank the request's free texts and its flow's; the names of the fields changed."""
    changed = [name for name in REDACTED_REQUEST_FIELDS if getattr(request, name)]
    for name in REDACTED_REQUEST_FIELDS:
        setattr(request, name, "")
    if request.place_id is None:
        if request.street:
            changed.append("street")
        if request.lat is not None or request.lon is not None:
            changed += ["lat", "lon"]
        request.street = ""
        request.lat = request.lon = None
    request.redacted_at = now
    request.full_clean()
    request.save()
    if Offer.objects.filter(request=request).exclude(decline_reason="").update(decline_reason=""):
        changed.append("offers.decline_reason")
    if (
        Assignment.objects.filter(request=request)
        .exclude(cancel_reason="")
        .update(cancel_reason="")
    ):
        changed.append("assignments.cancel_reason")
    if Confirmation.objects.filter(assignment__request=request).exclude(note="").update(note=""):
        changed.append("confirmations.note")
    return changed


def _redact_batch(
    *, due: QuerySet[InterpreterRequest], pks: list[int], now: dt.datetime
) -> tuple[int, int]:
    """Redact the requests ``pks`` that are still due, in one transaction; the rule is
    checked again on the locked rows. A request that fails validation is rolled back
    alone (savepoint) and logged by id. :return: (redacted, failed)."""
    done = failed = 0
    with transaction.atomic():
        for request in due.select_for_update().filter(pk__in=pks).order_by("pk"):
            try:
                with transaction.atomic():
                    changed = _redact_request(request, now=now)
                    audit_log(
                        actor=None,
                        action=AuditEvent.Action.UPDATE,
                        obj=request,
                        detail={"fields": changed, "redacted": True, "reason": "retention"},
                    )
            except ValidationError:
                logger.exception("Request retention: request %s could not be redacted.", request.pk)
                failed += 1
                continue
            done += 1
    return done, failed


def _redact_notifications(*, center: Center, before: dt.datetime) -> int:
    """Blank address, subject and text of the center's messages created before ``before``."""
    with transaction.atomic():
        count = (
            Notification.objects.filter(center=center, created_at__lt=before)
            .exclude(Q(address="") & Q(subject="") & Q(body=""))
            .update(address="", subject="", body="")
        )
        if count:
            audit_log(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                center=center,
                object_type="core.notification",
                detail={
                    "fields": ["address", "subject", "body"],
                    "count": count,
                    "redacted": True,
                    "reason": "retention",
                },
            )
    return count


def requests_redact(*, now: dt.datetime | None = None) -> RequestRetentionReport:
    """Apply every center's retention period to its finished requests and messages.

    Idempotent: redacted requests carry ``redacted_at`` and are skipped, blanked messages
    match nothing, so a second run changes nothing (and writes no audit entry). Each
    batch of :data:`BATCH_SIZE` requests is its own transaction; each request gets an
    ``update`` audit entry by the system (actor ``None``) naming the blanked fields.

    :param now: the reference time (tests move the clock with it); defaults to now.
    :return: how many requests and messages were redacted (and failed).
    """
    now = now or timezone.now()
    requests = notifications = failed = 0
    for center in Center.objects.order_by("pk"):
        before = retention_cutoff(center, now=now)
        due = requests_due(center=center, before=before)
        pks = list(due.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH_SIZE):
            done, bad = _redact_batch(due=due, pks=pks[start : start + BATCH_SIZE], now=now)
            requests, failed = requests + done, failed + bad
        notifications += _redact_notifications(center=center, before=before)
    report = RequestRetentionReport(requests=requests, notifications=notifications, failed=failed)
    if requests or notifications or failed:
        logger.info(
            "Request retention: %d requests and %d messages redacted, %d failed.",
            requests,
            notifications,
            failed,
        )
    return report
