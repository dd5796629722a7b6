"""Reads of oversight: the dashboard's figures, supply and demand by language, the summary.

Everything here is computed from other apps' selectors (already scoped to the caller), so
each figure keeps the one definition its app gives it:

- requests open, offered, assigned, recently unfilled: :func:`requests.selectors.request_counts`;
  at risk: :func:`matching.selectors.at_risk_counts`; offers about to expire:
  :func:`matching.selectors.offers_expiring_count`; disputed Einsatznachweise: the disputed
  part of :func:`requests.selectors.confirmations_queue`;
- registrations waiting: :func:`volunteers.selectors.approval_queue`; paperwork:
  :func:`volunteers.selectors.paperwork_overview`;
- households waiting and quiet sponsorships: :func:`networks.selectors.household_list`
  (``waiting``) and :func:`networks.selectors.sponsorship_list` (``quiet``);
- active interpreters: :func:`sprachpool.selectors.active_profiles` (per language through
  :func:`sprachpool.selectors.language_coverage`).

**The period** is the appointment's day in Europe/Berlin, ``date_from`` to ``date_to``
inclusive (the request list's ``date_from``/``date_to``). **Requests** counts those not
cancelled; **filled** those assigned or completed; **fill rate** = filled / requests.
**Time to acceptance**: from filing (``created_at``) to the accepted offer's answer (or,
without one, the assignment's creation), median in hours over the filled requests.
**Towns without an interpreter in reach**: towns (the place's town) of the period's
in-person requests, not cancelled, for which no interpreter of today's pool
(:func:`sprachpool.selectors.interpreter_candidates`: active, cleared) would be feasible on
place alone: speaks the language at the minimum level, works in person, and lives within
their travel radius of the place (great-circle distance, the engine's ``too_far`` rule).
Availability is left out: it is the what-if replay's question.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import LEVEL_ORDER, Mode
from core.models import Center, User
from core.selectors import language_list
from matching import selectors as matching_selectors
from matching.core.feasibility import haversine_km
from networks import selectors as network_selectors
from requests import selectors as request_selectors
from requests.models import InterpreterRequest
from requests.selectors import RequestFact
from sprachpool import selectors as pool_selectors
from volunteers import selectors as volunteer_selectors
from volunteers.models import Volunteer

Status = InterpreterRequest.Status

#: The supply page's default period: the last 90 days.
DEFAULT_PERIOD_DAYS = 90
#: The longest period a report covers.
MAX_PERIOD_YEARS = 3
#: Counts below this are suppressed in figures meant for the state.
SUPPRESS_BELOW = 3
#: A request that no run recorded as unfilled (e.g. filed too late for any run).
NO_RUN = "no_run"

FILLED = (Status.ASSIGNED, Status.COMPLETED)


# --- the period -----------------------------------------------------------------------------


def default_period(*, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last :data:`DEFAULT_PERIOD_DAYS` days up to today (Europe/Berlin)."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def period_problem(date_from: dt.date, date_to: dt.date) -> str | None:
    """The one rule for a report's period: ``None`` when it is fine, else the message."""
    if date_from > date_to:
        return _("The start of the period must not be after its end.")
    if date_to > _years_later(date_from, MAX_PERIOD_YEARS):
        return _("A period may cover at most %(years)d years.") % {"years": MAX_PERIOD_YEARS}
    return None


# --- centers --------------------------------------------------------------------------------


def report_centers(*, user: User) -> list[Center]:
    """The centers the user coordinates (admins: all), by name."""
    return matching_selectors.coordinated_centers(user=user)


def report_center(*, user: User, center_id: int | None) -> Center | None:
    """The chosen center among those the user coordinates, else the first (``None``: none)."""
    centers = report_centers(user=user)
    for center in centers:
        if center.pk == center_id:
            return center
    return centers[0] if centers else None


# --- the dashboard --------------------------------------------------------------------------


