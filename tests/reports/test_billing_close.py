"""Closing an allowance month: only once, only after it ended, by the center's
coordinator; afterwards nothing is booked into it; a correction of one of its entries is a
new line in the next open month pointing at the original."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import translation

from core.models import AuditEvent
from requests import billing, confirmations
from requests.models import AbsenceReason, AllowanceEntry, Assignment, BillingMonth
from tests.conftest import Tenant
from tests.requests.conftest import make_interpreter
from tests.requests.helpers_after_match import both_confirm, ended

BERLIN = ZoneInfo("Europe/Berlin")
OCTOBER, NOVEMBER, DECEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
#: "Now" for the closings: in January 2027, after the months closed here.
LATER = dt.datetime(2027, 1, 5, 10, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def interpreter(tenant: Tenant) -> Any:
    return make_interpreter(tenant.center, username="amal")


def month_total(tenant: Tenant, month: dt.date) -> Decimal:
    total = AllowanceEntry.objects.filter(center=tenant.center, month=month).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal("0")


def october_assignment(tenant: Tenant, profile: Any) -> Assignment:
    """A completed assignment of 14 October 2026, paid 20 € (flat rule) in October."""
    assignment = ended(tenant, profile, start=dt.datetime(2026, 10, 14, 9, tzinfo=BERLIN))
    both_confirm(tenant, assignment)
    return assignment


def close(tenant: Tenant, month: dt.date) -> BillingMonth:
    return billing.billing_month_close(
        actor=tenant.users["coordinator"], center=tenant.center, month=month, now=LATER
    )


def take_back(tenant: Tenant, assignment: Assignment, *, on: dt.datetime) -> None:
    """The coordinator corrects: the interpreter did not come after all (pays 0)."""
    confirmations.confirmation_decide(
        actor=tenant.users["coordinator"],
        assignment=assignment,
        took_place=False,
        reason=AbsenceReason.INTERPRETER_ABSENT,
        note="The interpreter did not come after all.",
        now=on,
    )


@pytest.mark.django_db
def test_a_correction_of_a_closed_month_is_booked_in_the_next_open_month(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = october_assignment(tenant, interpreter)
    original = AllowanceEntry.objects.get(assignment=assignment)
    assert (original.month, original.amount) == (OCTOBER, Decimal("20.00"))
    close(tenant, OCTOBER)

    take_back(tenant, assignment, on=dt.datetime(2026, 10, 20, 12, tzinfo=BERLIN))

    assert month_total(tenant, OCTOBER) == Decimal("20.00")
    correction = AllowanceEntry.objects.get(assignment=assignment, kind="correction")
    assert (correction.month, correction.amount, correction.corrects_id) == (
        NOVEMBER,
        Decimal("-20.00"),
        original.pk,
    )


@pytest.mark.django_db
def test_closed_months_in_a_row_are_skipped(tenant: Tenant, interpreter: Any) -> None:
    assignment = october_assignment(tenant, interpreter)
    close(tenant, OCTOBER)
    close(tenant, NOVEMBER)

    take_back(tenant, assignment, on=dt.datetime(2026, 11, 3, 12, tzinfo=BERLIN))

    correction = AllowanceEntry.objects.get(assignment=assignment, kind="correction")
    assert correction.month == DECEMBER
    assert (month_total(tenant, OCTOBER), month_total(tenant, NOVEMBER)) == (
        Decimal("20.00"),
        Decimal("0"),
    )


@pytest.mark.django_db
def test_a_late_first_entry_for_a_closed_month_goes_into_the_next_open_month(
    tenant: Tenant, interpreter: Any
) -> None:
    close(tenant, OCTOBER)
    october_assignment(tenant, interpreter)
    entry = AllowanceEntry.objects.get(center=tenant.center)
    assert (entry.kind, entry.month, entry.corrects_id) == ("assignment", NOVEMBER, None)
    assert month_total(tenant, OCTOBER) == Decimal("0")


@pytest.mark.django_db
def test_an_open_month_still_takes_its_corrections(tenant: Tenant, interpreter: Any) -> None:
    assignment = october_assignment(tenant, interpreter)
    take_back(tenant, assignment, on=dt.datetime(2026, 10, 20, 12, tzinfo=BERLIN))
    assert month_total(tenant, OCTOBER) == Decimal("0.00")


@pytest.mark.django_db
def test_closing_twice_is_refused_and_changes_nothing(tenant: Tenant, interpreter: Any) -> None:
    october_assignment(tenant, interpreter)
    first = close(tenant, OCTOBER)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        billing.billing_month_close(
            actor=tenant.users["coordinator"],
            center=tenant.center,
            month=dt.date(2026, 10, 17),
            now=LATER + dt.timedelta(days=1),
        )
    assert "was closed already" in refused.value.message_dict["month"][0]
    assert list(BillingMonth.objects.values_list("pk", "closed_at")) == [
        (first.pk, first.closed_at)
    ]
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_month_that_has_not_ended_cannot_be_closed(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as refused:
        billing.billing_month_close(
            actor=tenant.users["coordinator"],
            center=tenant.center,
            month=dt.date(2027, 1, 1),
            now=LATER,
        )
    assert "has not ended yet" in refused.value.message_dict["month"][0]
    assert not BillingMonth.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_only_the_coordinator_closes_a_month(tenant: Tenant, role: str) -> None:
    with pytest.raises(PermissionDenied):
        billing.billing_month_close(
            actor=tenant.users[role], center=tenant.center, month=OCTOBER, now=LATER
        )
    assert not BillingMonth.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_of_another_center_cannot_close_it(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    with pytest.raises(PermissionDenied):
        billing.billing_month_close(
            actor=other_tenant.users["coordinator"], center=tenant.center, month=OCTOBER, now=LATER
        )
    assert not BillingMonth.objects.exists()


@pytest.mark.django_db
def test_closing_is_audited_with_the_months_figures(tenant: Tenant, interpreter: Any) -> None:
    october_assignment(tenant, interpreter)
    closing = close(tenant, OCTOBER)
    event = AuditEvent.objects.get(object_type="requests.billingmonth")
    assert (event.actor, event.action, event.object_id, event.center_id) == (
        tenant.users["coordinator"],
        "create",
        str(closing.pk),
        tenant.center.pk,
    )
    assert event.detail == {"month": "2026-10-01", "entries": 1, "total": "20.00"}
