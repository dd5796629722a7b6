"""The adapter between the database and the pure engine: build, solve, write.

:func:`instance_build` reads one center's open requests and cleared interpreters through
the selectors (a fixed number of queries, whatever the numbers) and writes a
``wir-matching/1`` instance (with the project's extension ``excluded_interpreters``,
docs/matching-extensions.md). :func:`run_for_center` stores a :class:`MatchingRun` with
the instance, the explained result and the time of each part, and hands the assignments
to :func:`requests.services.offers_create_for_run`.

Two runs for one center never overlap: a run holds the lock of the center's
:class:`MatchingState` row for its whole transaction (``select_for_update``; SQLite
serialises every writing transaction anyway). A trigger that waited for the lock while
another run started after it was asked is coalesced into that run, not run again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.choices import Mode
from core.models import Center, Role, User
from core.scoping import has_role
from matching.core import InstanceError, Weights, parse_instance, solve
from matching.models import MatchingRun, MatchingState
from requests import services as request_services
from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion
from sprachpool.models import InterpreterProfile
from sprachpool.selectors import InterpreterCandidate, interpreter_candidates

logger = logging.getLogger(__name__)

INSTANCE_FORMAT = "wir-matching/1"
#: Requests further ahead than this wait for a later run.
HORIZON = dt.timedelta(days=90)
HOURS_WINDOW = dt.timedelta(days=30)


def request_engine_id(pk: int) -> str:
    """A request's id in an instance."""
    return f"r-{pk}"


def interpreter_engine_id(pk: int) -> str:
    """An interpreter profile's id in an instance."""
    return f"i-{pk}"


def _engine_pk(engine_id: str) -> int:
    return int(engine_id.split("-", 1)[1])


def _iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


@dataclass
class Built:
    """An instance and what the write step needs to turn its result into offers."""

    instance: dict[str, Any]
    requests: dict[str, InterpreterRequest] = field(default_factory=dict)
    interpreters: dict[str, InterpreterCandidate] = field(default_factory=dict)


def _interpreter_entry(
    candidate: InterpreterCandidate, busy: list[tuple[dt.datetime, dt.datetime]], hours: float
) -> dict[str, Any]:
    lat, lon = candidate.home if candidate.home is not None else (0.0, 0.0)
    return {
        "id": interpreter_engine_id(candidate.id),
        "languages": dict(candidate.languages),
        "gender": candidate.gender,
        "home": {"lat": lat, "lon": lon},
        "max_travel_km": candidate.max_travel_km,
        "modes": list(candidate.modes),
        "availability": [{"start": _iso(s), "end": _iso(e)} for s, e in candidate.availability],
        "busy": [{"start": _iso(s), "end": _iso(e)} for s, e in sorted(busy)],
        "hours_last_30_days": round(hours, 2),
        "excluded_clients": list(candidate.excluded_clients),
        "child_clearance": candidate.child_clearance,
        "declined_topics": list(candidate.declined_topics),
    }


def _request_entry(
    request: InterpreterRequest, previous: int | None, excluded: list[int]
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": request_engine_id(request.pk),
        "language": request.language_id,
        "min_level": request.min_level,
        "start": _iso(request.start),
        "end": _iso(request.end),
        "mode": request.mode,
        "gender_preference": request.gender_preference or None,
        "client_ref": request.client_ref or None,
        "previous_interpreter": interpreter_engine_id(previous) if previous else None,
        "priority": request.priority,
        "topic": request.topic or None,
        "minors_involved": request.minors_involved,
        "excluded_interpreters": [interpreter_engine_id(pk) for pk in sorted(excluded)],
    }
    if request.mode == Mode.IN_PERSON and request.lat is not None and request.lon is not None:
        entry["location"] = {"lat": request.lat, "lon": request.lon}
    return entry


