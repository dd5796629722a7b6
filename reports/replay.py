"""The what-if replay: what one more interpreter would have filled, over a past period.

A coordinator asks for one scenario (language and level, town, modes, weekly hours, radius)
or for a ranking of recruitment targets; :func:`replay_create` stores a :class:`Replay`
and enqueues ``reports.tasks.replay_run`` on commit. The task calls :func:`replay_step`,
which re-solves the period's stored matching-run instances with the engine
(:mod:`matching.core.whatif`: each run solved with and without the extra interpreter, by
the same engine version) and keeps the progress in the replay (``runs_done`` of
``runs_total``).

What counts (see :mod:`matching.core.whatif` for the per-run rule):

- **Runs replayed**: the center's finished runs started in the period (Europe/Berlin days),
  whose instance is stored (``redacted_at`` empty, instance not empty); the others are
  counted as skipped. The run ids are fixed when the replay is created.
- **Would have been filled**: a request of a replayed run that ended ``unfilled`` in
  reality (it reached its start without an interpreter; cancelled requests and requests
  still open are not counted) and that some replayed run fills with the extra interpreter
  but not without it, in a run that gains weight by it. A request offered again in later
  runs counts once, with the first such run. ``gain_requests`` is their number,
  ``gain_weight`` the sum of their priority weights (normal 1, urgent 2, critical 4).
- **Run-level figures**: ``filled_with − filled_without`` (and the weights) summed over
  the runs where the extra interpreter could take a request; a re-offered request counts
  there once per run. Runs with an identical stored instance share one solve.
- **Ranking**: candidates are the languages with the most requests left unfilled in the
  period (at most :data:`TOP_LANGUAGES`) × the center's towns nearest to the most of those
  requests made in person (at most :data:`TOP_TOWNS`; without such requests the first
  town), each replayed as above and ranked by gain weight, then requests, then name.

Work happens in slices of about :data:`SLICE_SECONDS`; each slice stores its progress and
enqueues the next one, so no task runs into the queue's timeout, and a slice run twice (a
retried task) finds its work done and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Gender, Level, Mode
from core.errors import FieldErrors
from core.models import AuditEvent, Center, Language, Place, Role, User
from core.scoping import has_role
from core.services import audit_log
from matching import services as matching_services
from matching.core import InstanceError, parse_instance
from matching.core.whatif import (
    MAX_WEEKLY_HOURS,
    Hypothetical,
    Outcome,
    Tally,
    instance_key,
    replay_instance,
)
from reports.models import Replay
from requests.models import InterpreterRequest
from sprachpool.models import GERMAN, MAX_TRAVEL_KM, InterpreterProfile
from sprachpool.selectors import active_profiles

KIND_SINGLE = "single"
KIND_RANKING = "ranking"
TOP_LANGUAGES = 8
TOP_TOWNS = 8
MAX_PERIOD_DAYS = 366
DEFAULT_RADIUS_KM = 25
#: Seconds of work per task slice (at least one run per slice).
SLICE_SECONDS = 20.0
#: Runs read from the database at a time.
BATCH = 10
_ENGINE_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def typical_radius(*, center: Center) -> int:
    """The median travel radius of the center's active interpreters (25 km without any)."""
    radii = list(
        active_profiles(InterpreterProfile.objects.in_center(center)).values_list(
            "max_travel_km", flat=True
        )
    )
    return round(statistics.median(radii)) if radii else DEFAULT_RADIUS_KM


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _period_bounds(period_from: dt.date, period_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time.min))
    return start, end


def center_towns(*, center: Center) -> list[Place]:
    """The towns of the center's place registry, by name."""
    return list(Place.objects.filter(center=center, kind=Place.Kind.TOWN).order_by("name"))


