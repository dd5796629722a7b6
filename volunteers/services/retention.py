"""The retention clean-up (:func:`volunteer_retention_apply`): records whose
retention period is over are anonymised, each in its own transaction, as the system.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import Center
from volunteers.models import Volunteer
from volunteers.services.privacy import anonymised_q, volunteer_anonymise

Status = Volunteer.Status


logger = logging.getLogger(__name__)


#: A registration still unconfirmed (status ``registered``) after this long is anonymised by
#: the retention clean-up: its confirmation link died after :data:`CONFIRM_MAX_AGE`, so the
#: data serves no purpose any more. The same for every center.
UNCONFIRMED_REGISTRATION_MAX_AGE = dt.timedelta(days=30)


@dataclass(frozen=True)
class RetentionReport:
    """What one run of :func:`volunteer_retention_apply` anonymised, per reason."""

    #: Volunteers who left longer ago than their center's retention period.
    left: int = 0
    #: Registrations never confirmed, older than :data:`UNCONFIRMED_REGISTRATION_MAX_AGE`.
    unconfirmed: int = 0
    #: Records that failed validation and stayed as they were (logged by id, tried again
    #: on the next run).
    failed: int = 0

    @property
    def anonymised(self) -> int:
        """All records anonymised in this run."""
        return self.left + self.unconfirmed


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same wall-clock time ``months`` calendar months earlier, in the local time zone.

    Calendar months, not a fixed number of days: 24 months before 15 March 2026 is
    15 March 2024. A day the target month lacks is clamped to its last day (one month
    before 31 March is 28 or 29 February), so the result is never later than the
    calendar answer would allow. No ``dateutil`` needed.
    """
    local = timezone.localtime(moment)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _retention_left_due(*, center: Center, before: dt.datetime) -> QuerySet[Volunteer]:
    """Volunteers of ``center`` who left before ``before`` and are not anonymised yet.

    The leaving date is ``left_at``; older records without it fall back to
    ``status_changed_at`` and, lacking both, to the last change (``updated_at``), so no
    record that left stays forever.
    """
    return (
        Volunteer.objects.filter(center=center, status=Status.LEFT)
        .alias(left_since=Coalesce("left_at", "status_changed_at", "updated_at"))
        .filter(left_since__lt=before)
        .exclude(anonymised_q())
    )


def _retention_unconfirmed_due(*, before: dt.datetime) -> QuerySet[Volunteer]:
    """Registrations never confirmed nor approved, created before ``before``."""
    return Volunteer.objects.filter(
        status=Status.REGISTERED,
        email_confirmed_at__isnull=True,
        approved_at__isnull=True,
        created_at__lt=before,
    ).exclude(anonymised_q())


def _retention_anonymise(
    *, due: QuerySet[Volunteer], pk: int
) -> Literal["anonymised", "skipped", "failed"]:
    """Anonymise volunteer ``pk`` if it is still due, in its own transaction.

    The rule is checked again on the locked row: a record confirmed, anonymised or
    deleted since the list was read is skipped, so concurrent runs never anonymise twice.
    """
    try:
        with transaction.atomic():
            volunteer = due.select_for_update().filter(pk=pk).first()
            if volunteer is None:
                return "skipped"
            volunteer_anonymise(actor=None, volunteer=volunteer)
    except ValidationError:
        logger.exception("Retention clean-up: volunteer %s could not be anonymised.", pk)
        return "failed"
    return "anonymised"


def volunteer_retention_apply(*, now: dt.datetime | None = None) -> RetentionReport:
    """Anonymise personal data whose retention period is over (DSGVO), as the system.

    Two rules, each record through :func:`volunteer_anonymise` (so each is audited,
    actor ``None``):

    - status ``left`` and left (``left_at``, else ``status_changed_at``, else the last
      change) more than the center's ``retention_months`` calendar months ago (see
      :func:`months_before`);
    - status ``registered`` (e-mail never confirmed, never approved) and created more
      than :data:`UNCONFIRMED_REGISTRATION_MAX_AGE` ago.

    Records already anonymised are skipped, so a second run changes nothing. Every
    record is anonymised in its own transaction: an interrupted run keeps what it did
    and the next run continues.

    :param now: the reference time; defaults to the current time.
    :return: the counts per rule.
    """
    now = now or timezone.now()
    counts = {"left": 0, "unconfirmed": 0, "failed": 0}
    batches: list[tuple[Literal["left", "unconfirmed"], QuerySet[Volunteer]]] = [
        (
            "left",
            _retention_left_due(center=center, before=months_before(now, center.retention_months)),
        )
        for center in Center.objects.order_by("pk")
    ]
    batches.append(
        ("unconfirmed", _retention_unconfirmed_due(before=now - UNCONFIRMED_REGISTRATION_MAX_AGE))
    )
    for reason, due in batches:
        for pk in list(due.order_by("pk").values_list("pk", flat=True)):
            outcome = _retention_anonymise(due=due, pk=pk)
            if outcome == "anonymised":
                counts[reason] += 1
            elif outcome == "failed":
                counts["failed"] += 1
    report = RetentionReport(**counts)
    if report.anonymised or report.failed:
        logger.info(
            "Retention clean-up: %d left, %d unconfirmed anonymised, %d failed.",
            report.left,
            report.unconfirmed,
            report.failed,
        )
    return report