def instance_build(*, center: Center, now: dt.datetime | None = None) -> Built:
    """The ``wir-matching/1`` instance of a center's open requests (a fixed number of queries).

    Requests: open (so without a pending offer), starting after ``now`` and within
    :data:`HORIZON`. Interpreters: active and cleared (``interpreter_candidates``), with
    weekly times expanded and absences cut out over the requests' span; their assignments
    and pending or accepted offers as ``busy``; ``hours_last_30_days`` from assignments;
    ``previous_interpreter`` from the client's last completed assignment in this center;
    interpreters who declined, let the offer expire or were excluded, per request.
    """
    now = now or timezone.now()
    requests = list(
        InterpreterRequest.objects.filter(
            center=center,
            status=InterpreterRequest.Status.OPEN,
            start__gt=now,
            start__lte=now + HORIZON,
        ).order_by("start", "pk")
    )
    built = Built(
        instance={
            "format": INSTANCE_FORMAT,
            "gap_minutes": center.gap_minutes,
            "interpreters": [],
            "requests": [],
        }
    )
    if not requests:
        return built
    span_start = min(r.start for r in requests)
    span_end = max(r.end for r in requests)
    candidates = [
        c
        for c in interpreter_candidates(
            center=center, start=span_start, end=span_end, on=now.date()
        )
        if c.availability
    ]
    ids = [c.id for c in candidates]

    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for interpreter_id, start, end in (
        Assignment.objects.holding()
        .filter(interpreter_id__in=ids, start__lt=span_end, end__gt=span_start)
        .values_list("interpreter_id", "start", "end")
    ):
        busy[interpreter_id].append((start, end))
    for interpreter_id, start, end in (
        Offer.objects.filter(
            interpreter_id__in=ids,
            request__start__lt=span_end,
            request__end__gt=span_start,
        )
        .filter(
            # pending offers, and accepted ones waiting for the coordinator
            status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED],
            assignment__isnull=True,
        )
        .values_list("interpreter_id", "request__start", "request__end")
    ):
        busy[interpreter_id].append((start, end))

    hours: dict[int, float] = defaultdict(float)
    for interpreter_id, start, end in (
        Assignment.objects.holding()
        .filter(interpreter_id__in=ids, start__gte=now - HOURS_WINDOW, start__lt=now)
        .values_list("interpreter_id", "start", "end")
    ):
        hours[interpreter_id] += (end - start).total_seconds() / 3600

    excluded: dict[int, list[int]] = defaultdict(list)
    for request_id, interpreter_id in RequestExclusion.objects.filter(
        request__in=[r.pk for r in requests]
    ).values_list("request_id", "interpreter_id"):
        excluded[request_id].append(interpreter_id)

    refs = {r.client_ref for r in requests if r.client_ref}
    previous: dict[str, int] = {}
    if refs:
        for ref, interpreter_id in (
            Assignment.objects.filter(
                request__center=center,
                request__client_ref__in=refs,
                status=Assignment.Status.COMPLETED,
            )
            .order_by("start", "pk")
            .values_list("request__client_ref", "interpreter_id")
        ):
            previous[ref] = interpreter_id  # the last one wins

    for candidate in candidates:
        engine_id = interpreter_engine_id(candidate.id)
        built.interpreters[engine_id] = candidate
        built.instance["interpreters"].append(
            _interpreter_entry(candidate, busy.get(candidate.id, []), hours.get(candidate.id, 0.0))
        )
    for request in requests:
        built.requests[request_engine_id(request.pk)] = request
        built.instance["requests"].append(
            _request_entry(request, previous.get(request.client_ref), excluded.get(request.pk, []))
        )
    return built


def _lock_state(center: Center) -> MatchingState:
    MatchingState.objects.get_or_create(center=center)
    return MatchingState.objects.select_for_update().get(center=center)