def dashboard_counts(
    *, user: User, center: Center, now: dt.datetime | None = None
) -> dict[str, int]:
    """This week at a glance, for one center the user coordinates.

    ``open``, ``offered``, ``assigned``, ``unfilled`` (recent), ``at_risk``, ``expiring``
    (offers), ``disputed``, ``registrations``, ``paperwork``, ``households_waiting``,
    ``sponsorships_quiet``. A fixed number of queries.
    """
    now = now or timezone.now()
    requests = request_selectors.request_counts(user=user, center=center.pk, now=now)
    at_risk = matching_selectors.at_risk_counts(user=user, now=now, center=center.pk)
    disputed = (
        request_selectors.confirmations_queue(user=user, now=now)
        .filter(request__center=center, status="disputed")
        .count()
    )
    paperwork = sum(
        1
        for volunteer, _status in volunteer_selectors.paperwork_overview(
            user=user, on=timezone.localdate(now)
        )
        if volunteer.center_id == center.pk
    )
    return {
        "open": requests["open"],
        "offered": requests["offered"],
        "assigned": requests["assigned"],
        "at_risk": at_risk["soon"],
        "unfilled": requests["unfilled"],
        "expiring": matching_selectors.offers_expiring_count(user=user, center=center.pk, now=now),
        "disputed": disputed,
        "registrations": volunteer_selectors.approval_queue(user=user)
        .filter(center=center)
        .count(),
        "paperwork": paperwork,
        "households_waiting": network_selectors.household_list(user=user, waiting=True)
        .filter(center=center)
        .count(),
        "sponsorships_quiet": network_selectors.sponsorship_list(
            user=user, quiet=True, today=timezone.localdate(now)
        )
        .filter(network__center=center)
        .count(),
    }


# --- supply and demand ----------------------------------------------------------------------


@dataclass(frozen=True)
class TownGap:
    """A town with in-person demand in a language that no interpreter of the pool reaches."""

    town: str
    requests: int


@dataclass(frozen=True)
class LanguageSupply:
    """Supply and demand of one language over the period."""

    code: str
    name: str
    requests: int
    filled: int
    unfilled: int
    median_hours_to_accept: float | None
    active_interpreters: int
    towns_without_reach: list[TownGap] = field(default_factory=list)

    @property
    def fill_rate(self) -> float | None:
        """Filled / requests (``None`` without requests)."""
        return self.filled / self.requests if self.requests else None


def _median_hours(facts: Iterable[RequestFact]) -> float | None:
    hours = [
        (f.accepted_at - f.created_at).total_seconds() / 3600
        for f in facts
        if f.status in FILLED and f.accepted_at is not None
    ]
    return round(statistics.median(hours), 1) if hours else None


def _reachable(fact: RequestFact, pool: list[pool_selectors.InterpreterCandidate]) -> bool:
    """Whether anyone of the pool could reach this in-person request's place (language at the
    minimum level, in person, home within their travel radius)."""
    need = LEVEL_ORDER.get(fact.min_level, 0)
    able = [
        c
        for c in pool
        if Mode.IN_PERSON in c.modes
        and c.home is not None
        and LEVEL_ORDER.get(c.languages.get(fact.language_id, ""), -1) >= need
    ]
    if not able or fact.lat is None or fact.lon is None:
        return False
    homes = np.radians(np.array([c.home for c in able], dtype=float))
    place = np.radians(np.array([fact.lat, fact.lon], dtype=float))
    km = haversine_km(homes[:, 0], homes[:, 1], place[0], place[1])
    radius = np.array([c.max_travel_km for c in able], dtype=float)
    return bool(np.any(km <= radius))


def towns_without_reach(
    facts: Iterable[RequestFact], pool: list[pool_selectors.InterpreterCandidate]
) -> dict[str, list[TownGap]]:
    """Per language: the towns whose in-person requests (not cancelled, with coordinates)
    nobody of ``pool`` reaches, with how many such requests; most first."""
    gaps: dict[str, Counter[str]] = defaultdict(Counter)
    for fact in facts:
        if fact.mode != Mode.IN_PERSON or fact.status == Status.CANCELLED:
            continue
        if fact.lat is None or fact.lon is None:
            continue
        if not _reachable(fact, pool):
            gaps[fact.language_id][fact.city or "—"] += 1
    return {
        code: [TownGap(town, n) for town, n in sorted(c.items(), key=lambda t: (-t[1], t[0]))]
        for code, c in gaps.items()
    }


def supply_by_language(
    *, user: User, center: Center, date_from: dt.date, date_to: dt.date
) -> list[LanguageSupply]:
    """Per language with requests in the period or active interpreters: requests, filled,
    unfilled, the median time to acceptance, active interpreters and the towns without an
    interpreter in reach. Most requests first."""
    facts = request_selectors.request_facts(
        user=user, center_ids=[center.pk], date_from=date_from, date_to=date_to
    )
    coverage = pool_selectors.language_coverage(user=user, center=center)
    active = {row.language.code: row.total for row in coverage.rows}
    pool = pool_selectors.interpreter_candidates(center=center)
    gaps = towns_without_reach(facts, pool)
    by_language: dict[str, list[RequestFact]] = defaultdict(list)
    for fact in facts:
        by_language[fact.language_id].append(fact)
    codes = set(by_language) | {code for code, n in active.items() if n}
    names = {lang.code: lang.name for lang in language_list().filter(code__in=codes)}
    rows = []
    for code in codes:
        counted = [f for f in by_language.get(code, []) if f.status != Status.CANCELLED]
        rows.append(
            LanguageSupply(
                code=code,
                name=names.get(code, code),
                requests=len(counted),
                filled=sum(1 for f in counted if f.status in FILLED),
                unfilled=sum(1 for f in counted if f.status == Status.UNFILLED),
                median_hours_to_accept=_median_hours(counted),
                active_interpreters=active.get(code, 0),
                towns_without_reach=gaps.get(code, []),
            )
        )
    rows.sort(key=lambda r: (-r.requests, r.name.casefold()))
    return rows


