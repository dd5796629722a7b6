"""Reads of the coordinator console, scoped to the centers the user coordinates.

The requests at a glance (open, offered, awaiting confirmation, unfilled, soon starting),
the runs and their requests, and the interpreters a coordinator may offer a request to,
each with the engine's verdict on the hard constraints. Lists load their relations in a
fixed number of queries, whatever their length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import LEVEL_ORDER, Level
from core.models import Center, Role, User
from core.scoping import center_ids_for, is_admin
from matching.models import MatchingRun
from matching.services import (
    _reason_text,
    instance_build,
    interpreter_engine_id,
    pair_check,
    pair_entries,
    request_engine_id,
)
from requests.models import InterpreterRequest, Offer, RequestExclusion
from sprachpool.models import InterpreterProfile
from sprachpool.selectors import interpreter_list

Status = InterpreterRequest.Status

#: Rows per section of the console (the rest behind "show all").
SECTION_ROWS = 15
#: "Soon starting": appointments within this time without an interpreter.
SOON = dt.timedelta(hours=48)
#: Unfilled requests this far back are shown.
UNFILLED_SINCE = dt.timedelta(days=14)
#: At most this many interpreters are checked and listed for a manual offer.
CANDIDATE_LIMIT = 30


def coordinated_centers(*, user: User) -> list[Center]:
    """The centers the user coordinates (admins: all), by name."""
    centers = Center.objects.all()
    if not is_admin(user):
        centers = centers.filter(pk__in=center_ids_for(user, roles=[Role.COORDINATOR]))
    return list(centers.order_by("name", "pk"))


def console_requests(*, user: User) -> QuerySet[InterpreterRequest]:
    """Requests of the centers the user coordinates (never a caseworker's other centers)."""
    return InterpreterRequest.objects.for_user(user, roles=[Role.COORDINATOR])


def console_offers(*, user: User) -> QuerySet[Offer]:
    """Offers of the centers the user coordinates."""
    return Offer.objects.for_user(user, roles=[Role.COORDINATOR])


def _request_rows(requests: QuerySet[InterpreterRequest]) -> QuerySet[InterpreterRequest]:
    return requests.select_related("language", "department", "center").prefetch_related(
        Prefetch(
            "offers",
            queryset=Offer.objects.filter(
                Q(status=Offer.Status.PENDING)
                | Q(status=Offer.Status.ACCEPTED, awaiting_confirmation=True)
            ).select_related("interpreter__volunteer"),
            to_attr="live_offers",
        )
    )


@dataclass
class Section:
    """One list of the console: the first rows and how many there are in all."""

    rows: list[Any]
    total: int


@dataclass
class LastRun:
    """A center's latest finished run, and the requests it left unfilled."""

    run: MatchingRun
    unfilled: set[int] = field(default_factory=set)


@dataclass
class Overview:
    """The console at a glance."""

    open: Section
    offered: Section
    awaiting: Section
    unfilled: Section
    soon: Section
    last_runs: dict[int, LastRun]

    @property
    def not_filled_last_run(self) -> set[int]:
        """Requests the latest run of their center could not fill."""
        return {pk for last in self.last_runs.values() for pk in last.unfilled}


def last_runs(*, centers: list[Center]) -> dict[int, LastRun]:
    """The latest finished run per center, in two queries."""
    latest = (
        MatchingRun.objects.filter(center=OuterRef("pk"), status=MatchingRun.Status.FINISHED)
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    ids = [
        pk
        for pk in Center.objects.filter(pk__in=[c.pk for c in centers])
        .annotate(last=Subquery(latest))
        .values_list("last", flat=True)
        if pk is not None
    ]
    out: dict[int, LastRun] = {}
    for run in MatchingRun.objects.filter(pk__in=ids).defer("instance"):
        unfilled = {
            int(str(u.get("request", "r-0")).split("-", 1)[1])
            for u in (run.result or {}).get("unfilled", [])
        }
        out[run.center_id] = LastRun(run=run, unfilled=unfilled)
    return out


def console_overview(
    *, user: User, centers: list[Center], now: dt.datetime | None = None
) -> Overview:
    """Open, offered, awaiting confirmation, unfilled and soon-starting requests.

    A fixed number of queries: one for all counts, one (plus one prefetch) per section, and
    two for the latest runs.
    """
    now = now or timezone.now()
    requests = console_requests(user=user).filter(center__in=[c.pk for c in centers])
    soon = Q(status__in=[Status.OPEN, Status.OFFERED], start__gt=now, start__lte=now + SOON)
    unfilled = Q(status=Status.UNFILLED, start__gte=now - UNFILLED_SINCE)
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status=Status.OPEN, start__gt=now)),
        offered=Count("pk", filter=Q(status=Status.OFFERED, start__gt=now)),
        unfilled=Count("pk", filter=unfilled),
        soon=Count("pk", filter=soon),
    )
    awaiting = (
        console_offers(user=user)
        .filter(
            request__center__in=[c.pk for c in centers],
            status=Offer.Status.ACCEPTED,
            awaiting_confirmation=True,
        )
        .select_related("request__language", "request__center", "interpreter__volunteer")
        .order_by("request__start", "pk")
    )

    def rows(q: Q, *order: str) -> list[InterpreterRequest]:
        return list(_request_rows(requests.filter(q)).order_by(*order)[:SECTION_ROWS])

    return Overview(
        open=Section(rows(Q(status=Status.OPEN, start__gt=now), "start", "pk"), counts["open"]),
        offered=Section(
            rows(Q(status=Status.OFFERED, start__gt=now), "start", "pk"), counts["offered"]
        ),
        awaiting=Section(list(awaiting[:SECTION_ROWS]), awaiting.count()),
        unfilled=Section(rows(unfilled, "-start", "-pk"), counts["unfilled"]),
        soon=Section(rows(soon, "start", "pk"), counts["soon"]),
        last_runs=last_runs(centers=centers),
    )


