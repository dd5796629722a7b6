"""Reads of the allowance billing, for the coordinator: the monthly statement (per
interpreter and per department cost centre), the volunteers near or over the yearly
tax-free limit, and the funding report's figures (Verwendungsnachweis of the WIR
programme).

Only other apps' selectors are read here (already scoped); every amount is a ``Decimal``
summed from the :class:`~requests.models.AllowanceEntry` rows themselves, so each total
reconciles to the entries to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from core.models import Center, Role, User
from core.selectors import center_list
from requests import allowances
from requests import selectors as request_selectors
from requests.billing import billing_month_closed
from requests.models import AllowanceEntry, Assignment, BillingMonth
from sprachpool import selectors as pool_selectors

ZERO = Decimal("0")
#: From this share of the yearly tax-free limit a volunteer is listed as near it.
NEAR_LIMIT = Decimal("0.8")


def coordinated_centers(*, user: User) -> QuerySet[Center]:
    """The centers whose billing the user may see (coordinator; all for admins)."""
    return center_list(user=user, roles=[Role.COORDINATOR]).order_by("name")


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (90 min = 1.50 h)."""
    return allowances.money(Decimal(minutes) / 60)


# --- the monthly statement ------------------------------------------------------------------


@dataclass
class StatementRow:
    """One interpreter's or one department's line of a month's statement."""

    label: str
    #: The department's cost centre (empty for interpreters and departments without one).
    cost_centre: str = ""
    assignments: int = 0
    corrections: int = 0
    minutes: int = 0
    km: Decimal = ZERO
    amount: Decimal = ZERO

    @property
    def hours(self) -> Decimal:
        return hours_of(self.minutes)

    def add(self, entry: AllowanceEntry) -> None:
        if entry.kind == AllowanceEntry.Kind.ASSIGNMENT:
            self.assignments += 1
            self.minutes += entry.minutes or 0
            self.km += entry.travel_km or ZERO
        else:
            self.corrections += 1
        self.amount += entry.amount


@dataclass
class Statement:
    """A center's allowance entries booked in one month, summed per interpreter and per
    department (cost centre), with the month's totals."""

    center: Center
    month: dt.date
    closing: BillingMonth | None
    entries: list[AllowanceEntry]
    interpreters: list[StatementRow]
    departments: list[StatementRow]
    total: StatementRow = field(default_factory=lambda: StatementRow(label=""))

    @property
    def closed(self) -> bool:
        return self.closing is not None


def statement_entries(*, user: User, center: Center, month: dt.date) -> list[AllowanceEntry]:
    """The center's entries booked in ``month`` that the user may see, in booking order."""
    return list(
        request_selectors.allowance_list(user=user, year=month.year)
        .filter(center_id=center.pk, month=month.replace(day=1))
        .select_related("assignment__request__department")
        .order_by("interpreter__volunteer__last_name", "month", "created_at", "id")
    )


def _sorted(rows: dict[object, StatementRow]) -> list[StatementRow]:
    return sorted(rows.values(), key=lambda r: (r.label.casefold(), r.cost_centre))


def billing_statement(*, user: User, center: Center, month: dt.date) -> Statement:
    """The monthly statement of ``center`` for ``month`` (a fixed number of queries)."""
    month = month.replace(day=1)
    entries = statement_entries(user=user, center=center, month=month)
    by_interpreter: dict[object, StatementRow] = {}
    by_department: dict[object, StatementRow] = {}
    total = StatementRow(label="")
    for entry in entries:
        volunteer = entry.interpreter.volunteer
        row = by_interpreter.setdefault(
            entry.interpreter_id, StatementRow(label=volunteer.display_name)
        )
        row.add(entry)
        department = entry.assignment.request.department
        dept_row = by_department.setdefault(
            department.pk,
            StatementRow(label=department.name, cost_centre=department.cost_centre),
        )
        dept_row.add(entry)
        total.add(entry)
    return Statement(
        center=center,
        month=month,
        closing=billing_month_closed(center=center, month=month),
        entries=entries,
        interpreters=_sorted(by_interpreter),
        departments=_sorted(by_department),
        total=total,
    )


def billing_months(*, center: Center, around: dt.date, back: int = 12) -> list[dt.date]:
    """The months a coordinator can choose: this one and ``back`` before it, newest first."""
    months = [around.replace(day=1)]
    for _step in range(back):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months


def closed_months(*, user: User, center: Center) -> set[dt.date]:
    """The center's closed billing months the user may see."""
    return set(
        BillingMonth.objects.visible_to(user)
        .filter(center_id=center.pk)
        .values_list("month", flat=True)
    )


# --- the yearly tax-free limit --------------------------------------------------------------


@dataclass(frozen=True)
class LimitRow:
    """A volunteer's allowance in a year against the tax-free limit."""

    volunteer_id: int
    name: str
    total: Decimal
    limit: Decimal

    @property
    def share(self) -> int:
        """Per cent of the limit used (rounded down)."""
        return int(self.total * 100 / self.limit) if self.limit else 0

    @property
    def over(self) -> bool:
        return self.total > self.limit

    @property
    def remaining(self) -> Decimal:
        return max(allowances.money(self.limit - self.total), Decimal("0.00"))

    @property
    def over_by(self) -> Decimal:
        return max(allowances.money(self.total - self.limit), Decimal("0.00"))