def run_for_center(
    *,
    center: Center,
    trigger: str = MatchingRun.Trigger.MANUAL,
    actor: User | None = None,
    now: dt.datetime | None = None,
    weights: Weights | None = None,
) -> MatchingRun:
    """Run the engine for one center now and turn its assignments into offers.

    Returns the finished run (or the run that a coalesced trigger joined). A failure is
    stored as a failed run, and nothing else changes.

    :param trigger: ``manual``, ``scheduled``, ``urgent`` or ``reoffer``.
    :param actor: the coordinator who asked (manual runs).
    :raises PermissionDenied: a manual run asked by someone who does not coordinate the center.
    """
    if actor is not None and not has_role(actor, Role.COORDINATOR, center_id=center.pk):
        raise PermissionDenied
    asked_at = timezone.now()
    try:
        with transaction.atomic():
            state = _lock_state(center)
            if (
                trigger != MatchingRun.Trigger.MANUAL
                and state.last_started_at is not None
                and state.last_started_at >= asked_at
            ):
                latest = MatchingRun.objects.filter(center=center).order_by("-started_at").first()
                if latest is not None:
                    return latest
            started = timezone.now()
            state.last_started_at = started
            state.save(update_fields=["last_started_at"])
            return _run(
                center=center,
                trigger=trigger,
                actor=actor,
                started=started,
                now=now or started,
                weights=weights,
            )
    except Exception as exc:
        if isinstance(exc, PermissionDenied):
            raise
        logger.exception("matching run for center %s failed", center.pk)
        return MatchingRun.objects.create(
            center=center,
            trigger=trigger,
            requested_by=actor,
            status=MatchingRun.Status.FAILED,
            started_at=asked_at,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )


def _run(
    *,
    center: Center,
    trigger: str,
    actor: User | None,
    started: dt.datetime,
    now: dt.datetime,
    weights: Weights | None,
) -> MatchingRun:
    run = MatchingRun.objects.create(
        center=center, trigger=trigger, requested_by=actor, started_at=started
    )
    t0 = time.perf_counter()
    built = instance_build(center=center, now=now)
    t1 = time.perf_counter()
    try:
        instance = parse_instance(built.instance)
    except InstanceError as exc:  # the builder wrote something the contract refuses
        raise RuntimeError(f"invalid instance: {exc}") from exc
    result = solve(instance, weights=weights, explain=True)
    t2 = time.perf_counter()
    plans = [
        request_services.OfferPlan(
            request_id=built.requests[a.request].pk,
            interpreter_id=_engine_pk(a.interpreter),
        )
        for a in result.assignments
    ]
    offers = request_services.offers_create_for_run(
        plans=plans, run_id=run.pk, center=center, now=now
    )
    t3 = time.perf_counter()
    run.instance = built.instance
    run.result = result.to_json()
    run.stats = {
        "requests": result.requests,
        "filled": result.filled,
        "unfilled": len(result.unfilled),
        "offers_created": len(offers),
        "build_seconds": round(t1 - t0, 4),
        "solve_seconds": round(t2 - t1, 4),
        "write_seconds": round(t3 - t2, 4),
    }
    run.status = MatchingRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    return run


def runs_scheduled(*, now: dt.datetime | None = None) -> list[MatchingRun]:
    """Run every center whose interval has passed since its last run (the periodic task)."""
    now = now or timezone.now()
    states = {s.center_id: s.last_started_at for s in MatchingState.objects.all()}
    runs = []
    for center in Center.objects.order_by("pk"):
        last = states.get(center.pk)
        due = last is None or now - last >= dt.timedelta(minutes=center.matching_interval_minutes)
        has_open = InterpreterRequest.objects.filter(
            center=center, status=InterpreterRequest.Status.OPEN, start__gt=now
        ).exists()
        if due and has_open:
            runs.append(run_for_center(center=center, trigger=MatchingRun.Trigger.SCHEDULED))
    return runs


# --- explanations for people --------------------------------------------------------------


def _reason_text(code: str) -> str:
    texts = {
        "no_interpreter_for_language": _("nobody in the pool speaks this language"),
        "level_too_low": _("the level of some interpreters is too low"),
        "mode_not_offered": _("some interpreters do not work in this mode"),
        "too_far": _("some interpreters live too far away"),
        "not_available": _("some interpreters are not available at that time"),
        "gender_preference": _("the gender preference rules out some interpreters"),
        "client_excluded": _("some interpreters are excluded for this client"),
        "no_child_clearance": _("some interpreters lack the extended police certificate"),
        "topic_declined": _("some interpreters do not take this setting"),
        "interpreter_excluded": _("some interpreters declined or were excluded for this request"),
        "all_candidates_taken": _("the suitable interpreters are booked at that time"),
    }
    return str(texts.get(code, code))


def _mode_label(mode: str) -> str:
    return str(dict(Mode.choices).get(mode, mode))