def at_risk_counts(
    *, user: User, now: dt.datetime | None = None, center: int | None = None
) -> dict[str, int]:
    """For the home card and the dashboard: requests starting soon without an interpreter
    (at risk), offers to confirm; ``center`` limits both to one center."""
    now = now or timezone.now()
    soon = Q(status__in=[Status.OPEN, Status.OFFERED], start__gt=now, start__lte=now + SOON)
    requests, offers = console_requests(user=user), console_offers(user=user)
    if center is not None:
        requests, offers = requests.filter(center_id=center), offers.filter(request__center=center)
    counts = requests.aggregate(soon=Count("pk", filter=soon))
    awaiting = offers.filter(status=Offer.Status.ACCEPTED, awaiting_confirmation=True).count()
    return {"soon": counts["soon"], "awaiting": awaiting}


#: "About to expire": a pending offer whose answer is due within this time.
EXPIRING_WITHIN = dt.timedelta(hours=6)


def offers_expiring_count(
    *, user: User, center: int | None = None, now: dt.datetime | None = None
) -> int:
    """Pending offers still open for an answer that expire within :data:`EXPIRING_WITHIN`
    (the console's "offered" section lists them with their expiry)."""
    now = now or timezone.now()
    offers = console_offers(user=user).filter(
        status=Offer.Status.PENDING, expires_at__gt=now, expires_at__lte=now + EXPIRING_WITHIN
    )
    if center is not None:
        offers = offers.filter(request__center=center)
    return offers.count()


