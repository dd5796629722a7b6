"""What-if replay: re-solve a stored instance with one hypothetical extra interpreter.

Pure (no Django). The adapter (``reports.replay``) reads the stored ``wir-matching/1``
instances of a center's matching runs, and this module says, per run and per hypothetical
interpreter, what the engine would have filled with the extra interpreter compared with
the same instance re-solved without it (both sides by the same engine version; the stored
result is not compared, since it may come from an older engine).

The hypothetical interpreter (:class:`Hypothetical`): one language at a level, a home (a
town's coordinates), modes, a travel radius and weekly hours. The hours become
availability windows as half days (:func:`weekly_blocks`): mornings 08:00–12:00 first,
Monday, Wednesday, Friday, Tuesday, Thursday, then afternoons 13:00–17:00 in the same
order, the last block cut to what is left (at most 40 hours); local time of the given time
zone, expanded over every day from the first request's start to the last request's end of
the run (:func:`availability`). The extra interpreter has no busy times, no hours in the
last 30 days, no excluded clients or declined topics, the extended police certificate
unless told otherwise, and no gender unless one is given.

Per run (:func:`replay_instance`): ``B`` = the requests the engine fills without the extra
interpreter, ``W`` those it fills with it. A run in which the extra interpreter could take
no request at all (language and level, mode, radius, availability, gender preference,
child clearance: :func:`could_serve`) is not solved: nothing can change there. Otherwise
the :class:`Outcome` holds both counts and weights and ``newly`` = ``W − B`` (requests
the extra interpreter's presence fills, directly or by freeing someone else), but only when
the run gains weight: an equal-weight reshuffle is not a gain.

Across runs (:class:`Tally`): a request that appears in several runs (re-offers) counts
once, attributed to the first run that newly fills it. The adapter then keeps only the
requests that ended unfilled in reality (:meth:`Tally.gained`): *a request would have been
filled* when some replayed run newly fills it with the extra interpreter and in reality it
stayed unfilled. ``gain_requests`` is their number, ``gain_weight`` their priority weight.
The run-level sums (``filled_with − filled_without`` over the solved runs) are kept as
well; they count a re-offered request once per run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from matching.core.costs import Weights
from matching.core.instance import (
    FORMAT,
    LEVEL_RANK,
    Instance,
    Interpreter,
    Request,
    parse_instance,
)
from matching.core.solve import solve

#: Half-day blocks in the order weekly hours fill them: (weekday, start, end) local time.
HALF_DAYS: tuple[tuple[int, dt.time, dt.time], ...] = tuple(
    (day, start, end)
    for start, end in ((dt.time(8), dt.time(12)), (dt.time(13), dt.time(17)))
    for day in (0, 2, 4, 1, 3)
)
MAX_WEEKLY_HOURS = 40
EXTRA_ID = "i-whatif"
_EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Hypothetical:
    """The extra interpreter of a scenario."""

    language: str
    level: str
    lat: float
    lon: float
    modes: tuple[str, ...]
    weekly_hours: float
    max_travel_km: float
    gender: str | None = None
    child_clearance: bool = True


def weekly_blocks(hours: float) -> list[tuple[int, dt.time, dt.time]]:
    """The weekly half-day blocks for ``hours`` per week (see the module docstring)."""
    left = round(min(max(hours, 0.0), MAX_WEEKLY_HOURS) * 60)
    blocks = []
    for day, start, end in HALF_DAYS:
        if left <= 0:
            break
        length = min(left, (end.hour - start.hour) * 60)
        stop = (
            dt.datetime.combine(dt.date(2000, 1, 3), start) + dt.timedelta(minutes=length)
        ).time()
        blocks.append((day, start, stop))
        left -= length
    return sorted(blocks)


def availability(
    blocks: Sequence[tuple[int, dt.time, dt.time]],
    start: dt.datetime,
    end: dt.datetime,
    tz: dt.tzinfo,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The weekly ``blocks`` as absolute windows in ``tz`` on every day from the local date
    of ``start`` to that of ``end`` (inclusive), in time order."""
    first = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    windows = []
    day = first
    while day <= last:
        for weekday, block_start, block_end in blocks:
            if weekday == day.weekday():
                windows.append(
                    (
                        dt.datetime.combine(day, block_start, tzinfo=tz),
                        dt.datetime.combine(day, block_end, tzinfo=tz),
                    )
                )
        day += dt.timedelta(days=1)
    return windows