def ranking_candidates(
    *, center: Center, period_from: dt.date, period_to: dt.date
) -> list[tuple[str, Place]]:
    """(language, town) pairs to try: the top languages by requests left unfilled in the
    period × the towns nearest to most of those in-person requests (module docstring)."""
    start, end = _period_bounds(period_from, period_to)
    unfilled = list(
        InterpreterRequest.objects.filter(
            center=center,
            status=InterpreterRequest.Status.UNFILLED,
            start__gte=start,
            start__lt=end,
        ).values_list("language_id", "mode", "lat", "lon")
    )
    by_language: dict[str, int] = {}
    for code, *_rest in unfilled:
        if _ENGINE_LANGUAGE.match(code):
            by_language[code] = by_language.get(code, 0) + 1
    languages = sorted(by_language, key=lambda c: (-by_language[c], c))[:TOP_LANGUAGES]
    towns = center_towns(center=center)
    if not languages or not towns:
        return []
    by_town: dict[int, int] = {}
    for code, mode, lat, lon in unfilled:
        if code in languages and mode == Mode.IN_PERSON and lat is not None and lon is not None:
            nearest = min(towns, key=lambda t: (_km(t.lat, t.lon, lat, lon), t.name))
            by_town[nearest.pk] = by_town.get(nearest.pk, 0) + 1
    chosen = (
        sorted((t for t in towns if t.pk in by_town), key=lambda t: (-by_town[t.pk], t.name))[
            :TOP_TOWNS
        ]
        or towns[:1]
    )
    return [(code, town) for code in languages for town in chosen]


def _candidate(code: str, town: Place) -> dict[str, Any]:
    return {
        "language": code,
        "town": town.pk,
        "town_name": town.name,
        "lat": town.lat,
        "lon": town.lon,
    }


@transaction.atomic
def replay_create(
    *,
    actor: User,
    center: Center,
    period_from: dt.date | None,
    period_to: dt.date | None,
    kind: str = KIND_SINGLE,
    language: str | None = None,
    town: Place | None = None,
    level: str = Level.C1,
    modes: list[str] | None = None,
    weekly_hours: int | None = 10,
    max_travel_km: int | None = None,
    gender: str = "",
    today: dt.date | None = None,
) -> Replay:
    """Store a what-if replay of the center's runs in the period and enqueue it.

    :param kind: ``single`` (``language`` and ``town`` required) or ``ranking``.
    :param max_travel_km: the extra interpreter's radius; ``None``: :func:`typical_radius`.
    :raises PermissionDenied: the actor does not coordinate the center.
    :raises ValidationError: every refusal at once, by field.
    """
    if not has_role(actor, Role.COORDINATOR, center_id=center.pk):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors = FieldErrors()
    if kind not in (KIND_SINGLE, KIND_RANKING):
        errors.add("kind", _("Choose one scenario or the ranking of recruitment targets."))
    if period_from is None:
        errors.add("period_from", _("Enter the first day of the period."))
    if period_to is None:
        errors.add("period_to", _("Enter the last day of the period."))
    if period_from and period_to:
        if period_from > period_to:
            errors.add("period_to", _("The period must not end before it begins."))
        elif (period_to - period_from).days >= MAX_PERIOD_DAYS:
            errors.add("period_to", _("The period can be at most one year."))
        if period_to > today:
            errors.add("period_to", _("The period must not end in the future."))
    if level not in Level.values:
        errors.add("level", _("Choose a level."))
    modes = list(dict.fromkeys(modes or []))
    if not modes or any(m not in Mode.values for m in modes):
        errors.add("modes", _("Choose at least one way of working."))
    if weekly_hours is None or not 1 <= weekly_hours <= MAX_WEEKLY_HOURS:
        errors.add(
            "weekly_hours",
            _("Enter between 1 and %(max)d hours a week.") % {"max": MAX_WEEKLY_HOURS},
        )
    if max_travel_km is not None and not 0 <= max_travel_km <= MAX_TRAVEL_KM:
        errors.add(
            "max_travel_km",
            _("Enter a distance between 0 and %(max)d km.") % {"max": MAX_TRAVEL_KM},
        )
    if gender and gender not in Gender.values:
        errors.add("gender", _("Choose a gender or leave it open."))
    if kind == KIND_SINGLE:
        if (
            not language
            or language == GERMAN
            or not _ENGINE_LANGUAGE.match(language)
            or not Language.objects.filter(code=language).exists()
        ):
            errors.add("language", _("Choose a language."))
        if town is None or town.center_id != center.pk:
            errors.add("town", _("Choose a town of your center."))
    errors.raise_if_any()
    assert period_from is not None and period_to is not None and weekly_hours is not None

    run_ids, skipped = matching_services.replay_runs(
        center=center, period_from=period_from, period_to=period_to
    )
    if not run_ids:
        errors.add(
            "__all__",
            _("There are no stored matching runs in this period to replay.")
            if not skipped
            else _(
                "The matching runs of this period can no longer be replayed: their data "
                "was removed after the retention period."
            ),
        )
    if kind == KIND_SINGLE:
        assert town is not None and language is not None
        candidates = [_candidate(language, town)]
    else:
        candidates = [
            _candidate(code, place)
            for code, place in ranking_candidates(
                center=center, period_from=period_from, period_to=period_to
            )
        ]
        if not candidates and run_ids:
            errors.add(
                "__all__",
                _("No request stayed unfilled in this period, so there is nothing to rank."),
            )
    errors.raise_if_any()

    replay = Replay(
        center=center,
        requested_by=actor,
        period_from=period_from,
        period_to=period_to,
        scenario={
            "kind": kind,
            "level": level,
            "modes": modes,
            "weekly_hours": weekly_hours,
            "max_travel_km": (
                max_travel_km if max_travel_km is not None else typical_radius(center=center)
            ),
            "gender": gender or None,
            "candidates": candidates,
        },
        runs_total=len(run_ids),
        result={
            "state": {
                "run_ids": run_ids,
                "skipped": skipped,
                "identical": 0,
                "replayed": 0,
                "seconds": 0.0,
                "tallies": [Tally().to_json() for _c in candidates],
                "cache": {},
            }
        },
    )
    replay.full_clean()
    replay.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=replay,
        detail={"kind": kind, "runs": len(run_ids), "candidates": len(candidates)},
    )
    pk = replay.pk
    transaction.on_commit(lambda: enqueue(pk))
    return replay


