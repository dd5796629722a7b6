"""The allowance: the center's rule to the cent (flat per client with its cap and exceptions,
per started hour plus travel), short-notice cancellations and absences by the center's
setting, the yearly tax-free limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from core.models import AuditEvent, Center
from requests import allowances, confirmations, selectors, services
from requests.allowances import AllowanceTerms, allowance_compute, money, tax_free_limit
from requests.models import AbsenceReason, AllowanceEntry, Assignment, ClientCapException
from tests.conftest import Tenant
from tests.requests.conftest import make_interpreter as login_interpreter
from tests.requests.helpers_after_match import both_confirm, confirm, ended
from tests.sprachpool.factories import interpreter as make_interpreter

BERLIN = ZoneInfo("Europe/Berlin")

FLAT = AllowanceTerms(
    rule=Center.AllowanceRule.FLAT_PER_CLIENT,
    flat_amount=Decimal("20.00"),
    hourly_amount=Decimal("15.00"),
    per_km=Decimal("0.30"),
    short_notice_pay=Center.ShortNoticePay.FLAT,
    cap_per_client=5,
)
HOURLY = AllowanceTerms(
    rule=Center.AllowanceRule.HOURLY,
    flat_amount=Decimal("20.00"),
    hourly_amount=Decimal("15.00"),
    per_km=Decimal("0.30"),
    short_notice_pay=Center.ShortNoticePay.TRAVEL,
    cap_per_client=5,
)


# --- the pure policy ------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.005", "0.01"), ("2.675", "2.68"), ("3.750", "3.75"), ("-0.005", "-0.01")],
)
def test_money_rounds_to_the_cent_half_up(value: str, expected: str) -> None:
    assert money(Decimal(value)) == Decimal(expected)


@pytest.mark.unit
@pytest.mark.parametrize(("minutes", "hours"), [(1, 1), (60, 1), (61, 2), (120, 2), (121, 3)])
def test_every_started_hour_counts(minutes: int, hours: int) -> None:
    result = allowance_compute(terms=HOURLY, basis="took_place", minutes=minutes)
    assert result.started_hours == hours
    assert result.amount == Decimal("15.00") * hours


@pytest.mark.unit
def test_travel_is_exact_to_the_cent() -> None:
    result = allowance_compute(
        terms=HOURLY, basis="took_place", minutes=60, travel_km=Decimal("12.5")
    )
    assert result.amount == Decimal("18.75")  # 15.00 + 0.30 × 12.5


@pytest.mark.unit
@pytest.mark.parametrize(("position", "amount"), [(1, "20.00"), (5, "20.00"), (6, "0.00")])
def test_the_flat_amount_is_paid_up_to_the_cap(position: int, amount: str) -> None:
    result = allowance_compute(terms=FLAT, basis="took_place", cap=5, cap_position=position)
    assert result.amount == Decimal(amount)
    assert result.pays_flat is (position <= 5)


@pytest.mark.unit
def test_an_assignment_without_client_reference_is_not_capped() -> None:
    result = allowance_compute(terms=FLAT, basis="took_place", cap=5, cap_position=None)
    assert result.amount == Decimal("20.00")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("rule", "pay", "amount"),
    [
        ("flat_per_client", "none", "0.00"),
        ("flat_per_client", "travel", "3.75"),
        ("flat_per_client", "flat", "20.00"),
        ("hourly", "none", "0.00"),
        ("hourly", "travel", "3.75"),
        ("hourly", "flat", "20.00"),
    ],
)
def test_short_notice_and_absent_clients_pay_by_the_setting(
    rule: str, pay: str, amount: str
) -> None:
    terms = AllowanceTerms(
        rule=rule,
        flat_amount=Decimal("20.00"),
        hourly_amount=Decimal("15.00"),
        per_km=Decimal("0.30"),
        short_notice_pay=pay,
        cap_per_client=5,
    )
    for basis in ("short_notice", "client_absent"):
        result = allowance_compute(
            terms=terms, basis=basis, travel_km=Decimal("12.5"), cap=5, cap_position=1
        )
        assert result.amount == Decimal(amount)


@pytest.mark.unit
def test_not_paid_is_zero() -> None:
    result = allowance_compute(terms=HOURLY, basis="not_paid", minutes=90, travel_km=Decimal(9))
    assert result.amount == Decimal("0.00")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("year", "limit"), [(2019, "840.00"), (2021, "840.00"), (2025, "840.00"), (2026, "960.00")]
)
def test_the_tax_free_limit_comes_from_the_settings(year: int, limit: str) -> None:
    assert tax_free_limit(year=year) == Decimal(limit)


@pytest.mark.unit
@override_settings(TAX_FREE_ALLOWANCE_LIMITS={2021: "840.00", 2026: "960.00", 2030: "1200"})
def test_a_new_limit_applies_from_its_year() -> None:
    assert tax_free_limit(year=2029) == Decimal("960.00")
    assert tax_free_limit(year=2031) == Decimal("1200.00")


# --- booking on completion ------------------------------------------------------------------


def use_rule(tenant: Tenant, **fields: Any) -> None:
    Center.objects.filter(pk=tenant.center.pk).update(**fields)
    tenant.center.refresh_from_db()


def completed(tenant: Tenant, profile: Any, *, days_ago: int = 0, **kwargs: Any) -> Assignment:
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=days_ago, hours=3)
    assignment = ended(tenant, profile, start=start, **kwargs)
    both_confirm(tenant, assignment)
    return assignment


def entry_of(assignment: Assignment) -> AllowanceEntry:
    return AllowanceEntry.objects.get(assignment=assignment, kind="assignment")


@pytest.mark.django_db
def test_the_fifth_assignment_of_a_client_is_paid_and_the_sixth_is_not(
    tenant: Tenant, interpreter: Any
) -> None:
    done = [completed(tenant, interpreter, days_ago=day) for day in range(6, 0, -1)]
    fifth, sixth = entry_of(done[4]), entry_of(done[5])
    assert (fifth.cap_position, fifth.cap, fifth.amount) == (5, 5, Decimal("20.00"))
    assert (sixth.cap_position, sixth.cap, sixth.amount) == (6, 5, Decimal("0.00"))


@pytest.mark.django_db
def test_the_cap_counts_the_client_across_interpreters(tenant: Tenant, interpreter: Any) -> None:
    for day in range(5, 0, -1):
        colleague = login_interpreter(tenant.center, username=f"colleague-{day}")
        completed(tenant, colleague, days_ago=day)
    sixth = completed(tenant, interpreter)
    assert entry_of(sixth).amount == Decimal("0.00")


@pytest.mark.django_db
def test_other_clients_have_their_own_count(tenant: Tenant, interpreter: Any) -> None:
    for day in range(5, 0, -1):
        completed(tenant, interpreter, days_ago=day)
    other = completed(tenant, interpreter, client_ref="K-9001")
    assert (entry_of(other).cap_position, entry_of(other).amount) == (1, Decimal("20.00"))


@pytest.mark.django_db
def test_an_exception_raises_the_cap_for_one_client(tenant: Tenant, interpreter: Any) -> None:
    for day in range(5, 0, -1):
        completed(tenant, interpreter, days_ago=day, client_ref="K-4711")
    allowances.cap_exception_set(
        actor=tenant.users["coordinator"],
        center=tenant.center,
        client_ref="K-4711",
        cap=6,
        reason="Long-running family support",
    )
    sixth = completed(tenant, interpreter, client_ref="K-4711")
    assert (entry_of(sixth).cap, entry_of(sixth).amount) == (6, Decimal("20.00"))


@pytest.mark.django_db
def test_an_unpaid_sixth_does_not_use_up_a_place(tenant: Tenant, interpreter: Any) -> None:
    for day in range(7, 1, -1):
        completed(tenant, interpreter, days_ago=day)
    allowances.cap_exception_set(
        actor=tenant.users["coordinator"],
        center=tenant.center,
        client_ref="K-4711",
        cap=6,
        reason="Exception after the sixth",
    )
    seventh = completed(tenant, interpreter, days_ago=1)
    assert (entry_of(seventh).cap_position, entry_of(seventh).amount) == (6, Decimal("20.00"))


@pytest.mark.django_db
def test_a_payment_taken_back_frees_its_place(tenant: Tenant, interpreter: Any) -> None:
    done = [completed(tenant, interpreter, days_ago=day) for day in range(6, 1, -1)]
    confirmations.confirmation_decide(
        actor=tenant.users["coordinator"],
        assignment=done[0],
        took_place=False,
        reason=AbsenceReason.INTERPRETER_ABSENT,
        note="The interpreter did not come after all.",
    )
    sixth = completed(tenant, interpreter, days_ago=1)
    assert (entry_of(sixth).cap_position, entry_of(sixth).amount) == (5, Decimal("20.00"))


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "amount"), [(60, "18.75"), (61, "33.75")])
def test_the_hourly_rule_books_started_hours_and_km(
    tenant: Tenant, interpreter: Any, minutes: int, amount: str
) -> None:
    use_rule(tenant, allowance_rule=Center.AllowanceRule.HOURLY)
    assignment = ended(tenant, interpreter, minutes=minutes)
    confirm(tenant.users["caseworker"], assignment, "requester")
    confirm(interpreter.volunteer.user, assignment, "interpreter", travel_km=Decimal("12.5"))
    entry = entry_of(assignment)
    assert entry.minutes == minutes
    assert entry.travel_km == Decimal("12.5")
    assert (entry.hourly_amount, entry.per_km) == (Decimal("15.00"), Decimal("0.30"))
    assert entry.amount == Decimal(amount)
    assert entry.cap_position is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pay", "amount"), [("none", "0.00"), ("travel", "3.75"), ("flat", "20.00")]
)
def test_a_client_who_did_not_come_pays_by_the_setting(
    tenant: Tenant, interpreter: Any, pay: str, amount: str
) -> None:
    use_rule(tenant, short_notice_pay=pay)
    assignment = ended(tenant, interpreter)
    confirm(
        tenant.users["caseworker"],
        assignment,
        "requester",
        took_place=False,
        reason="client_absent",
    )
    confirm(
        interpreter.volunteer.user,
        assignment,
        "interpreter",
        took_place=False,
        reason="client_absent",
        travel_km=Decimal("12.5"),
    )
    entry = entry_of(assignment)
    assert (entry.basis, entry.amount) == ("client_absent", Decimal(amount))


@pytest.mark.django_db
def test_cancelled_on_the_spot_counts_as_short_notice(tenant: Tenant, interpreter: Any) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment, took_place=False, reason=AbsenceReason.CANCELLED_ON_SITE)
    assert (entry_of(assignment).basis, entry_of(assignment).amount) == (
        "short_notice",
        Decimal("20.00"),
    )


@pytest.mark.django_db
def test_an_interpreter_who_did_not_come_gets_a_not_paid_entry_of_zero(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = ended(tenant, interpreter)
    both_confirm(tenant, assignment, took_place=False, reason=AbsenceReason.INTERPRETER_ABSENT)
    entry = entry_of(assignment)
    assert (entry.basis, entry.amount, entry.travel_km) == ("not_paid", Decimal("0.00"), None)


# --- short-notice cancellations -------------------------------------------------------------


def soon(tenant: Tenant, profile: Any, *, hours: float) -> Assignment:
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=hours)
    return ended(tenant, profile, start=start)


@pytest.fixture
def travelling(interpreter: Any) -> Any:
    """The interpreter lives ~7.1 km east of the place (14.2 km there and back)."""
    volunteer = interpreter.volunteer
    volunteer.home_lat, volunteer.home_lon = 50.3353, 8.8550
    volunteer.save()
    return interpreter


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("pay", "amount"), [("none", "0.00"), ("travel", "4.26"), ("flat", "20.00")]
)
def test_a_request_cancelled_at_short_notice_pays_by_the_setting(
    tenant: Tenant, travelling: Any, pay: str, amount: str
) -> None:
    use_rule(tenant, short_notice_pay=pay)
    assignment = soon(tenant, travelling, hours=5)
    services.request_cancel(
        actor=tenant.users["caseworker"], request=assignment.request, reason="Client moved away"
    )
    entry = entry_of(assignment)
    assert entry.basis == AllowanceEntry.Basis.SHORT_NOTICE
    assert entry.amount == Decimal(amount)
    assert entry.created_by == tenant.users["caseworker"]


@pytest.mark.django_db
def test_travel_only_pays_the_home_distance(tenant: Tenant, travelling: Any) -> None:
    use_rule(tenant, short_notice_pay="travel")
    assignment = soon(tenant, travelling, hours=5)
    services.request_cancel(
        actor=tenant.users["caseworker"], request=assignment.request, reason="Client moved away"
    )
    entry = entry_of(assignment)
    assert entry.travel_km == Decimal("14.2")
    assert entry.amount == money(Decimal("14.2") * Decimal("0.30"))


@pytest.mark.django_db
def test_a_coordinator_cancelling_at_short_notice_books_it(
    tenant: Tenant, interpreter: Any
) -> None:
    assignment = soon(tenant, interpreter, hours=23)
    services.assignment_cancel(
        actor=tenant.users["coordinator"], assignment=assignment, reason="Room not available"
    )
    assert entry_of(assignment).amount == Decimal("20.00")


@pytest.mark.django_db
def test_a_cancellation_in_time_books_nothing(tenant: Tenant, interpreter: Any) -> None:
    assignment = soon(tenant, interpreter, hours=25)
    services.request_cancel(
        actor=tenant.users["caseworker"], request=assignment.request, reason="Client moved away"
    )
    assert not AllowanceEntry.objects.exists()


@pytest.mark.django_db
def test_the_interpreter_cancelling_books_nothing(tenant: Tenant, interpreter: Any) -> None:
    assignment = soon(tenant, interpreter, hours=5)
    services.assignment_cancel(
        actor=interpreter.volunteer.user, assignment=assignment, reason="I am ill"
    )
    assert not AllowanceEntry.objects.exists()


@pytest.mark.django_db
def test_the_short_notice_window_is_the_centers(tenant: Tenant, interpreter: Any) -> None:
    use_rule(tenant, short_notice_hours=48)
    assignment = soon(tenant, interpreter, hours=30)
    services.request_cancel(
        actor=tenant.users["caseworker"], request=assignment.request, reason="Client moved away"
    )
    assert entry_of(assignment).basis == "short_notice"


# --- exceptions from the cap ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_cap_exception_is_stored_and_audited(tenant: Tenant) -> None:
    exception = allowances.cap_exception_set(
        actor=tenant.users["coordinator"],
        center=tenant.center,
        client_ref="K-4711",
        cap=8,
        reason="Therapy series",
    )
    assert (exception.cap, exception.approved_by) == (8, tenant.users["coordinator"])
    assert AuditEvent.objects.filter(
        object_type="requests.clientcapexception", object_id=str(exception.pk)
    ).exists()


@pytest.mark.django_db
def test_a_second_exception_for_the_client_changes_the_first(tenant: Tenant) -> None:
    for cap in (7, 9):
        allowances.cap_exception_set(
            actor=tenant.users["coordinator"],
            center=tenant.center,
            client_ref="K-4711",
            cap=cap,
            reason="Therapy series",
        )
    assert ClientCapException.objects.get().cap == 9


@pytest.mark.django_db
def test_a_cap_exception_names_every_error_at_once(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as refused:
        allowances.cap_exception_set(
            actor=tenant.users["coordinator"],
            center=tenant.center,
            client_ref="Max Mustermann",
            cap=5,
            reason="",
        )
    assert set(refused.value.message_dict) == {"client_ref", "cap", "reason"}
    assert not ClientCapException.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_only_a_coordinator_sets_a_cap_exception(tenant: Tenant, role: str) -> None:
    with pytest.raises(PermissionDenied):
        allowances.cap_exception_set(
            actor=tenant.users[role],
            center=tenant.center,
            client_ref="K-4711",
            cap=8,
            reason="Therapy series",
        )
    assert not ClientCapException.objects.exists()


@pytest.mark.django_db
def test_a_filed_request_sees_the_raised_cap(tenant: Tenant, interpreter: Any) -> None:
    for day in range(5, 0, -1):
        ended(
            tenant,
            interpreter,
            start=timezone.now() - dt.timedelta(days=day),
            client_ref="K-4711",
        )
    assert selectors.client_cap_reached(center=tenant.center, client_ref="K-4711")
    allowances.cap_exception_set(
        actor=tenant.users["coordinator"],
        center=tenant.center,
        client_ref="K-4711",
        cap=6,
        reason="Therapy series",
    )
    assert not selectors.client_cap_reached(center=tenant.center, client_ref="K-4711")


# --- the yearly limit -----------------------------------------------------------------------


def booked(profile: Any, tenant: Tenant, amount: str, month: dt.date, **kwargs: Any) -> Any:
    """An allowance entry as the booking stores it (for the summary's sums)."""
    assignment = ended(
        tenant,
        profile,
        start=dt.datetime(month.year, month.month, 2, 9, tzinfo=BERLIN)
        + dt.timedelta(hours=AllowanceEntry.objects.count() * 2),
    )
    return AllowanceEntry.objects.create(
        center=tenant.center,
        interpreter=profile,
        assignment=assignment,
        basis="took_place",
        rule="flat_per_client",
        amount=Decimal(amount),
        month=month,
        **kwargs,
    )


@pytest.mark.django_db
def test_the_summary_sums_months_and_the_year_against_the_limit(
    tenant: Tenant, interpreter: Any
) -> None:
    booked(interpreter, tenant, "20.00", dt.date(2026, 1, 1))
    booked(interpreter, tenant, "20.00", dt.date(2026, 1, 1))
    booked(interpreter, tenant, "-20.00", dt.date(2026, 3, 1), kind="correction")
    booked(interpreter, tenant, "20.00", dt.date(2025, 12, 1))  # another year
    booked(make_interpreter(center=tenant.center), tenant, "20.00", dt.date(2026, 1, 1))
    summary = selectors.allowance_summary(interpreter=interpreter, year=2026)
    assert summary.months == {
        dt.date(2026, 1, 1): Decimal("40.00"),
        dt.date(2026, 3, 1): Decimal("-20.00"),
    }
    assert (summary.total, summary.limit, summary.remaining) == (
        Decimal("20.00"),
        Decimal("960.00"),
        Decimal("940.00"),
    )
    assert len(summary.entries) == 3
    assert not summary.over_limit


@pytest.mark.django_db
def test_the_summary_uses_the_years_limit(tenant: Tenant, interpreter: Any) -> None:
    booked(interpreter, tenant, "850.00", dt.date(2025, 6, 1))
    summary = selectors.allowance_summary(interpreter=interpreter, year=2025)
    assert (summary.limit, summary.remaining, summary.over_limit) == (
        Decimal("840.00"),
        Decimal("0.00"),
        True,
    )


@pytest.mark.django_db
def test_the_coordinator_is_warned_before_the_limit_is_exceeded(
    tenant: Tenant, interpreter: Any
) -> None:
    booked(interpreter, tenant, "940.00", dt.date(2026, 2, 1))
    on = dt.date(2026, 11, 3)
    assert (
        selectors.allowance_limit_warning(interpreter=interpreter, extra=Decimal("20"), on=on)
        is None
    )
    warning = selectors.allowance_limit_warning(
        interpreter=interpreter, extra=Decimal("20.01"), on=on
    )
    assert warning is not None
    assert interpreter.volunteer.display_name in warning


@pytest.mark.django_db
def test_the_expected_allowance_of_a_planned_assignment(tenant: Tenant, travelling: Any) -> None:
    use_rule(tenant, allowance_rule=Center.AllowanceRule.HOURLY)
    assignment = soon(tenant, travelling, hours=48)
    # one started hour (15.00) + 14.2 km × 0.30 (4.26)
    assert selectors.allowance_expected(assignment=assignment) == Decimal("19.26")
    assert selectors.allowance_expected(request=assignment.request) == Decimal("15.00")


@pytest.mark.django_db
def test_the_expected_allowance_knows_the_cap(tenant: Tenant, interpreter: Any) -> None:
    for day in range(5, 0, -1):
        completed(tenant, interpreter, days_ago=day)
    planned = soon(tenant, interpreter, hours=48)
    assert selectors.allowance_expected(assignment=planned) == Decimal("0.00")


# --- the prefilled distance -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_prefill_is_there_and_back_to_one_decimal(tenant: Tenant, travelling: Any) -> None:
    assignment = soon(tenant, travelling, hours=48)
    assert confirmations.travel_km_prefill(assignment=assignment) == Decimal("14.2")


@pytest.mark.django_db
def test_no_prefill_without_a_home(tenant: Tenant, interpreter: Any) -> None:
    assignment = soon(tenant, interpreter, hours=48)
    assert confirmations.travel_km_prefill(assignment=assignment) is None