def unfilled_reasons(
    *, user: User, request_ids: list[int], since: dt.datetime
) -> dict[int, tuple[str, ...]]:
    """Why each of these requests stayed unfilled: the reason codes (contract order) of the
    latest finished run since ``since`` that left it unfilled. Requests no run left
    unfilled are missing. Reads only the runs' results, in chunks."""
    wanted = {request_engine_id(pk): pk for pk in request_ids}
    found: dict[int, tuple[str, ...]] = {}
    if not wanted:
        return found
    runs = (
        MatchingRun.visible_to(user)
        .filter(status=MatchingRun.Status.FINISHED, started_at__gte=since)
        .order_by("started_at", "pk")
        .values_list("result", flat=True)
    )
    for result in runs.iterator(chunk_size=200):
        for entry in (result or {}).get("unfilled", []):
            pk = wanted.get(str(entry.get("request", "")))
            if pk is not None:
                found[pk] = tuple(str(code) for code in entry.get("reasons", []))
    return found


def unfilled_reason_text(code: str) -> str:
    """Why a run left a request unfilled, in words (one reason code)."""
    return _reason_text(code)


# --- runs ---------------------------------------------------------------------------------


def run_list(*, user: User, center: int | None = None) -> QuerySet[MatchingRun]:
    """Runs of the centers the user coordinates, newest first (without the big documents)."""
    runs = MatchingRun.visible_to(user)
    if center is not None:
        runs = runs.filter(center_id=center)
    return (
        runs.select_related("center", "requested_by")
        .defer("instance", "result")
        .order_by("-started_at", "-pk")
    )


def run_get(*, user: User, pk: int) -> MatchingRun:
    """One run of a center the user coordinates, else ``MatchingRun.DoesNotExist``."""
    return MatchingRun.visible_to(user).select_related("center", "requested_by").get(pk=pk)


def run_requests(*, run: MatchingRun, ids: list[int]) -> dict[int, InterpreterRequest]:
    """The run's requests by id, as they are now (one query)."""
    return {
        r.pk: r
        for r in InterpreterRequest.objects.filter(center_id=run.center_id, pk__in=ids)
        .select_related("language", "department")
        .order_by()
    }


# --- the manual offer ---------------------------------------------------------------------

#: What keeps one interpreter from taking the request, by the engine's reason code.
_VIOLATION_TEXT = {
    "no_interpreter_for_language": lambda: _("does not speak the language"),
    "level_too_low": lambda: _("language level below the minimum"),
    "mode_not_offered": lambda: _("does not work in this mode"),
    "too_far": lambda: _("beyond the travel radius"),
    "not_available": lambda: _("not available at that time"),
    "gender_preference": lambda: _("does not match the gender preference"),
    "client_excluded": lambda: _("excluded for this client"),
    "no_child_clearance": lambda: _("no extended police certificate (children involved)"),
    "topic_declined": lambda: _("does not take this setting"),
    "interpreter_excluded": lambda: _("declined, let an offer expire or was excluded"),
    "all_candidates_taken": lambda: _("booked at that time"),
}


def violation_text(code: str) -> str:
    """One interpreter's hard-constraint violation in words."""
    text = _VIOLATION_TEXT.get(code)
    return str(text()) if text else code


@dataclass
class Candidate:
    """One interpreter a coordinator might offer the request to, with the engine's check."""

    profile: InterpreterProfile
    #: ``False`` when the request is not open (nothing to check).
    checked: bool = False
    violations: list[str] = field(default_factory=list)
    travel_km: float | None = None
    hours_last_30_days: float | None = None
    level: str = ""
    excluded: bool = False
    previous: bool = False
    offered: bool = False
    below_level: bool = False
    #: Position in the first, rough ranking (keeps unchecked candidates in a useful order).
    rank: int = 0

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level in Level.values else self.level

    @property
    def can_offer(self) -> bool:
        return self.checked and not self.violations and not self.offered


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.get(level, -1)