def extra_interpreter(
    hypothetical: Hypothetical, instance: Instance, tz: dt.tzinfo
) -> Interpreter | None:
    """The hypothetical interpreter for this instance (windows over its requests' span),
    parsed by the contract's own parser; ``None`` when the instance has no request."""
    if not instance.requests:
        return None
    span_start = min(r.start for r in instance.requests)
    span_end = max(r.end for r in instance.requests)
    windows = availability(weekly_blocks(hypothetical.weekly_hours), span_start, span_end, tz)
    taken = {i.id for i in instance.interpreters}
    ident = EXTRA_ID
    while ident in taken:
        ident += "-x"
    entry = {
        "id": ident,
        "languages": {hypothetical.language: hypothetical.level},
        "gender": hypothetical.gender,
        "home": {"lat": hypothetical.lat, "lon": hypothetical.lon},
        "max_travel_km": hypothetical.max_travel_km,
        "modes": list(hypothetical.modes),
        "availability": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in windows],
        "child_clearance": hypothetical.child_clearance,
    }
    return parse_instance({"format": FORMAT, "interpreters": [entry], "requests": []}).interpreters[
        0
    ]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def _serves(extra: Interpreter, request: Request) -> bool:
    level = extra.languages.get(request.language)
    if level is None or LEVEL_RANK[level] < LEVEL_RANK[request.min_level]:
        return False
    if request.mode not in extra.modes:
        return False
    if request.mode == "in_person" and request.location is not None:
        distance = _km(extra.home.lat, extra.home.lon, request.location.lat, request.location.lon)
        if distance > extra.max_travel_km + 1e-9:
            return False
    if request.gender_preference is not None and request.gender_preference != extra.gender:
        return False
    if request.minors_involved and not extra.child_clearance:
        return False
    return any(
        w.start_us <= request.start_us and request.end_us <= w.end_us for w in extra.availability
    )


def could_serve(instance: Instance, extra: Interpreter) -> bool:
    """Whether the extra interpreter alone could take at least one request of the instance
    (a necessary condition for any change; busy times and gaps do not apply to them)."""
    return any(_serves(extra, request) for request in instance.requests)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One run re-solved without and with one extra interpreter."""

    filled_without: int
    weight_without: int
    filled_with: int
    weight_with: int
    #: request id -> priority weight: filled with the extra interpreter, not without it
    #: (empty unless the run gains weight).
    newly: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> list[Any]:
        """A compact JSON form (for the replay's stored progress)."""
        return [
            self.filled_without,
            self.weight_without,
            self.filled_with,
            self.weight_with,
            dict(self.newly),
        ]

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> Outcome:
        """The inverse of :meth:`to_json`."""
        return cls(int(data[0]), int(data[1]), int(data[2]), int(data[3]), dict(data[4]))


def _filled(instance: Instance, weights: Weights | None) -> tuple[set[str], int]:
    result = solve(instance, weights=weights)
    return {a.request for a in result.assignments}, result.filled_weight


def replay_instance(
    instance: Instance,
    hypotheticals: Sequence[Hypothetical],
    tz: dt.tzinfo,
    *,
    weights: Weights | None = None,
) -> list[Outcome | None]:
    """Per hypothetical: the run re-solved with it, against the run re-solved without it;
    ``None`` where the extra interpreter could take no request (nothing solved)."""
    weight_of = {r.id: r.weight for r in instance.requests}
    baseline: tuple[set[str], int] | None = None
    outcomes: list[Outcome | None] = []
    for hypothetical in hypotheticals:
        extra = extra_interpreter(hypothetical, instance, tz)
        if extra is None or not could_serve(instance, extra):
            outcomes.append(None)
            continue
        if baseline is None:
            baseline = _filled(instance, weights)
        without, weight_without = baseline
        with_extra, weight_with = _filled(
            replace(instance, interpreters=(*instance.interpreters, extra)), weights
        )
        newly = (
            {rid: weight_of[rid] for rid in sorted(with_extra - without)}
            if weight_with > weight_without
            else {}
        )
        outcomes.append(
            Outcome(
                filled_without=len(without),
                weight_without=weight_without,
                filled_with=len(with_extra),
                weight_with=weight_with,
                newly=newly,
            )
        )
    return outcomes


def instance_key(document: Mapping[str, Any]) -> str:
    """A digest of a stored instance document: runs with the same instance share outcomes."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Tally:
    """One scenario's figures over the replayed runs (JSON-serialisable progress)."""

    runs_solved: int = 0
    filled_without: int = 0
    weight_without: int = 0
    filled_with: int = 0
    weight_with: int = 0
    #: request id -> [run key, weight]: the first run that newly filled it.
    newly: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, run_key: Any, outcome: Outcome | None) -> None:
        """Count one replayed run (``None``: not solved, nothing changes)."""
        if outcome is None:
            return
        self.runs_solved += 1
        self.filled_without += outcome.filled_without
        self.weight_without += outcome.weight_without
        self.filled_with += outcome.filled_with
        self.weight_with += outcome.weight_with
        for rid, weight in outcome.newly.items():
            self.newly.setdefault(rid, [run_key, weight])

    def gained(self, unfilled_in_reality: Iterable[str]) -> list[tuple[str, Any, int]]:
        """(request id, first run key, weight) of the requests that would have been filled:
        newly filled in some run and unfilled in reality; by request id."""
        real = set(unfilled_in_reality)
        return [
            (rid, run, weight) for rid, (run, weight) in sorted(self.newly.items()) if rid in real
        ]

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the progress."""
        return {
            "runs_solved": self.runs_solved,
            "filled_without": self.filled_without,
            "weight_without": self.weight_without,
            "filled_with": self.filled_with,
            "weight_with": self.weight_with,
            "newly": self.newly,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Tally:
        """The inverse of :meth:`to_json`."""
        return cls(
            runs_solved=int(data.get("runs_solved", 0)),
            filled_without=int(data.get("filled_without", 0)),
            weight_without=int(data.get("weight_without", 0)),
            filled_with=int(data.get("filled_with", 0)),
            weight_with=int(data.get("weight_with", 0)),
            newly={k: list(v) for k, v in data.get("newly", {}).items()},
        )
