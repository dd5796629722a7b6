"""The per-pair hard constraints, written once as a table of vectorised checks.

:func:`compile_instance` turns an :class:`~matching.core.instance.Instance` into numpy arrays
(requests and interpreters sorted by id, so everything downstream is deterministic).
:data:`CHECKS` holds one :class:`Check` per hard constraint of the contract (and the
extension ``excluded_interpreters``): its reason code and one predicate over request x
interpreter index arrays, which works on flat pair arrays and on broadcast blocks alike
(:class:`Cells`). Every path evaluates that table and nothing else:

* :func:`candidate_pairs` - every feasible (request, interpreter) pair of the instance:
  each request only meets the speakers of its language (flat pair arrays for all small
  languages at once, a dense block per big language), so no dense request x interpreter
  matrix of the whole state is ever built; the checks run stage by stage, cheap first;
* :func:`pair_violations` and :func:`constraint_masks` - the violated codes per pair, for
  the reasons and hints of :mod:`matching.core.explain`;
* :func:`feasible` - the engine's final check on its own result.

Time constraints (availability windows, busy intervals with the gap) are checked with
sorted composite keys and :func:`numpy.searchsorted`, never by a Python loop over pairs.

Conflicts between two requests of one interpreter are not a pair property; they are handled
in :mod:`matching.core.solve`. Throughout, a request occupies ``[start, end + gap)`` on its
interpreter's timeline: two requests (or a request and a busy interval expanded the same way)
conflict exactly when those half-open intervals overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from matching.core.instance import GENDERS, LEVEL_RANK, MODES, PRIORITY_WEIGHTS, Instance

EARTH_RADIUS_KM = 6371.0

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Compiled:
    """The instance as arrays; index ``k`` is the ``k``-th request/interpreter by id."""

    instance: Instance
    request_order: IntArray  # position in instance.requests of sorted request k
    interpreter_order: IntArray
    request_ids: tuple[str, ...]
    interpreter_ids: tuple[str, ...]
    gap_us: int
    # requests
    r_lang: IntArray  # language index
    r_level: IntArray
    r_mode: IntArray  # index into MODES
    r_in_person: BoolArray  # mode is "in_person" (by name)
    r_lat: FloatArray  # radians, nan unless in person
    r_lon: FloatArray
    r_gender: IntArray  # -1 = no preference
    r_minors: BoolArray
    r_start: IntArray  # UTC epoch microseconds
    r_end: IntArray
    r_start_rank: IntArray  # rank of r_start in the instance's time vocabulary
    r_end_rank: IntArray
    r_endx_rank: IntArray  # rank of end + gap
    r_weight: IntArray
    r_previous: IntArray  # interpreter index or -1
    # interpreters
    i_modes: BoolArray  # (m, 3)
    i_lat: FloatArray
    i_lon: FloatArray
    i_max_km: FloatArray
    i_gender: IntArray  # -1 = none
    i_child: BoolArray
    i_hours: FloatArray
    # language index -> (interpreter indices speaking it, their level ranks)
    speakers: dict[int, tuple[IntArray, IntArray]]
    # the same as flat arrays: speakers of language li are spk_i[lang_ptr[li]:lang_ptr[li + 1]]
    lang_ptr: IntArray
    spk_i: IntArray
    spk_level: IntArray
    languages: tuple[str, ...]
    # (request, interpreter) pairs as sorted keys r * m + i: the interpreter excludes the
    # request's client; the request excludes the interpreter (extension)
    forbidden: IntArray
    excluded_interpreter_keys: IntArray
    r_topic: IntArray  # topic index; the last index means "no topic"
    i_declines: BoolArray  # (m, topics + 1): interpreter declines topic
    # availability windows, and busy intervals already expanded by the gap
    windows: IntervalIndex
    busy: IntervalIndex

    @property
    def n_requests(self) -> int:
        """Number of requests."""
        return len(self.request_ids)

    @property
    def n_interpreters(self) -> int:
        """Number of interpreters."""
        return len(self.interpreter_ids)


def compile_instance(instance: Instance) -> Compiled:
    """Turn a parsed instance into the sorted array form used by the engine.

    This runs on every solve: flat comprehensions per field (cheap, and they allocate no
    tuple per element, so they trigger no garbage-collector passes) and one loop over the
    interpreters for the per-language speaker lists; no loop over languages x interpreters.
    """
    r_ids = [r.id for r in instance.requests]
    i_ids = [it.id for it in instance.interpreters]
    r_order = sorted(range(len(r_ids)), key=r_ids.__getitem__)
    i_order = sorted(range(len(i_ids)), key=i_ids.__getitem__)
    reqs = [instance.requests[k] for k in r_order]
    interps = [instance.interpreters[k] for k in i_order]
    request_ids = tuple(r_ids[k] for k in r_order)
    interpreter_ids = tuple(i_ids[k] for k in i_order)
    i_index = {ident: n for n, ident in enumerate(interpreter_ids)}
    gender_index = {g: n for n, g in enumerate(GENDERS)}
    mode_index = {m: n for n, m in enumerate(MODES)}

    languages = sorted({r.language for r in reqs})
    lang_index = {code: n for n, code in enumerate(languages)}
    topics = sorted({r.topic for r in reqs if r.topic is not None})
    topic_index = {t: n for n, t in enumerate(topics)}
    no_topic = len(topics)
    gap = instance.gap_us
    nan = float("nan")

    n, m = len(reqs), len(interps)

    def ints(values: list[Any]) -> IntArray:
        return np.asarray(values, dtype=np.int64)

    def floats(values: list[Any]) -> FloatArray:
        return np.asarray(values, dtype=np.float64)

    # per-field comprehensions: no tuple per element, hence no garbage-collector passes
    r_start = ints([r.start_us for r in reqs])
    r_end = ints([r.end_us for r in reqs])
    in_person = [r.mode == "in_person" for r in reqs]
    located = [r.location if near else None for r, near in zip(reqs, in_person, strict=True)]
    r_lat = floats([nan if at is None else at.lat for at in located])
    r_lon = floats([nan if at is None else at.lon for at in located])

    # one pass over interpreters for speakers, exclusions and declined topics
    by_client: dict[str, list[int]] = {}
    xr: list[int] = []
    xi: list[int] = []
    for k, r in enumerate(reqs):
        if r.client_ref is not None:
            by_client.setdefault(r.client_ref, []).append(k)
        for ident in r.excluded_interpreters:
            who = i_index.get(ident)
            if who is not None:  # unknown ids are ignored
                xr.append(k)
                xi.append(who)
    spk_l: list[int] = []
    spk_n: list[int] = []
    spk_v: list[int] = []
    ex_r: list[int] = []
    ex_i: list[int] = []
    i_declines = np.zeros((m, len(topics) + 1), dtype=bool)
    for n_i, it in enumerate(interps):
        for code, level in it.languages.items():
            li = lang_index.get(code)
            if li is not None:
                spk_l.append(li)
                spk_n.append(n_i)
                spk_v.append(LEVEL_RANK[level])
        for client in it.excluded_clients:
            for k in by_client.get(client, ()):
                ex_r.append(k)
                ex_i.append(n_i)
        for topic in it.declined_topics:
            if topic in topic_index:
                i_declines[n_i, topic_index[topic]] = True

    by_lang = np.argsort(ints(spk_l), kind="stable")  # interpreter order kept per language
    spk_i, spk_level = ints(spk_n)[by_lang], ints(spk_v)[by_lang]
    lang_ptr = np.searchsorted(ints(spk_l)[by_lang], np.arange(len(languages) + 1))
    speakers = {
        li: (spk_i[lang_ptr[li] : lang_ptr[li + 1]], spk_level[lang_ptr[li] : lang_ptr[li + 1]])
        for li in range(len(languages))
    }
    modes = [it.modes for it in interps]
    i_modes = np.asarray([[mode in have for have in modes] for mode in MODES], dtype=bool)
    homes = [it.home for it in interps]

    everyone = np.arange(m, dtype=np.int64)
    w_owner = np.repeat(everyone, [len(it.availability) for it in interps])
    b_owner = np.repeat(everyone, [len(it.busy) for it in interps])
    n_w, n_b = len(w_owner), len(b_owner)
    flat_times = [w.start_us for it in interps for w in it.availability]
    flat_times += [w.end_us for it in interps for w in it.availability]
    flat_times += [b.start_us - gap for it in interps for b in it.busy]
    flat_times += [b.end_us + gap for it in interps for b in it.busy]
    times = np.concatenate([r_start, r_end, r_end + gap, ints(flat_times)])
    vocabulary = sorted_unique(times)
    stride = len(vocabulary) + 1
    rank = np.searchsorted(vocabulary, times).astype(np.int64)
    r_start_rank, r_end_rank, r_endx_rank = rank[: 3 * n].reshape(3, n)
    w_rank = rank[3 * n : 3 * n + 2 * n_w].reshape(2, n_w)
    b_rank = rank[3 * n + 2 * n_w :].reshape(2, n_b)

    return Compiled(
        instance=instance,
        request_order=np.asarray(r_order, dtype=np.int64),
        interpreter_order=np.asarray(i_order, dtype=np.int64),
        request_ids=request_ids,
        interpreter_ids=interpreter_ids,
        gap_us=gap,
        r_lang=ints([lang_index[r.language] for r in reqs]),
        r_level=ints([LEVEL_RANK[r.min_level] for r in reqs]),
        r_mode=ints([mode_index[r.mode] for r in reqs]),
        r_in_person=np.asarray(in_person, dtype=bool),
        r_lat=np.radians(r_lat),
        r_lon=np.radians(r_lon),
        r_gender=ints([gender_index.get(r.gender_preference, -1) for r in reqs]),  # type: ignore[arg-type]
        r_minors=np.asarray([r.minors_involved for r in reqs], dtype=bool),
        r_start=r_start,
        r_end=r_end,
        r_start_rank=r_start_rank,
        r_end_rank=r_end_rank,
        r_endx_rank=r_endx_rank,
        r_weight=ints([PRIORITY_WEIGHTS[r.priority] for r in reqs]),
        r_previous=ints([i_index.get(r.previous_interpreter, -1) for r in reqs]),  # type: ignore[arg-type]
        i_modes=i_modes.reshape(len(MODES), m).T.copy(),
        i_lat=np.radians(floats([home.lat for home in homes])),
        i_lon=np.radians(floats([home.lon for home in homes])),
        i_max_km=floats([it.max_travel_km for it in interps]),
        i_gender=ints([gender_index.get(it.gender, -1) for it in interps]),  # type: ignore[arg-type]
        i_child=np.asarray([it.child_clearance for it in interps], dtype=bool),
        i_hours=floats([it.hours_last_30_days for it in interps]),
        speakers=speakers,
        lang_ptr=lang_ptr.astype(np.int64),
        spk_i=spk_i,
        spk_level=spk_level,
        languages=tuple(languages),
        forbidden=sorted_unique(ints(ex_r) * m + ints(ex_i)),
        excluded_interpreter_keys=sorted_unique(ints(xr) * m + ints(xi)),
        r_topic=ints([topic_index.get(r.topic, no_topic) for r in reqs]),  # type: ignore[arg-type]
        i_declines=i_declines,
        windows=IntervalIndex.build(w_owner, w_rank[0], w_rank[1], stride),
        busy=IntervalIndex.build(b_owner, b_rank[0], b_rank[1], stride),
    )


def sorted_unique(values: IntArray) -> IntArray:
    """``np.unique`` for int arrays by sorting (faster than numpy 2's hash-based path)."""
    if len(values) == 0:
        return values
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


# --------------------------------------------------------------------------- geometry


def haversine_km(
    lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray
) -> FloatArray:
    """Great-circle distance in km between points given in radians (broadcasting)."""
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    a = np.sin(dlat / 2.0) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# --------------------------------------------------------------------------- intervals


@dataclass(frozen=True, slots=True)
class IntervalIndex:
    """Half-open intervals of many owners, searchable for many queries at once.

    Times are *ranks* in one sorted vocabulary of all instants (so comparisons are exact
    integer comparisons). Intervals are sorted by ``owner * stride + start``; ``run_end``
    holds the running maximum of ``owner * stride + end``, which restarts per owner because
    the keys are owner-major. A query ``(owner, [qs, qe))`` is then one
    :func:`numpy.searchsorted` plus two gathers.
    """

    owner: IntArray
    key: IntArray
    run_end: IntArray
    stride: int

    @classmethod
    def build(cls, owner: IntArray, start: IntArray, end: IntArray, stride: int) -> IntervalIndex:
        """Index intervals ``[start, end)`` (ranks) of the given owners."""
        order = np.lexsort((start, owner))
        owner = owner[order]
        key = owner * stride + start[order]
        run_end = np.maximum.accumulate(owner * stride + end[order]) if len(owner) else owner.copy()
        return cls(owner=owner, key=key, run_end=run_end, stride=stride)

    def _last(
        self, q_owner: IntArray, bound: IntArray, side: Literal["left", "right"]
    ) -> tuple[BoolArray, IntArray]:
        pos = np.searchsorted(self.key, q_owner * self.stride + bound, side=side) - 1
        hit = pos >= 0
        safe = np.where(hit, pos, 0)
        hit &= self.owner[safe] == q_owner
        return hit, safe

    def contains(self, q_owner: IntArray, q_start: IntArray, q_end: IntArray) -> BoolArray:
        """Whether one interval of the query's owner contains ``[q_start, q_end)``."""
        if len(self.key) == 0:
            return np.zeros(np.broadcast(q_owner, q_start).shape, dtype=bool)
        hit, pos = self._last(q_owner, q_start, "right")  # last start <= q_start
        return hit & (self.run_end[pos] >= q_owner * self.stride + q_end)

    def overlaps(self, q_owner: IntArray, q_start: IntArray, q_end: IntArray) -> BoolArray:
        """Whether some interval of the query's owner overlaps ``[q_start, q_end)``."""
        if len(self.key) == 0:
            return np.zeros(np.broadcast(q_owner, q_start).shape, dtype=bool)
        hit, pos = self._last(q_owner, q_end, "left")  # last start < q_end
        return hit & (self.run_end[pos] > q_owner * self.stride + q_start)


def schedule_index(c: Compiled, requests: IntArray, owners: IntArray) -> IntervalIndex:
    """Index the occupied intervals ``[start, end + gap)`` of assigned requests."""
    return IntervalIndex.build(
        owners, c.r_start_rank[requests], c.r_endx_rank[requests], c.windows.stride
    )


# --------------------------------------------------------------------------- the constraints


@dataclass(frozen=True, slots=True)
class Cells:
    """Request x interpreter cells to check, as index arrays that broadcast together.

    *Flat*: ``r``, ``i``, ``level`` and ``km`` have one entry per (request, interpreter)
    pair. *Block*: ``r`` is a column ``(n, 1)`` and ``i`` and ``level`` are a row
    ``(1, m)``, so every check broadcasts to an ``(n, m)`` mask. Each check in
    :data:`CHECKS` is written once with numpy indexing and works on both shapes.
    """

    r: IntArray
    i: IntArray
    level: IntArray  # the interpreter's level rank in the request's language
    km: FloatArray  # travel km, 0 where the request is not in person (unused before "travel")

    def take(self, keep: IntArray) -> Cells:
        """The flat cells at positions ``keep``."""
        return Cells(self.r[keep], self.i[keep], self.level[keep], self.km[keep])


#: When a check runs while candidates are generated: ``lookup`` checks are plain gathers
#: (cheap, run on every cell), ``travel`` needs the travel km (computed for the cells that
#: survived the lookups), ``search`` uses binary searches (run last, on the fewest cells).
Stage = Literal["lookup", "travel", "search"]
STAGES: tuple[Stage, ...] = ("lookup", "travel", "search")


@dataclass(frozen=True, slots=True)
class Check:
    """One per-pair hard constraint: its reason code and its vectorised predicate."""

    code: str
    stage: Stage
    #: True where the cell violates the constraint (flat or block :class:`Cells`).
    violated: Callable[[Compiled, Cells], BoolArray]


def _nothing(shape_of: tuple[IntArray, IntArray]) -> BoolArray:
    return np.zeros(np.broadcast(*shape_of).shape, dtype=bool)


def _in_keys(sorted_keys: IntArray, c: Compiled, x: Cells) -> BoolArray:
    """Whether each cell's key ``r * m + i`` is one of the sorted keys."""
    if len(sorted_keys) == 0:
        return _nothing((x.r, x.i))
    keys = x.r * c.n_interpreters + x.i
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _by_interpreter(table: BoolArray, i: IntArray, j: IntArray) -> BoolArray:
    """``table[i, j]`` for a per-interpreter table; on a block (``i`` a row, ``j`` a column)
    as two plain gathers, which is several times faster than broadcast fancy indexing."""
    if i.ndim == 2 and j.ndim == 2 and i.shape[0] == 1 and j.shape[1] == 1:
        return table[i[0]][:, j[:, 0]].T
    return table[i, j]


def _level_too_low(c: Compiled, x: Cells) -> BoolArray:
    """1. The interpreter's level in the language is below ``min_level``."""
    return x.level < c.r_level[x.r]


def _mode_not_offered(c: Compiled, x: Cells) -> BoolArray:
    """2. The interpreter does not offer the request's mode."""
    return ~_by_interpreter(c.i_modes, x.i, c.r_mode[x.r])


def _too_far(c: Compiled, x: Cells) -> BoolArray:
    """3. In person, and the home is farther than ``max_travel_km`` from the location."""
    return c.r_in_person[x.r] & ~(x.km <= c.i_max_km[x.i])


def _not_available(c: Compiled, x: Cells) -> BoolArray:
    """4 and the busy part of 5: not inside one window, or too close to a busy interval."""
    qs, qe = c.r_start_rank[x.r], c.r_end_rank[x.r]
    return ~c.windows.contains(x.i, qs, qe) | c.busy.overlaps(x.i, qs, qe)


def _gender_preference(c: Compiled, x: Cells) -> BoolArray:
    """6. A gender preference is set and the interpreter's gender differs."""
    pref = c.r_gender[x.r]
    return (pref >= 0) & (c.i_gender[x.i] != pref)


def _client_excluded(c: Compiled, x: Cells) -> BoolArray:
    """7. The request's client is in the interpreter's ``excluded_clients``."""
    return _in_keys(c.forbidden, c, x)


def _no_child_clearance(c: Compiled, x: Cells) -> BoolArray:
    """8. Minors are involved and the interpreter has no child clearance."""
    return c.r_minors[x.r] & ~c.i_child[x.i]


def _topic_declined(c: Compiled, x: Cells) -> BoolArray:
    """9. The request's topic is in the interpreter's ``declined_topics``."""
    return _by_interpreter(c.i_declines, x.i, c.r_topic[x.r])


def _interpreter_excluded(c: Compiled, x: Cells) -> BoolArray:
    """Extension: the interpreter is in the request's ``excluded_interpreters``."""
    return _in_keys(c.excluded_interpreter_keys, c, x)


#: The per-pair hard constraints, once, in the contract's order (the extension last). The
#: candidate pairs, the reasons, the hints and the final check all evaluate this table.
#: (Having the language at all is structural: only speakers of it are ever paired; the gap
#: between two assignments of one interpreter is not a pair property, see ``solve``.)
CHECKS: tuple[Check, ...] = (
    Check("level_too_low", "lookup", _level_too_low),
    Check("mode_not_offered", "lookup", _mode_not_offered),
    Check("too_far", "travel", _too_far),
    Check("not_available", "search", _not_available),
    Check("gender_preference", "lookup", _gender_preference),
    Check("client_excluded", "search", _client_excluded),
    Check("no_child_clearance", "lookup", _no_child_clearance),
    Check("topic_declined", "lookup", _topic_declined),
    Check("interpreter_excluded", "search", _interpreter_excluded),
)

#: Reason codes of the per-pair hard constraints, in the contract's order.
PAIR_CODES: tuple[str, ...] = tuple(check.code for check in CHECKS)


def _violates_any(c: Compiled, x: Cells, stage: Stage) -> BoolArray:
    """Whether each cell violates one of the checks of ``stage``."""
    bad: BoolArray | None = None
    for check in CHECKS:
        if check.stage == stage:
            mask = check.violated(c, x)
            bad = mask if bad is None else bad | mask
    return _nothing((x.r, x.i)) if bad is None else bad


def violations(c: Compiled, x: Cells) -> dict[str, BoolArray]:
    """Every check of :data:`CHECKS` on the cells, by reason code (True = violated)."""
    return {check.code: check.violated(c, x) for check in CHECKS}


def travel_km(c: Compiled, r: IntArray, i: IntArray) -> FloatArray:
    """Travel km of cells (flat, or a block of a column ``r`` and a row ``i``); 0 where the
    request is not in person."""
    if r.ndim == 2:
        block: FloatArray = np.zeros((r.shape[0], i.shape[1]))
        near = c.r_in_person[r[:, 0]]
        if near.any():
            rows, cols = r[near], i
            block[near] = haversine_km(c.r_lat[rows], c.r_lon[rows], c.i_lat[cols], c.i_lon[cols])
        return block
    km: FloatArray = np.zeros(len(r))
    in_person = np.flatnonzero(c.r_in_person[r])
    if len(in_person):
        rr, ii = r[in_person], i[in_person]
        km[in_person] = haversine_km(c.r_lat[rr], c.r_lon[rr], c.i_lat[ii], c.i_lon[ii])
    return km


def speaker_pairs(c: Compiled, requests: IntArray) -> Cells:
    """Every (request, speaker of its language) pair for the given requests, as flat cells.

    :param requests: ascending request indices.
    :return: cells sorted by request then interpreter, travel km not yet computed (0).
    """
    lang = c.r_lang[requests]
    lo = c.lang_ptr[lang]
    count = c.lang_ptr[lang + 1] - lo
    total = int(count.sum())
    pr = np.repeat(requests, count)
    first = np.cumsum(count) - count
    at = np.arange(total, dtype=np.int64) + np.repeat(lo - first, count)
    return Cells(pr, c.spk_i[at], c.spk_level[at], np.zeros(total))


def speaker_level(c: Compiled, r: IntArray, i: IntArray) -> IntArray:
    """Interpreter ``i``'s level rank in request ``r``'s language, -1 if not a speaker."""
    if len(c.spk_i) == 0:
        return np.full(len(r), -1, dtype=np.int64)
    owner = np.repeat(np.arange(len(c.languages), dtype=np.int64), np.diff(c.lang_ptr))
    keys = owner * c.n_interpreters + c.spk_i  # sorted: by language, then interpreter
    want = c.r_lang[r] * c.n_interpreters + i
    at = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[at] == want, c.spk_level[at], -1)


