"""The coordinator's billing pages: the monthly allowance statement (page, CSV, XLSX), closing
a month, the volunteers near or over the yearly tax-free limit, and the funding report
(Verwendungsnachweis figures, page and XLSX).

Thin: reads through :mod:`reports.billing`, writes through :mod:`requests.billing`, files
through :mod:`reports.exports` (every download audited). The center comes from the
caller's coordinated centers (``?center=``; another center is a 404); a month (``YYYY-MM``)
or a year that does not parse falls back to the default, like every filter.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.models import Center, Role
from core.params import parse_id
from core.web import AuthenticatedHttpRequest, role_required
from reports import billing, exports
from requests import allowances
from requests.billing import billing_month_close

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: Years the tax-free page offers before the current one.
YEARS_BACK = 5
#: The longest period of the funding report.
MAX_PERIOD_DAYS = 3 * 366


def _center(request: AuthenticatedHttpRequest, source: dict | None = None) -> Center:
    """The coordinated center named by ``center`` (the first one without); 404 otherwise."""
    params = source if source is not None else request.GET
    centers = list(billing.coordinated_centers(user=request.user))
    if not centers:
        raise Http404
    raw = params.get("center")
    if raw in (None, ""):
        return centers[0]
    wanted = parse_id(raw)
    for center in centers:
        if center.pk == wanted:
            return center
    raise Http404


def _month(raw: object, *, default: dt.date) -> dt.date:
    match = _MONTH.match(raw) if isinstance(raw, str) else None
    if match is None:
        return default
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return default
    return dt.date(year, month, 1)


def _last_month() -> dt.date:
    return (allowances.month_of(timezone.now()) - dt.timedelta(days=1)).replace(day=1)


def _query(center: Center, **params: str) -> str:
    return urlencode({"center": str(center.pk), **params})


# --------------------------------------------------------------------------- statement


@role_required(Role.COORDINATOR)
def billing_statement(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The month's statement per interpreter and per department cost centre (printable)."""
    center = _center(request)
    month = _month(request.GET.get("month"), default=_last_month())
    statement = billing.billing_statement(user=request.user, center=center, month=month)
    closed = billing.closed_months(user=request.user, center=center)
    current = allowances.month_of(timezone.now())
    query = _query(center, month=f"{month:%Y-%m}")
    return render(
        request,
        "reports/billing_statement.html",
        {
            "center": center,
            "centers": billing.coordinated_centers(user=request.user),
            "statement": statement,
            "months": [
                {"value": f"{m:%Y-%m}", "month": m, "closed": m in closed}
                for m in billing.billing_months(center=center, around=current)
            ],
            "month_value": f"{month:%Y-%m}",
            "can_close": statement.closing is None and month < current,
            "query": query,
        },
    )


def _statement_tables(statement: billing.Statement) -> list[exports.Table]:
    total = statement.total
    interpreters = exports.Table(
        title=_("Interpreters"),
        headers=[
            _("Interpreter"),
            _("Assignments"),
            _("Corrections"),
            _("Hours"),
            _("Km"),
            _("Amount (EUR)"),
        ],
        rows=[
            [r.label, r.assignments, r.corrections, r.hours, r.km, r.amount]
            for r in statement.interpreters
        ]
        + [[_("Total"), total.assignments, total.corrections, total.hours, total.km, total.amount]],
    )
    departments = exports.Table(
        title=_("Departments"),
        headers=[
            _("Department"),
            _("Cost centre"),
            _("Assignments"),
            _("Corrections"),
            _("Hours"),
            _("Km"),
            _("Amount (EUR)"),
        ],
        rows=[
            [r.label, r.cost_centre, r.assignments, r.corrections, r.hours, r.km, r.amount]
            for r in statement.departments
        ]
        + [
            [
                _("Total"),
                "",
                total.assignments,
                total.corrections,
                total.hours,
                total.km,
                total.amount,
            ]
        ],
    )
    entries = exports.Table(
        title=_("Entries"),
        headers=[
            _("Entry no."),
            _("Interpreter"),
            _("Department"),
            _("Cost centre"),
            _("Appointment"),
            _("Kind"),
            _("Basis"),
            _("Corrects entry no."),
            _("Minutes"),
            _("Km"),
            _("Amount (EUR)"),
        ],
        rows=[
            [
                e.pk,
                e.interpreter.volunteer.display_name,
                e.assignment.request.department.name,
                e.assignment.request.department.cost_centre,
                timezone.localdate(e.assignment.start),
                e.get_kind_display(),
                e.get_basis_display(),
                e.corrects_id,
                e.minutes,
                e.travel_km,
                e.amount,
            ]
            for e in statement.entries
        ],
    )
    return [interpreters, departments, entries]


#: ``?by=`` of the CSV: which table.
CSV_TABLES = {"interpreters": 0, "departments": 1, "entries": 2}


@role_required(Role.COORDINATOR)
def billing_statement_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The statement as CSV (``?by=interpreters|departments|entries``) or XLSX (all three)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    center = _center(request)
    month = _month(request.GET.get("month"), default=_last_month())
    statement = billing.billing_statement(user=request.user, center=center, month=month)
    tables = _statement_tables(statement)
    by = request.GET.get("by", "interpreters")
    if fmt == "csv":
        tables = [tables[CSV_TABLES.get(by, 0)]]
        by = next(k for k, v in CSV_TABLES.items() if v == CSV_TABLES.get(by, 0))
    exports.export_audit(
        actor=request.user,
        center=center,
        export="billing_statement",
        fmt=fmt,
        rows=len(statement.entries),
        month=month.isoformat(),
        table=by if fmt == "csv" else "all",
    )
    name = _("statement") + f"-{center.slug}-{month:%Y-%m}"
    if fmt == "csv":
        name += f"-{by}"
    return exports.table_download(tables, filename=name, fmt=fmt)