def enqueue(replay_id: int) -> None:
    """Enqueue the replay task (``reports.tasks.replay_run``) for the replay."""
    from django_q.tasks import async_task

    async_task("reports.tasks.replay_run", replay_id)


def _hypotheticals(scenario: dict[str, Any]) -> list[Hypothetical]:
    return [
        Hypothetical(
            language=c["language"],
            level=scenario["level"],
            lat=float(c["lat"]),
            lon=float(c["lon"]),
            modes=tuple(scenario["modes"]),
            weekly_hours=float(scenario["weekly_hours"]),
            max_travel_km=float(scenario["max_travel_km"]),
            gender=scenario.get("gender") or None,
        )
        for c in scenario["candidates"]
    ]


def replay_step(*, replay_id: int) -> bool:
    """Replay the next slice of runs; finish the replay after the last one.

    Idempotent: a finished or failed replay is left alone, and a slice whose progress
    another worker stored first is thrown away. A failure marks the replay ``failed`` with
    its error.

    :return: whether more work is left (the task then enqueues the next slice).
    """
    replay = Replay.objects.filter(pk=replay_id).select_related("center").first()
    if replay is None or replay.status in (Replay.Status.FINISHED, Replay.Status.FAILED):
        return False
    started_done = replay.runs_done
    try:
        state = replay.result["state"]
        more = _slice(replay, state)
    except Exception as exc:  # stored for the coordinator; the page shows it
        Replay.objects.filter(pk=replay.pk, runs_done=started_done).exclude(
            status__in=[Replay.Status.FINISHED, Replay.Status.FAILED]
        ).update(
            status=Replay.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    with transaction.atomic():
        current = Replay.objects.select_for_update().get(pk=replay.pk)
        if current.runs_done != started_done or current.status in (
            Replay.Status.FINISHED,
            Replay.Status.FAILED,
        ):
            return False  # another worker got there first
        current.runs_done = replay.runs_done
        current.result = replay.result
        current.status = replay.status
        current.finished_at = replay.finished_at
        current.save(update_fields=["runs_done", "result", "status", "finished_at"])
    return more


def _slice(replay: Replay, state: dict[str, Any]) -> bool:
    tz = ZoneInfo(settings.TIME_ZONE)
    began = time.perf_counter()
    hypotheticals = _hypotheticals(replay.scenario)
    tallies = [Tally.from_json(t) for t in state["tallies"]]
    cache: dict[str, list[Any]] = state["cache"]
    run_ids: list[int] = state["run_ids"]
    replay.status = Replay.Status.RUNNING
    done = replay.runs_done
    while done < len(run_ids):
        batch = run_ids[done : done + BATCH]
        for run_id, document in matching_services.replay_instances(center=replay.center, ids=batch):
            key = instance_key(document)
            if key in cache:
                outcomes = [None if o is None else Outcome.from_json(o) for o in cache[key]]
                state["identical"] += 1
            else:
                try:
                    instance = parse_instance(document)
                except InstanceError:  # stored under an older contract: left out
                    continue
                outcomes = replay_instance(instance, hypotheticals, tz)
                cache[key] = [None if o is None else o.to_json() for o in outcomes]
            state["replayed"] = state.get("replayed", 0) + 1
            for tally, outcome in zip(tallies, outcomes, strict=True):
                tally.add(run_id, outcome)
        done += len(batch)  # runs redacted since the start count as done, without a change
        if time.perf_counter() - began >= SLICE_SECONDS:
            break
    replay.runs_done = done
    state["tallies"] = [t.to_json() for t in tallies]
    state["seconds"] = round(state["seconds"] + time.perf_counter() - began, 3)
    if done < len(run_ids):
        return True
    replay.result = _final(replay, state, tallies)
    replay.status = Replay.Status.FINISHED
    replay.finished_at = timezone.now()
    return False


def _final(replay: Replay, state: dict[str, Any], tallies: list[Tally]) -> dict[str, Any]:
    candidates = replay.scenario["candidates"]
    newly = sorted({rid for t in tallies for rid in t.newly})
    real = matching_services.requests_unfilled_in_reality(center=replay.center, engine_ids=newly)
    scenarios = []
    for candidate, tally in zip(candidates, tallies, strict=True):
        gained = tally.gained(real)
        scenarios.append(
            {
                "language": candidate["language"],
                "town": candidate["town"],
                "town_name": candidate["town_name"],
                "gain_requests": len(gained),
                "gain_weight": sum(weight for _r, _run, weight in gained),
                "runs_solved": tally.runs_solved,
                "filled_without": tally.filled_without,
                "filled_with": tally.filled_with,
                "weight_without": tally.weight_without,
                "weight_with": tally.weight_with,
                "requests": sorted(
                    (
                        {"id": int(rid[2:]), "run": run, "weight": weight}
                        for rid, run, weight in gained
                    ),
                    key=lambda row: row["id"],
                ),
            }
        )
    scenarios.sort(
        key=lambda s: (-s["gain_weight"], -s["gain_requests"], s["language"], s["town_name"])
    )
    return {
        "kind": replay.scenario["kind"],
        "runs_replayed": state.get("replayed", 0),
        # redacted or empty at the start, redacted since, or stored under an older contract
        "runs_skipped": state["skipped"] + len(state["run_ids"]) - state.get("replayed", 0),
        "runs_identical": state["identical"],
        "seconds": state["seconds"],
        "scenarios": scenarios,
    }


def replay_progress(replay: Replay) -> int:
    """Per cent of the runs replayed (0–100)."""
    if replay.status == Replay.Status.FINISHED:
        return 100
    return int(100 * replay.runs_done / replay.runs_total) if replay.runs_total else 0