def pair_violations(c: Compiled, requests: IntArray) -> tuple[IntArray, IntArray]:
    """Per (request, speaker) pair a bit set of the violated :data:`PAIR_CODES`.

    :param requests: ascending request indices.
    :return: the pairs' request indices and their violation bits (bit ``j`` is
        ``PAIR_CODES[j]``); a pair with no bit set is a candidate.
    """
    x = speaker_pairs(c, requests)
    x = Cells(x.r, x.i, x.level, travel_km(c, x.r, x.i))
    bits = np.zeros(len(x.r), dtype=np.int64)
    for j, mask in enumerate(violations(c, x).values()):
        bits |= mask.astype(np.int64) << j
    return x.r, bits


def constraint_masks(
    c: Compiled, request: int
) -> tuple[IntArray, dict[str, BoolArray], FloatArray]:
    """All per-pair violation masks of one request against every speaker of its language.

    :return: the speakers' interpreter indices, masks by code (True = violated) and travel km.
    """
    x = speaker_pairs(c, np.asarray([request], dtype=np.int64))
    x = Cells(x.r, x.i, x.level, travel_km(c, x.r, x.i))
    return x.i, violations(c, x), x.km


def feasible(c: Compiled, r: IntArray, i: IntArray) -> BoolArray:
    """Whether each flat (request, interpreter) pair passes every hard per-pair check,
    language included; the engine's final check on its own result."""
    x = Cells(r, i, speaker_level(c, r, i), travel_km(c, r, i))
    ok = x.level >= 0
    for mask in violations(c, x).values():
        ok &= ~mask
    return ok