# --------------------------------------------------------------------------- closing


@role_required(Role.COORDINATOR)
def billing_month_close_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirmation page (GET) and closing (POST) of a month."""
    source = request.POST if request.method == "POST" else request.GET
    center = _center(request, source)
    month = _month(source.get("month"), default=_last_month())
    statement = billing.billing_statement(user=request.user, center=center, month=month)
    back = reverse("reports-billing") + "?" + _query(center, month=f"{month:%Y-%m}")
    error = ""
    if request.method == "POST":
        try:
            billing_month_close(actor=request.user, center=center, month=month)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(month)s is closed. Later corrections are booked in the next open month.")
                % {"month": date_format(month, "YEAR_MONTH_FORMAT")},
            )
            return redirect(back)
    return render(
        request,
        "reports/billing_close.html",
        {
            "center": center,
            "statement": statement,
            "month_value": f"{month:%Y-%m}",
            "error": error,
            "back": back,
        },
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- tax-free limit


@role_required(Role.COORDINATOR)
def tax_free_limit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Volunteers near (80 % or more) or over the year's tax-free limit."""
    center = _center(request)
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_BACK - 1, -1))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in years else this_year
    rows = billing.tax_free_list(user=request.user, center=center, year=year)
    return render(
        request,
        "reports/billing_tax_free.html",
        {
            "center": center,
            "centers": billing.coordinated_centers(user=request.user),
            "year": year,
            "years": years,
            "rows": rows,
            "limit": allowances.tax_free_limit(year=year),
            "near_percent": int(billing.NEAR_LIMIT * 100),
        },
    )


# --------------------------------------------------------------------------- funding report


def _period(request: AuthenticatedHttpRequest) -> tuple[dt.date, dt.date, list[str]]:
    """``from``/``to`` (ISO dates); the current year so far by default. A bad date, ``from``
    after ``to`` or more than three years give a message and the default."""
    today = timezone.localdate()
    default = (dt.date(today.year, 1, 1), today)
    raw_from, raw_to = request.GET.get("from", ""), request.GET.get("to", "")
    if not raw_from and not raw_to:
        return default[0], default[1], []
    try:
        start = parse_date(raw_from) if raw_from else default[0]
        end = parse_date(raw_to) if raw_to else default[1]
    except ValueError:
        start = end = None
    if start is None or end is None:
        return default[0], default[1], [_("Please give the dates as YYYY-MM-DD.")]
    if start > end:
        return default[0], default[1], [_("The start of the period is after its end.")]
    if (end - start).days > MAX_PERIOD_DAYS:
        return default[0], default[1], [_("The period may be at most three years.")]
    return start, end, []


def _funding_tables(report: billing.FundingReport) -> list[exports.Table]:
    s = exports.suppressed
    summary = exports.Table(
        title=_("Summary"),
        headers=[_("Figure"), _("Value")],
        rows=[
            [_("Center"), report.center.name],
            [_("Period from"), report.start],
            [_("Period to"), report.end],
            [_("Assignments that took place"), s(report.assignments)],
            [_("Clients (distinct references)"), s(report.clients)],
            [_("Assignments without client reference"), s(report.without_client_ref)],
            [_("Active interpreters in the pool"), s(report.pool_size)],
            [_("Languages covered"), len(report.languages_covered)],
            [_("Allowances paid (EUR)"), report.amount_paid],
        ],
    )
    languages = exports.Table(
        title=_("Languages"),
        headers=[_("Language"), _("Assignments"), _("Clients")],
        rows=[[f.language, s(f.assignments), s(f.clients)] for f in report.languages],
    )
    buckets = exports.Table(
        title=_("Clients by assignments"),
        headers=[_("Assignments per client"), _("Clients")],
        rows=[[bucket, s(count)] for bucket, count in report.clients_by_assignments.items()],
    )
    covered = exports.Table(
        title=_("Languages covered"),
        headers=[_("Language")],
        rows=[[name] for name in report.languages_covered],
    )
    return [summary, languages, buckets, covered]


def _display(value: object) -> object:
    """A summary value as the page shows it (amounts in EUR, dates in the UI's format)."""
    if isinstance(value, Decimal):
        return number_format(value, 2, force_grouping=True) + " €"
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value


def _funding(request: AuthenticatedHttpRequest) -> tuple[billing.FundingReport, list[str]]:
    center = _center(request)
    start, end, errors = _period(request)
    return billing.funding_report(user=request.user, center=center, start=start, end=end), errors


@role_required(Role.COORDINATOR)
def funding_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The funding report's figures for a period (printable; small counts shown as "<3")."""
    report, errors = _funding(request)
    tables = _funding_tables(report)
    return render(
        request,
        "reports/funding_report.html",
        {
            "center": report.center,
            "centers": billing.coordinated_centers(user=request.user),
            "report": report,
            "tables": tables[1:],
            "summary": [(label, _display(value)) for label, value in tables[0].rows],
            "errors": errors,
            "query": _query(
                report.center, **{"from": report.start.isoformat(), "to": report.end.isoformat()}
            ),
        },
        status=400 if errors else 200,
    )


@role_required(Role.COORDINATOR)
def funding_report_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The funding report as XLSX (small counts as "<3")."""
    report, errors = _funding(request)
    if errors:
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    exports.export_audit(
        actor=request.user,
        center=report.center,
        export="funding_report",
        fmt="xlsx",
        rows=report.assignments,
        start=report.start.isoformat(),
        end=report.end.isoformat(),
    )
    name = _("funding-report") + f"-{report.center.slug}-{report.start}-{report.end}"
    return exports.table_download(_funding_tables(report), filename=name, fmt="xlsx")