def tax_free_list(
    *, user: User, center: Center, year: int, near: Decimal = NEAR_LIMIT
) -> list[LimitRow]:
    """The center's volunteers whose allowance in ``year`` reached ``near`` (80 %) of the
    yearly tax-free limit or exceeded it, the highest first.

    The figures are those :func:`requests.selectors.allowance_limit_warning` warns with:
    per person, the entries booked in the year's months in their center
    (:func:`requests.selectors.allowance_list` for the year), against
    :func:`requests.allowances.tax_free_limit`; over means more than the limit.
    """
    limit = allowances.tax_free_limit(year=year)
    totals = {
        row["interpreter__volunteer_id"]: allowances.money(row["total"])
        for row in request_selectors.allowance_list(user=user, year=year)
        .filter(center_id=center.pk, interpreter__volunteer__center_id=center.pk)
        .order_by()
        .values("interpreter__volunteer_id")
        .annotate(total=Sum("amount"))
    }
    listed = {v: t for v, t in totals.items() if t >= limit * near}
    names = {
        p.volunteer_id: p.volunteer.display_name
        for p in pool_selectors.interpreter_list(user=user)
        .filter(volunteer_id__in=list(listed))
        .select_related("volunteer")
    }
    rows = [
        LimitRow(volunteer_id=v, name=names.get(v, ""), total=t, limit=limit)
        for v, t in listed.items()
    ]
    return sorted(rows, key=lambda r: (-r.total, r.name.casefold()))


# --- the funding report ---------------------------------------------------------------------

#: How many assignments a client had in the period: 1, 2, 3, 4, 5, more than 5.
CLIENT_BUCKETS = ("1", "2", "3", "4", "5", "6+")


@dataclass
class LanguageFigures:
    language: str
    assignments: int = 0
    clients: int = 0


@dataclass
class FundingReport:
    """The figures of the WIR programme's Verwendungsnachweis for a period (raw counts;
    the exports suppress small ones)."""

    center: Center
    start: dt.date
    end: dt.date
    assignments: int
    languages: list[LanguageFigures]
    #: Bucket (:data:`CLIENT_BUCKETS`) → number of clients with that many assignments.
    clients_by_assignments: dict[str, int]
    clients: int
    without_client_ref: int
    pool_size: int
    languages_covered: list[str]
    amount_paid: Decimal


def _bucket(count: int) -> str:
    return str(count) if count <= 5 else "6+"


def funding_assignments(
    *, user: User, center: Center, start: dt.date, end: dt.date
) -> QuerySet[Assignment]:
    """The assignments that took place in the center from ``start`` to ``end`` (by the day
    the appointment began, Europe/Berlin, both included; settled as taken place)."""
    return request_selectors.assignment_list(user=user, date_from=start, date_to=end).filter(
        request__center_id=center.pk,
        status=Assignment.Status.COMPLETED,
        took_place=True,
    )


def funding_report(*, user: User, center: Center, start: dt.date, end: dt.date) -> FundingReport:
    """Assignments per language and per client, the pool and the amounts paid in a period.

    The pool is :func:`sprachpool.selectors.language_coverage` of the center (active
    interpreters, languages with at least one of them). Amounts are the entries booked in
    the months from ``start``'s to ``end``'s, corrections included (what is paid).
    """
    per_language: dict[str, LanguageFigures] = {}
    clients_of: dict[str, set[str]] = defaultdict(set)
    per_client: Counter[str] = Counter()
    total = without_ref = 0
    for assignment in funding_assignments(user=user, center=center, start=start, end=end):
        request = assignment.request
        name = request.language.name
        figures = per_language.setdefault(name, LanguageFigures(language=name))
        figures.assignments += 1
        total += 1
        if request.client_ref:
            clients_of[name].add(request.client_ref)
            per_client[request.client_ref] += 1
        else:
            without_ref += 1
    for name, refs in clients_of.items():
        per_language[name].clients = len(refs)
    buckets = dict.fromkeys(CLIENT_BUCKETS, 0)
    for count in per_client.values():
        buckets[_bucket(count)] += 1
    coverage = pool_selectors.language_coverage(user=user, center=center)
    entries = (
        request_selectors.allowance_list(user=user)
        .filter(center_id=center.pk, month__gte=start.replace(day=1), month__lte=end.replace(day=1))
        .order_by()
    )
    # Summed as decimals here: SQLite would sum the amounts as floating point numbers.
    paid = sum(entries.values_list("amount", flat=True), ZERO)
    return FundingReport(
        center=center,
        start=start,
        end=end,
        assignments=total,
        languages=sorted(per_language.values(), key=lambda f: (-f.assignments, f.language)),
        clients_by_assignments=buckets,
        clients=len(per_client),
        without_client_ref=without_ref,
        pool_size=coverage.interpreters,
        languages_covered=[row.language.name for row in coverage.rows if row.total > 0],
        amount_paid=allowances.money(paid),
    )