@dataclass(frozen=True, slots=True)
class Pairs:
    """All feasible (request, interpreter) pairs, sorted by request then interpreter."""

    request: IntArray
    interpreter: IntArray
    travel_km: FloatArray


#: Languages with more request x speaker cells than this are checked as a dense block each
#: (broadcasting beats flat gathers there); all others together as flat pair arrays.
_BLOCK_CELLS = 40_000


def _surely_too_far(c: Compiled, x: Cells) -> BoolArray:
    """Cells certainly violating the radius, from latitudes alone (a block prefilter).

    The great-circle distance is at least ``R * |lat1 - lat2|`` (radians), so a cell whose
    latitude difference alone exceeds the radius (with a margin far above rounding) is too
    far; this costs a subtraction instead of the haversine's trigonometry. Remote requests
    have no latitude (nan), which compares False: never excluded here.
    """
    bound = c.i_max_km[x.i] * (1.0 + 1e-9) + 1e-9
    return EARTH_RADIUS_KM * np.abs(c.r_lat[x.r] - c.i_lat[x.i]) > bound


def _passing(c: Compiled, x: Cells) -> tuple[IntArray, IntArray, FloatArray]:
    """The cells passing every check, flat and in the cells' order (row-major for a block).

    Stage by stage (:data:`STAGES`): the lookups on every cell, the travel km and the
    radius on the survivors, the binary searches on the fewest. A block is checked by
    broadcasting for the lookups (and a latitude prefilter of the radius, which only drops
    cells the radius check drops too), then flattened to its survivors.
    """
    ok = ~_violates_any(c, x, "lookup")
    if x.r.ndim == 2:
        ok &= ~_surely_too_far(c, x)
        a, b = np.nonzero(ok)
        x = Cells(x.r[a, 0], x.i[0, b], x.level[0, b], np.zeros(len(a)))
    else:
        x = x.take(np.flatnonzero(ok))
    x = Cells(x.r, x.i, x.level, travel_km(c, x.r, x.i))
    x = x.take(np.flatnonzero(~_violates_any(c, x, "travel")))
    x = x.take(np.flatnonzero(~_violates_any(c, x, "search")))
    return x.r, x.i, x.km


