"""The coordinator's oversight pages: the dashboard (this week at a glance), supply and
demand by language, and the summary report with its download.

Coordinators only (others 403). A coordinator of several centers chooses one with
``?center=`` (a center they do not coordinate, or no number, is ignored: their first
center is shown). Thin: the figures come from :mod:`reports.selectors`, the charts from
:mod:`reports.charts`.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import AuditEvent, Center, Role
from core.params import parse_id
from core.services import audit_log
from core.web import AuthenticatedHttpRequest, role_required
from reports import charts, selectors

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """The period of a report (``?from=&to=``), checked by :func:`selectors.period_problem`."""

    def __init__(self, *args: Any, default: tuple[dt.date, dt.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=gettext_lazy("From"), required=False, widget=DATE_INPUT
        )
        self.fields["to"] = forms.DateField(
            label=gettext_lazy("Until"), required=False, widget=DATE_INPUT
        )
        self.default = default

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        date_from = data.get("from") or self.default[0]
        date_to = data.get("to") or self.default[1]
        problem = selectors.period_problem(date_from, date_to)
        if problem:
            raise forms.ValidationError(problem)
        data["from"], data["to"] = date_from, date_to
        return data

    def period(self) -> tuple[dt.date, dt.date] | None:
        """The valid period (the default where a date is left out), ``None`` on errors."""
        if not self.is_bound:
            return self.default
        if not self.is_valid():
            return None
        return self.cleaned_data["from"], self.cleaned_data["to"]


def _center(request: AuthenticatedHttpRequest) -> tuple[list[Center], Center | None]:
    centers = selectors.report_centers(user=request.user)
    return centers, selectors.report_center(
        user=request.user, center_id=parse_id(request.GET.get("center"))
    )


def _period_form(request: AuthenticatedHttpRequest) -> PeriodForm:
    bound = any(request.GET.get(name) for name in ("from", "to"))
    default = selectors.default_period()
    return PeriodForm(
        request.GET if bound else None,
        default=default,
        initial={"from": default[0], "to": default[1]},
    )


@dataclass(frozen=True)
class DashboardFigure:
    """One figure of the dashboard with the list behind it."""

    key: str
    label: str
    value: int
    url: str
    attention: bool = False


def _url(name: str, query: str = "", fragment: str = "") -> str:
    url = reverse(name)
    if query:
        url += "?" + query
    if fragment:
        url += "#" + fragment
    return url


def dashboard_figures(
    counts: dict[str, int], *, center: Center, many_centers: bool
) -> list[DashboardFigure]:
    """The dashboard's figures in reading order, each linked to its filtered list."""
    from requests.selectors import unfilled_recent_since

    by_center = f"&center={center.pk}" if many_centers else ""
    since = unfilled_recent_since().isoformat()
    spec = [
        ("open", _("Open requests"), _url("request-list", "status=open" + by_center), False),
        (
            "offered",
            _("Requests offered to an interpreter"),
            _url("request-list", "status=offered" + by_center),
            False,
        ),
        (
            "assigned",
            _("Upcoming appointments with an interpreter"),
            _url("request-list", "status=assigned" + by_center),
            False,
        ),
        (
            "at_risk",
            _("At risk: in the next 48 hours still without an interpreter"),
            _url("matching-console", fragment="soon"),
            True,
        ),
        (
            "unfilled",
            _("Unfilled (appointments of the last 7 days)"),
            _url("request-list", f"status=unfilled&date_from={since}" + by_center),
            True,
        ),
        (
            "expiring",
            _("Offers expiring within 6 hours"),
            _url("matching-console", fragment="offered"),
            True,
        ),
        ("disputed", _("Disputed Einsatznachweise"), _url("confirmation-queue"), True),
        ("registrations", _("Registrations awaiting approval"), _url("volunteer-approvals"), True),
        (
            "paperwork",
            _("Paperwork missing or due within 60 days"),
            _url("volunteer-paperwork"),
            True,
        ),
        (
            "households_waiting",
            _("Households waiting for a Pate"),
            _url("household-list", "show=waiting"),
            True,
        ),
        (
            "sponsorships_quiet",
            _("Sponsorships without a check-in for over 8 weeks"),
            _url("sponsorship-list", "quiet=1"),
            True,
        ),
    ]
    return [
        DashboardFigure(key, label, counts[key], url, attention=attention and counts[key] > 0)
        for key, label, url, attention in spec
    ]