def request_candidates(
    *,
    user: User,
    request: InterpreterRequest,
    limit: int = CANDIDATE_LIMIT,
    now: dt.datetime | None = None,
) -> tuple[list[Candidate], int]:
    """The center's active interpreters speaking the request's language, checked.

    The instance is built once; each interpreter is then solved alone with the request (as
    :func:`matching.services.offer_check` does), so every hard constraint is the engine's.
    The ``limit`` best are checked and returned: those the engine could use first, then
    the better level, then the name; after checking, those without violations first,
    nearest and least busy first.

    :return: the candidates and how many interpreters speak the language in all.
    """
    now = now or timezone.now()
    profiles = list(
        interpreter_list(user=user, language=request.language_id, active=True).filter(
            volunteer__center_id=request.center_id
        )
    )
    excluded = set(
        RequestExclusion.objects.filter(request=request).values_list("interpreter_id", flat=True)
    )
    offered = set(
        Offer.objects.filter(
            request=request, status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]
        ).values_list("interpreter_id", flat=True)
    )
    is_open = request.status == Status.OPEN and request.start > now
    built = instance_build(center=request.center, now=now) if is_open else None
    req_entry: dict[str, Any] | None = None
    entries: dict[str, dict[str, Any]] = {}
    if built is not None:
        req_entry, entries = pair_entries(built, request_pk=request.pk)

    def level_of(profile: InterpreterProfile) -> str:
        for skill in profile.volunteer.languages.all():
            if skill.language_id == request.language_id:
                return str(skill.level)
        return ""

    def rough(profile: InterpreterProfile) -> tuple[Any, ...]:
        level = level_of(profile)
        return (
            interpreter_engine_id(profile.pk) not in entries,
            profile.pk in excluded,
            _level_rank(level) < _level_rank(request.min_level),
            request.mode not in (profile.modes or []),
            -_level_rank(level),
            profile.volunteer.display_name,
            profile.pk,
        )

    total = len(profiles)
    chosen = sorted(profiles, key=rough)[:limit]
    previous = req_entry.get("previous_interpreter") if req_entry else None
    candidates: list[Candidate] = []
    below = _level_rank(request.min_level)
    for rank, profile in enumerate(chosen):
        engine_id = interpreter_engine_id(profile.pk)
        candidate = Candidate(
            profile=profile,
            level=level_of(profile),
            excluded=profile.pk in excluded,
            offered=profile.pk in offered,
            previous=previous == engine_id,
            rank=rank,
        )
        candidate.below_level = _level_rank(candidate.level) < below
        if built is not None and req_entry is not None:
            candidate.checked = True
            entry = entries.get(engine_id)
            if entry is None:
                candidate.violations = [_("not cleared for offers or no availability then")]
            else:
                candidate.hours_last_30_days = entry.get("hours_last_30_days")
                codes, candidate.travel_km = pair_check(built, req_entry, entry)
                candidate.violations = [violation_text(c) for c in codes]
        candidates.append(candidate)
    candidates.sort(
        key=lambda c: (
            bool(c.violations),
            len(c.violations),
            c.travel_km or 0.0,
            c.hours_last_30_days or 0.0,
            c.rank,
        )
    )
    return candidates, total


def request_history(*, request: InterpreterRequest) -> tuple[list[Offer], list[RequestExclusion]]:
    """The request's offers (newest first) and exclusions, with the interpreters' names."""
    offers = list(
        Offer.objects.filter(request=request)
        .select_related("interpreter__volunteer", "created_by")
        .order_by("-created_at", "-pk")
    )
    exclusions = list(
        RequestExclusion.objects.filter(request=request)
        .select_related("interpreter__volunteer", "created_by")
        .order_by("created_at", "pk")
    )
    return offers, exclusions


def interpreters_unconfirmed(*, user: User, centers: list[Center]) -> list[InterpreterProfile]:
    """Active interpreters whose e-mail address is not confirmed: offers reach them by SMS at
    most, never by e-mail, until they open the confirmation link."""
    from sprachpool.selectors import active_profiles, coordinated_profiles

    return list(
        active_profiles(coordinated_profiles(user=user))
        .filter(volunteer__center__in=[c.pk for c in centers], volunteer__email_confirmed_at=None)
        .select_related("volunteer", "volunteer__center")
        .order_by("volunteer__last_name", "volunteer__first_name", "pk")
    )