def _block_pairs(c: Compiled, li: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Candidate pairs of one big language as a dense block (broadcasting is cheaper there)."""
    rows = np.flatnonzero(c.r_lang == li)
    cols, levels = c.speakers[li]
    return _passing(c, Cells(rows[:, None], cols[None, :], levels[None, :], np.zeros((1, 1))))


def candidate_pairs(c: Compiled) -> Pairs:
    """Every pair passing :data:`CHECKS`: hard constraints 1-4 and 6-9, the busy part of 5,
    and the request's ``excluded_interpreters`` (an extension).

    Languages whose requests x speakers block exceeds ``_BLOCK_CELLS`` (the big languages of
    a state instance) are checked as one dense boolean block each, by broadcasting; all
    other requests together as flat (request, speaker) pair arrays in one pass, so a county
    instance costs a fixed number of numpy calls however many languages it has. Both paths
    run the same checks stage by stage (see :func:`_passing`). The pairs come out sorted by
    request, then interpreter.
    """
    n_lang = len(c.languages)
    rows_per_lang = np.bincount(c.r_lang, minlength=n_lang)
    cells = rows_per_lang * np.diff(c.lang_ptr)
    big = np.flatnonzero(cells > _BLOCK_CELLS)
    parts = [_block_pairs(c, int(li)) for li in big.tolist()]
    small = np.flatnonzero(~np.isin(c.r_lang, big)) if len(big) else np.arange(c.n_requests)
    if len(small):
        parts.append(_passing(c, speaker_pairs(c, small)))
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return Pairs(empty, empty, np.empty(0, dtype=np.float64))
    if len(parts) == 1:
        return Pairs(*parts[0])
    pr = np.concatenate([part[0] for part in parts])
    pi = np.concatenate([part[1] for part in parts])
    km = np.concatenate([part[2] for part in parts])
    order = np.lexsort((pi, pr))
    return Pairs(pr[order], pi[order], km[order])