@role_required(Role.COORDINATOR)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/reports/``: this week at a glance for one center."""
    centers, center = _center(request)
    figures: list[DashboardFigure] = []
    if center is not None:
        counts = selectors.dashboard_counts(user=request.user, center=center)
        figures = dashboard_figures(counts, center=center, many_centers=len(centers) > 1)
    return render(
        request,
        "reports/dashboard.html",
        {
            "centers": centers,
            "center": center,
            "many_centers": len(centers) > 1,
            "requests_figures": figures[:6],
            "people_figures": figures[6:],
        },
    )


# --- charts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A chart and the table of its numbers."""

    key: str
    title: str
    svg: SafeString
    column: str
    rows: list[tuple[str, str]]


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{number_format(round(rate * 100), 0)} %"


def _week_label(monday: str) -> str:
    day = dt.date.fromisoformat(monday)
    return f"{day.day:02d}.{day.month:02d}."


def fill_rate_chart(result: selectors.Summary) -> Chart:
    weeks = [row for row in result.by_week if row.requests]
    bars = [
        charts.Bar(_week_label(row.key), row.fill_rate or 0.0, _percent(row.fill_rate))
        for row in weeks
    ]
    title = _("Fill rate by week")
    return Chart(
        key="fill-rate-week",
        title=title,
        svg=charts.column_chart(
            chart_id="fill-rate-week",
            title=title,
            description=_(
                "Share of requests filled, per week of the appointment (weeks start on Monday)."
            ),
            bars=bars,
        ),
        column=_("Fill rate"),
        rows=[
            (
                _("Week of %(day)s") % {"day": _week_label(row.key)},
                f"{_percent(row.fill_rate)} ({row.filled}/{row.requests})",
            )
            for row in weeks
        ],
    )


def _count_chart(key: str, title: str, description: str, items: list[tuple[str, int]]) -> Chart:
    bars = [charts.Bar(label, float(n), str(n)) for label, n in items]
    return Chart(
        key=key,
        title=title,
        svg=charts.bar_chart(chart_id=key, title=title, description=description, bars=bars),
        column=_("Requests"),
        rows=[(label, str(n)) for label, n in items],
    )


def summary_charts(result: selectors.Summary) -> list[Chart]:
    """Fill rate by week, demand by language and by department, unfilled reasons."""
    return [
        fill_rate_chart(result),
        _count_chart(
            "demand-language",
            _("Demand by language"),
            _("Requests per language in the period (cancelled ones not counted)."),
            [(r.label, r.requests) for r in result.by_language if r.requests],
        ),
        _count_chart(
            "demand-department",
            _("Demand by department"),
            _("Requests per department in the period (cancelled ones not counted)."),
            [(r.label, r.requests) for r in result.by_department if r.requests],
        ),
        _count_chart(
            "unfilled-reasons",
            _("Why requests stayed unfilled"),
            _("Unfilled requests by the first reason of the last matching run."),
            [(r.label, r.count) for r in result.unfilled_reasons],
        ),
    ]


# --- supply and demand ----------------------------------------------------------------------


def _replay_url() -> str | None:
    """The what-if replay's page, once it exists."""
    try:
        return reverse("reports-replay")
    except NoReverseMatch:
        return None


