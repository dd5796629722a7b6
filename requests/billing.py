"""Closing an allowance month for billing (:class:`~requests.models.BillingMonth`).

A closed month's entries no longer change: :func:`requests.allowances.allowance_book` books
anything that would fall into it (a late first entry, a correction) into the next open
month, a correction with ``corrects`` pointing at the original entry. Only a month that has
ended can be closed, and only once; a closed month is not reopened.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.models import AuditEvent, Center, Role, User
from core.scoping import has_role
from core.services import audit_log
from requests import allowances
from requests.models import AllowanceEntry, BillingMonth


def billing_month_closed(*, center: Center | int, month: dt.date) -> BillingMonth | None:
    """The closing of ``month`` in the center, or ``None`` while it is open."""
    center_id = center.pk if isinstance(center, Center) else center
    return (
        BillingMonth.objects.filter(center_id=center_id, month=month.replace(day=1))
        .select_related("closed_by")
        .first()
    )


@transaction.atomic
def billing_month_close(
    *, actor: User, center: Center, month: dt.date, now: dt.datetime | None = None
) -> BillingMonth:
    """A coordinator closes a month of the center's allowances for billing.

    :param month: any day of the month (its first day is stored).
    :raises PermissionDenied: not a coordinator of the center.
    :raises ValidationError: the month has not ended yet, or is closed already; nothing is
        stored.
    """
    if not has_role(actor, Role.COORDINATOR, center_id=center.pk):
        raise PermissionDenied
    now = now or timezone.now()
    month = month.replace(day=1)
    # The center's row: allowance_book locks it too, so no entry slips into the month
    # while it is being closed.
    Center.objects.select_for_update().get(pk=center.pk)
    label = date_format(month, "YEAR_MONTH_FORMAT")
    existing = billing_month_closed(center=center, month=month)
    if existing is not None:
        raise ValidationError(
            {
                "month": _("%(month)s was closed already on %(date)s; nothing was changed.")
                % {
                    "month": label,
                    "date": date_format(timezone.localtime(existing.closed_at), "DATE_FORMAT"),
                }
            }
        )
    if month >= allowances.month_of(now):
        raise ValidationError(
            {
                "month": _("%(month)s has not ended yet; it can be closed afterwards.")
                % {"month": label}
            }
        )
    closing = BillingMonth(center=center, month=month, closed_at=now, closed_by=actor)
    closing.full_clean()
    closing.save()
    figures = AllowanceEntry.objects.filter(center=center, month=month).aggregate(
        entries=Count("id"), total=Sum("amount")
    )
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=closing,
        detail={
            "month": month.isoformat(),
            "entries": figures["entries"],
            "total": str(allowances.money(figures["total"] or Decimal("0"))),
        },
    )
    return closing