# --- the summary ----------------------------------------------------------------------------


@dataclass
class Row:
    """Counts of one group (a language, department, mode or month, or all)."""

    key: str
    label: str
    requests: int = 0
    filled: int = 0
    unfilled: int = 0
    cancelled: int = 0
    minutes: int = 0

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))

    @property
    def fill_rate(self) -> float | None:
        return self.filled / self.requests if self.requests else None

    def add(self, fact: RequestFact) -> None:
        if fact.status == Status.CANCELLED:
            self.cancelled += 1
            return
        self.requests += 1
        self.filled += fact.status in FILLED
        self.unfilled += fact.status == Status.UNFILLED
        self.minutes += fact.worked_minutes or 0


@dataclass(frozen=True)
class Reason:
    """One reason why requests stayed unfilled, with how many."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Summary:
    """The period's figures for the report page, its download and the API."""

    date_from: dt.date
    date_to: dt.date
    centers: list[Center]
    total: Row
    unfilled_reasons: list[Reason]
    by_language: list[Row]
    by_department: list[Row]
    by_mode: list[Row]
    by_month: list[Row]
    #: Fill rate per ISO week (Monday) of the appointments.
    by_week: list[Row]
    sponsorships_started: int
    sponsorships_ended: int
    active_volunteers: int
    active_interpreters: int


def _group(
    facts: list[RequestFact], key: Callable[[RequestFact], str], label: Callable[[str], str]
) -> list[Row]:
    rows: dict[str, Row] = {}
    for fact in facts:
        k = key(fact)
        if k not in rows:
            rows[k] = Row(key=k, label=label(k))
        rows[k].add(fact)
    return list(rows.values())


def reason_label(code: str) -> str:
    """A reason code in words (the engine's, or "no run" for requests no run considered)."""
    if code == NO_RUN:
        return str(gettext_lazy("not considered by a matching run"))
    return matching_selectors.unfilled_reason_text(code)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def summary(*, user: User, centers: list[Center], date_from: dt.date, date_to: dt.date) -> Summary:
    """Requests (filled, unfilled with reasons, cancelled, hours) by language, department,
    mode, month and week; sponsorships started and ended in the period; active volunteers
    and interpreters today. Numbers only: no names, no client references."""
    center_ids = [c.pk for c in centers]
    facts = request_selectors.request_facts(
        user=user, center_ids=center_ids, date_from=date_from, date_to=date_to
    )
    total = Row(key="total", label=_("All requests"))
    for fact in facts:
        total.add(fact)

    unfilled = [f for f in facts if f.status == Status.UNFILLED]
    since = min((f.created_at for f in unfilled), default=timezone.now())
    reasons = matching_selectors.unfilled_reasons(
        user=user, request_ids=[f.id for f in unfilled], since=since
    )
    reason_counts = Counter((reasons.get(f.id) or (NO_RUN,))[0] for f in unfilled)
    unfilled_reasons = [
        Reason(code, reason_label(code), n)
        for code, n in sorted(reason_counts.items(), key=lambda t: (-t[1], t[0]))
    ]

    codes = {f.language_id for f in facts}
    names = {lang.code: lang.name for lang in language_list().filter(code__in=codes)}
    by_language = sorted(
        _group(facts, lambda f: f.language_id, lambda k: names.get(k, k)),
        key=lambda r: (-r.requests, r.label.casefold()),
    )
    departments = {f.department_id: f.department for f in facts}
    by_department = sorted(
        _group(facts, lambda f: str(f.department_id), lambda k: departments[int(k)]),
        key=lambda r: (-r.requests, r.label.casefold()),
    )
    modes = dict(Mode.choices)
    by_mode = sorted(
        _group(facts, lambda f: f.mode, lambda k: str(modes.get(k, k))),
        key=lambda r: list(modes).index(r.key) if r.key in modes else 99,
    )
    by_month = sorted(
        _group(facts, lambda f: _local_day(f.start).strftime("%Y-%m"), lambda k: k),
        key=lambda r: r.key,
    )

    def week_of(fact: RequestFact) -> str:
        day = _local_day(fact.start)
        return (day - dt.timedelta(days=day.weekday())).isoformat()

    by_week = sorted(_group(facts, week_of, lambda k: k), key=lambda r: r.key)

    sponsorships = network_selectors.sponsorship_list(user=user).filter(
        network__center__in=center_ids
    )
    started = sponsorships.filter(started_on__gte=date_from, started_on__lte=date_to).count()
    ended = sponsorships.filter(ended_on__gte=date_from, ended_on__lte=date_to).count()
    volunteers = (
        volunteer_selectors.volunteer_list(user=user, status=Volunteer.Status.ACTIVE)
        .filter(center__in=center_ids)
        .count()
    )
    interpreters = (
        pool_selectors.active_profiles(pool_selectors.coordinated_profiles(user=user))
        .filter(volunteer__center__in=center_ids)
        .count()
    )
    return Summary(
        date_from=date_from,
        date_to=date_to,
        centers=centers,
        total=total,
        unfilled_reasons=unfilled_reasons,
        by_language=by_language,
        by_department=by_department,
        by_mode=by_mode,
        by_month=by_month,
        by_week=by_week,
        sponsorships_started=started,
        sponsorships_ended=ended,
        active_volunteers=volunteers,
        active_interpreters=interpreters,
    )