@role_required(Role.COORDINATOR)
def supply(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/reports/supply/?from=&to=``: supply and demand per language (default 90 days)."""
    centers, center = _center(request)
    form = _period_form(request)
    period = form.period()
    context: dict[str, Any] = {
        "centers": centers,
        "center": center,
        "many_centers": len(centers) > 1,
        "form": form,
        "replay_url": _replay_url(),
    }
    if period is None:
        return render(request, "reports/supply.html", context, status=400)
    date_from, date_to = period
    context.update(date_from=date_from, date_to=date_to)
    if center is not None:
        rows = selectors.supply_by_language(
            user=request.user, center=center, date_from=date_from, date_to=date_to
        )
        result = selectors.summary(
            user=request.user, centers=[center], date_from=date_from, date_to=date_to
        )
        charts_ = summary_charts(result)
        context.update(
            rows=rows,
            charts=[charts_[0], charts_[1]],
            by_center=f"&center={center.pk}" if len(centers) > 1 else "",
        )
    return render(request, "reports/supply.html", context)


# --- the summary ----------------------------------------------------------------------------


def _summary_centers(
    request: AuthenticatedHttpRequest,
) -> tuple[list[Center], Center | None, list[Center]]:
    """All centers the user coordinates, the chosen one (``None``: all), the ones counted."""
    centers = selectors.report_centers(user=request.user)
    chosen = parse_id(request.GET.get("center"))
    center = next((c for c in centers if c.pk == chosen), None)
    return centers, center, [center] if center is not None else centers


@role_required(Role.COORDINATOR)
def summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/reports/summary/?from=&to=[&state=1]``: the period's figures, with charts."""
    centers, center, counted = _summary_centers(request)
    form = _period_form(request)
    period = form.period()
    state = request.GET.get("state") == "1"
    context: dict[str, Any] = {
        "centers": centers,
        "center": center,
        "many_centers": len(centers) > 1,
        "form": form,
        "state": state,
    }
    if period is None:
        return render(request, "reports/summary.html", context, status=400)
    date_from, date_to = period
    result = selectors.summary(
        user=request.user, centers=counted, date_from=date_from, date_to=date_to
    )
    data = selectors.summary_data(result, state=state)
    query = request.GET.copy()
    query["from"], query["to"] = date_from.isoformat(), date_to.isoformat()
    context.update(
        date_from=date_from,
        date_to=date_to,
        data=data,
        charts=summary_charts(result) if not state else [],
        download_query=query.urlencode(),
    )
    return render(request, "reports/summary.html", context)


def _cell(value: Any) -> str:
    return "<3" if value is None else str(value)


@role_required(Role.COORDINATOR)
def summary_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """``/reports/summary.csv``: the summary as CSV (``state=1``: small counts as "<3"),
    audited as an export."""
    centers, center, counted = _summary_centers(request)
    form = _period_form(request)
    period = form.period()
    if period is None:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    date_from, date_to = period
    state = request.GET.get("state") == "1"
    result = selectors.summary(
        user=request.user, centers=counted, date_from=date_from, date_to=date_to
    )
    data = selectors.summary_data(result, state=state)
    for c in counted:
        audit_log(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            center=c,
            object_type="reports.summary",
            detail={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "for_state": state,
                "format": "csv",
            },
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"summary-{date_from:%Y%m%d}-{date_to:%Y%m%d}{'-state' if state else ''}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    columns = ("requests", "filled", "unfilled", "cancelled", "hours")
    writer.writerow(["group", "key", "label", *columns])
    writer.writerow(["total", "", "", *(_cell(data["requests"][k]) for k in columns)])
    for group, key in (
        ("by_language", "language"),
        ("by_department", "department"),
        ("by_mode", "mode"),
        ("by_month", "month"),
    ):
        for row in data[group]:
            writer.writerow([group, row[key], row["label"], *(_cell(row[k]) for k in columns)])
    for reason in data["unfilled_reasons"]:
        writer.writerow(
            ["unfilled_reason", reason["reason"], reason["label"], _cell(reason["count"])]
        )
    for name, value in (
        ("sponsorships_started", data["sponsorships"]["started"]),
        ("sponsorships_ended", data["sponsorships"]["ended"]),
        ("active_volunteers", data["active_volunteers"]),
        ("active_interpreters", data["active_interpreters"]),
    ):
        writer.writerow([name, "", "", _cell(value)])
    return response