def hint_text(hint: dict[str, Any]) -> str:
    """A suggested change in words, e.g. "2 interpreters available by video"."""
    count = int(hint.get("count", 0))
    code = hint.get("code")
    if code == "change_mode":
        return ngettext(
            "%(count)d interpreter available %(mode)s",
            "%(count)d interpreters available %(mode)s",
            count,
        ) % {"count": count, "mode": _mode_label(str(hint.get("mode")))}
    if code == "extend_radius":
        return ngettext(
            "%(count)d interpreter at %(km)s km, radius %(radius)s km",
            "%(count)d interpreters, the nearest at %(km)s km, radius %(radius)s km",
            count,
        ) % {
            "count": count,
            "km": f"{float(hint.get('distance_km', 0)):.0f}",
            "radius": f"{float(hint.get('max_travel_km', 0)):.0f}",
        }
    if code == "lower_min_level":
        return ngettext(
            "%(count)d interpreter at level %(level)s",
            "%(count)d interpreters at level %(level)s",
            count,
        ) % {"count": count, "level": hint.get("level")}
    if code == "drop_gender_preference":
        return ngettext(
            "%(count)d interpreter without the gender preference",
            "%(count)d interpreters without the gender preference",
            count,
        ) % {"count": count}
    if code == "change_time":
        return ngettext(
            "%(count)d interpreter at another time",
            "%(count)d interpreters at another time",
            count,
        ) % {"count": count}
    return str(code)


def _why_text(why: dict[str, Any] | None, names: dict[str, str]) -> tuple[list[str], str]:
    if not why:
        return [], ""
    texts = {
        "only_candidate": _("the only suitable interpreter"),
        "lowest_cost": _("the best fit (travel, continuity, fair spread)"),
        "previous_interpreter": _("interpreted for this client before"),
    }
    reasons = [str(texts.get(code, code)) for code in why.get("codes", [])]
    runner = why.get("runner_up")
    runner_text = ""
    if runner:
        why_not = {
            "taken": _("booked at that time"),
            "higher_cost": _("a less good fit"),
            "kept_free": _("kept free for another request"),
        }.get(runner.get("code"), runner.get("code"))
        runner_text = _("Runner-up: %(name)s (%(why)s)") % {
            "name": names.get(runner.get("interpreter"), runner.get("interpreter")),
            "why": why_not,
        }
    return reasons, runner_text


def run_explanations(run: MatchingRun) -> list[dict[str, Any]]:
    """One row per request of the run, in words of the active language.

    Each row: ``request`` (id), ``outcome`` (``filled``/``unfilled``), ``interpreter``
    (name) and ``travel_km`` for filled ones, ``reasons`` (list of text), ``hints`` (list of
    text), ``runner_up`` (text).
    """
    result = run.result or {}
    interpreter_ids = {_engine_pk(a["interpreter"]) for a in result.get("assignments", [])}
    for a in result.get("assignments", []):
        runner = (a.get("why") or {}).get("runner_up")
        if runner:
            interpreter_ids.add(_engine_pk(runner["interpreter"]))
    names = {
        interpreter_engine_id(p.pk): p.volunteer.display_name
        for p in InterpreterProfile.objects.filter(pk__in=interpreter_ids).select_related(
            "volunteer"
        )
    }
    rows: list[dict[str, Any]] = []
    for a in result.get("assignments", []):
        reasons, runner_text = _why_text(a.get("why"), names)
        rows.append(
            {
                "request": _engine_pk(a["request"]),
                "outcome": "filled",
                "interpreter": names.get(a["interpreter"], a["interpreter"]),
                "travel_km": a.get("travel_km"),
                "reasons": reasons,
                "hints": [],
                "runner_up": runner_text,
            }
        )
    for u in result.get("unfilled", []):
        rows.append(
            {
                "request": _engine_pk(u["request"]),
                "outcome": "unfilled",
                "interpreter": "",
                "travel_km": None,
                "reasons": [_reason_text(code) for code in u.get("reasons", [])],
                "hints": [hint_text(h) for h in u.get("hints", []) or []],
                "runner_up": "",
            }
        )
    rows.sort(key=lambda row: row["request"])
    return rows


# --- the coordinator's manual override ------------------------------------------------------