# --- figures for the state: small counts suppressed -----------------------------------------


def suppressed(value: int, *, state: bool) -> int | None:
    """``value``, or ``None`` for 1 and 2 when the figures are meant for the state."""
    if state and 0 < value < SUPPRESS_BELOW:
        return None
    return value


def _row_data(row: Row, *, state: bool, key_name: str) -> dict[str, Any]:
    requests = suppressed(row.requests, state=state)
    filled = suppressed(row.filled, state=state)
    data: dict[str, Any] = {
        key_name: int(row.key) if key_name == "department" else row.key,
        "label": row.label,
        "requests": requests,
        "filled": filled,
        "unfilled": suppressed(row.unfilled, state=state),
        "cancelled": suppressed(row.cancelled, state=state),
        "hours": None if requests is None else str(row.hours),
        "fill_rate": None,
    }
    if requests is not None and filled is not None and row.fill_rate is not None:
        data["fill_rate"] = round(row.fill_rate, 4)
    counts = [data["requests"], data["filled"], data["unfilled"], data["cancelled"]]
    data["suppressed"] = any(v is None for v in counts)
    return data


def summary_data(result: Summary, *, state: bool = False) -> dict[str, Any]:
    """The summary as plain numbers (the API's body and the download); with ``state``,
    counts of 1 and 2 are ``null`` and the row or figure says ``suppressed``."""
    total = _row_data(result.total, state=state, key_name="key")
    total.pop("key")
    total.pop("label")
    reasons = []
    for reason in result.unfilled_reasons:
        count = suppressed(reason.count, state=state)
        reasons.append(
            {
                "reason": reason.code,
                "label": reason.label,
                "count": count,
                "suppressed": count is None,
            }
        )
    figures = {
        name: suppressed(getattr(result, name), state=state)
        for name in (
            "sponsorships_started",
            "sponsorships_ended",
            "active_volunteers",
            "active_interpreters",
        )
    }
    data: dict[str, Any] = {
        "from": result.date_from.isoformat(),
        "to": result.date_to.isoformat(),
        "centers": [c.pk for c in result.centers],
        "for_state": state,
        "suppressed_below": SUPPRESS_BELOW if state else None,
        "requests": total,
        "unfilled_reasons": reasons,
        "by_language": [_row_data(r, state=state, key_name="language") for r in result.by_language],
        "by_department": [
            _row_data(r, state=state, key_name="department") for r in result.by_department
        ],
        "by_mode": [_row_data(r, state=state, key_name="mode") for r in result.by_mode],
        "by_month": [_row_data(r, state=state, key_name="month") for r in result.by_month],
        "sponsorships": {
            "started": figures["sponsorships_started"],
            "ended": figures["sponsorships_ended"],
        },
        "active_volunteers": figures["active_volunteers"],
        "active_interpreters": figures["active_interpreters"],
    }
    rows = [data["requests"], *reasons]
    for name in ("by_language", "by_department", "by_mode", "by_month"):
        rows += data[name]
    data["suppressed"] = any(v is None for v in figures.values()) or any(
        row["suppressed"] for row in rows
    )
    return data