def pair_entries(
    built: Built, *, request_pk: int
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """A built instance's entry of one request (``None`` when not open) and its
    interpreters' entries by engine id."""
    request_id = request_engine_id(request_pk)
    entry = next((r for r in built.instance["requests"] if r["id"] == request_id), None)
    return entry, {i["id"]: i for i in built.instance["interpreters"]}


def pair_check(
    built: Built, request_entry: dict[str, Any], interpreter_entry: dict[str, Any]
) -> tuple[list[str], float | None]:
    """The engine's verdict on one interpreter for one request, with their real times.

    Solves an instance of just the two: unfilled means a hard constraint fails.

    :return: the reason codes (empty when the pair is feasible) and the travel in km.
    """
    alone = {**built.instance, "interpreters": [interpreter_entry], "requests": [request_entry]}
    result = solve(parse_instance(alone))
    codes = list(dict.fromkeys(code for unfilled in result.unfilled for code in unfilled.reasons))
    return codes, (result.assignments[0].travel_km if result.assignments else None)


def offer_check(*, request: InterpreterRequest, interpreter: InterpreterProfile) -> list[str]:
    """The hard constraints a coordinator's choice violates, in words (empty: none)."""
    built = instance_build(center=request.center)
    req_entry, entries = pair_entries(built, request_pk=request.pk)
    if req_entry is None:
        return [_("The request is not open.")]
    it_entry = entries.get(interpreter_engine_id(interpreter.pk))
    if it_entry is None:
        return [_("The interpreter is not active, not cleared or has no availability then.")]
    codes, _km = pair_check(built, req_entry, it_entry)
    return [_reason_text(code) for code in codes]


def offer_manual(
    *, actor: User, request: InterpreterRequest, interpreter: InterpreterProfile
) -> Offer:
    """A coordinator offers a request to a chosen interpreter.

    Hard constraints are checked by the engine and refuse the offer; soft costs (travel,
    spread of work) are the coordinator's judgement.

    :raises ValidationError: with the violated constraints.
    """
    if not has_role(actor, Role.COORDINATOR, center_id=request.center_id):
        raise PermissionDenied
    violations = offer_check(request=request, interpreter=interpreter)
    if violations:
        raise ValidationError({"interpreter": violations})
    return request_services.offer_create(
        request=request, interpreter=interpreter, actor=actor, source=Offer.Source.COORDINATOR
    )


# --- the what-if replay's reads (reports.replay) ----------------------------------------------


def replay_runs(
    *, center: Center, period_from: dt.date, period_to: dt.date
) -> tuple[list[int], int]:
    """The ids of the center's finished runs started in the period (Europe/Berlin days,
    both inclusive) whose stored instance can be replayed, oldest first, and how many of
    the period's finished runs were left out (instance removed by the retention clean-up
    or empty)."""
    start = timezone.make_aware(dt.datetime.combine(period_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time.min))
    runs = MatchingRun.objects.filter(
        center=center,
        status=MatchingRun.Status.FINISHED,
        started_at__gte=start,
        started_at__lt=end,
    )
    kept = list(
        runs.filter(redacted_at__isnull=True)
        .exclude(instance={})
        .order_by("started_at", "pk")
        .values_list("pk", flat=True)
    )
    return kept, runs.count() - len(kept)


def replay_instances(*, center: Center, ids: list[int]) -> list[tuple[int, dict[str, Any]]]:
    """The stored instances of these runs of the center, still unredacted, in the order of
    ``ids`` (a run redacted since it was chosen is left out)."""
    found = dict(
        MatchingRun.objects.filter(center=center, pk__in=ids, redacted_at__isnull=True)
        .exclude(instance={})
        .values_list("pk", "instance")
    )
    return [(pk, found[pk]) for pk in ids if pk in found]


def requests_unfilled_in_reality(*, center: Center, engine_ids: list[str]) -> set[str]:
    """Which of these engine request ids (``r-<pk>``) of the center ended unfilled (they
    reached their start without an interpreter: status ``unfilled``)."""
    pks = [_engine_pk(e) for e in engine_ids if e.startswith("r-") and e[2:].isdigit()]
    return {
        request_engine_id(pk)
        for pk in InterpreterRequest.objects.filter(
            center=center, pk__in=pks, status=InterpreterRequest.Status.UNFILLED
        ).values_list("pk", flat=True)
    }
