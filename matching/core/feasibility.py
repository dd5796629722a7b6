"""Vectorised hard-constraint masks over requests x interpreters.

:func:`compile_instance` turns an :class:`~matching.core.instance.Instance` into numpy arrays
(requests and interpreters sorted by id, so everything downstream is deterministic).
:func:`constraint_masks` evaluates each hard constraint of the contract separately for a block
of requests x interpreters by broadcasting (used for explanations), and
:func:`candidate_pairs` returns every feasible (request, interpreter) pair of the instance:
each request only meets the speakers of its language (flat pair arrays for all small
languages at once, a dense block per big language), so no dense request x interpreter
matrix of the whole state is ever built. Time constraints (availability windows, busy
intervals with the gap) are checked on pair lists with sorted composite keys and
:func:`numpy.searchsorted`, never by a Python loop over pairs.

Conflicts between two requests of one interpreter are not a pair property; they are handled
in :mod:`matching.core.solve`. Throughout, a request occupies ``[start, end + gap)`` on its
interpreter's timeline: two requests (or a request and a busy interval expanded the same way)
conflict exactly when those half-open intervals overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from matching.core.instance import GENDERS, LEVEL_RANK, MODES, PRIORITY_WEIGHTS, Instance

EARTH_RADIUS_KM = 6371.0

#: Reason codes of the per-pair hard constraints, in the contract's order.
PAIR_CODES: tuple[str, ...] = (
    "level_too_low",
    "mode_not_offered",
    "too_far",
    "not_available",
    "gender_preference",
    "client_excluded",
    "no_child_clearance",
    "topic_declined",
    "interpreter_excluded",
)

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
    r_mode: IntArray
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
    # forbidden (request, interpreter) pairs from excluded clients, and as sorted keys r * m + i
    excluded_pairs: tuple[IntArray, IntArray]
    forbidden: IntArray
    # (request, interpreter) pairs the request excludes (extension), and as sorted keys
    excluded_interpreter_pairs: tuple[IntArray, IntArray]
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
    located = [r.location if r.mode == "in_person" else None for r in reqs]
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
    ex = (ints(ex_r), ints(ex_i))
    xp = (ints(xr), ints(xi))

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
        excluded_pairs=ex,
        forbidden=sorted_unique(ex[0] * m + ex[1]),
        excluded_interpreter_pairs=xp,
        excluded_interpreter_keys=sorted_unique(xp[0] * m + xp[1]),
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
            return np.zeros(len(q_owner), dtype=bool)
        hit, pos = self._last(q_owner, q_start, "right")  # last start <= q_start
        return hit & (self.run_end[pos] >= q_owner * self.stride + q_end)

    def overlaps(self, q_owner: IntArray, q_start: IntArray, q_end: IntArray) -> BoolArray:
        """Whether some interval of the query's owner overlaps ``[q_start, q_end)``."""
        if len(self.key) == 0:
            return np.zeros(len(q_owner), dtype=bool)
        hit, pos = self._last(q_owner, q_end, "left")  # last start < q_end
        return hit & (self.run_end[pos] > q_owner * self.stride + q_start)


def time_ok(c: Compiled, pr: IntArray, pi: IntArray) -> BoolArray:
    """Constraint 4 and the busy part of 5 for pairs: inside a window, clear of busy + gap."""
    qs, qe = c.r_start_rank[pr], c.r_end_rank[pr]
    return c.windows.contains(pi, qs, qe) & ~c.busy.overlaps(pi, qs, qe)


def schedule_index(c: Compiled, requests: IntArray, owners: IntArray) -> IntervalIndex:
    """Index the occupied intervals ``[start, end + gap)`` of assigned requests."""
    return IntervalIndex.build(
        owners, c.r_start_rank[requests], c.r_endx_rank[requests], c.windows.stride
    )


# --------------------------------------------------------------------------- masks


def _forbidden(
    pairs: tuple[IntArray, IntArray], rows: IntArray, cols: IntArray, n: int, m: int
) -> BoolArray:
    """Dense block mask, True where (rows[a], cols[b]) is one of the given pairs."""
    out = np.zeros((len(rows), len(cols)), dtype=bool)
    pr, pi = pairs
    if len(pr) == 0:
        return out
    rpos = np.full(n, -1, dtype=np.int64)
    rpos[rows] = np.arange(len(rows))
    ipos = np.full(m, -1, dtype=np.int64)
    ipos[cols] = np.arange(len(cols))
    sel = (rpos[pr] >= 0) & (ipos[pi] >= 0)
    out[rpos[pr[sel]], ipos[pi[sel]]] = True
    return out


def distances(c: Compiled, rows: IntArray, cols: IntArray) -> FloatArray:
    """Travel km for a block (nan where the request is not in person)."""
    return haversine_km(
        c.r_lat[rows][:, None],
        c.r_lon[rows][:, None],
        c.i_lat[cols][None, :],
        c.i_lon[cols][None, :],
    )


def static_masks(
    c: Compiled, rows: IntArray, cols: IntArray, levels: IntArray
) -> tuple[dict[str, BoolArray], FloatArray]:
    """Per-code violation masks (True = violated) for all constraints but time.

    :param rows: request indices (all of one language).
    :param cols: interpreter indices, all speaking that language.
    :param levels: the interpreters' level rank in that language.
    :return: the masks by reason code, and the travel km block (0 where not in person).
    """
    n, m = c.n_requests, c.n_interpreters
    in_person = c.r_mode[rows] == 0
    km = distances(c, rows, cols)
    km = np.where(in_person[:, None], km, 0.0)
    gender_pref = c.r_gender[rows][:, None]
    masks = {
        "level_too_low": levels[None, :] < c.r_level[rows][:, None],
        "mode_not_offered": ~c.i_modes[cols][:, c.r_mode[rows]].T,
        "too_far": in_person[:, None] & ~(km <= c.i_max_km[cols][None, :]),
        "gender_preference": (gender_pref >= 0) & (c.i_gender[cols][None, :] != gender_pref),
        "client_excluded": _forbidden(c.excluded_pairs, rows, cols, n, m),
        "no_child_clearance": c.r_minors[rows][:, None] & ~c.i_child[cols][None, :],
        "topic_declined": c.i_declines[cols][:, c.r_topic[rows]].T,
        "interpreter_excluded": _forbidden(c.excluded_interpreter_pairs, rows, cols, n, m),
    }
    return masks, km


def constraint_masks(
    c: Compiled, request: int
) -> tuple[IntArray, dict[str, BoolArray], FloatArray]:
    """All per-pair violation masks of one request against every speaker of its language.

    :return: the speakers' interpreter indices, masks by code (True = violated) and travel km.
    """
    cols, levels = c.speakers[int(c.r_lang[request])]
    rows = np.asarray([request], dtype=np.int64)
    masks, km = static_masks(c, rows, cols, levels)
    flat = {code: mask[0] for code, mask in masks.items()}
    flat["not_available"] = ~time_ok(c, np.full(len(cols), request, dtype=np.int64), cols)
    return cols, flat, km[0]


@dataclass(frozen=True, slots=True)
class Pairs:
    """All feasible (request, interpreter) pairs, sorted by request then interpreter."""

    request: IntArray
    interpreter: IntArray
    travel_km: FloatArray


#: Languages with more request x speaker cells than this are checked as a dense block each
#: (broadcasting beats flat gathers there); all others together as flat pair arrays.
_BLOCK_CELLS = 40_000


def speaker_pairs(c: Compiled, requests: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Every (request, speaker of its language) pair for the given requests, flat.

    :param requests: ascending request indices.
    :return: request index, interpreter index and level rank per pair, sorted by request
        then interpreter (no Python loop, no per-language block).
    """
    lang = c.r_lang[requests]
    lo = c.lang_ptr[lang]
    count = c.lang_ptr[lang + 1] - lo
    total = int(count.sum())
    pr = np.repeat(requests, count)
    first = np.cumsum(count) - count
    at = np.arange(total, dtype=np.int64) + np.repeat(lo - first, count)
    return pr, c.spk_i[at], c.spk_level[at]


def _static_ok(c: Compiled, pr: IntArray, pi: IntArray, level: IntArray) -> BoolArray:
    """Constraints 1, 2, 6, 8, 9 on flat pairs (the cheap ones, no geometry or time)."""
    mode = c.r_mode[pr]
    pref = c.r_gender[pr]
    ok = level >= c.r_level[pr]
    ok &= c.i_modes[pi, mode]
    ok &= (pref < 0) | (c.i_gender[pi] == pref)
    ok &= ~(c.r_minors[pr] & ~c.i_child[pi])
    ok &= ~c.i_declines[pi, c.r_topic[pr]]
    return ok


def pair_km(c: Compiled, pr: IntArray, pi: IntArray) -> FloatArray:
    """Travel km of flat pairs (0 where the request is not in person)."""
    km = np.zeros(len(pr))
    in_person = np.flatnonzero(c.r_mode[pr] == 0)
    if len(in_person):
        r, i = pr[in_person], pi[in_person]
        km[in_person] = haversine_km(c.r_lat[r], c.r_lon[r], c.i_lat[i], c.i_lon[i])
    return km


def _in_keys(sorted_keys: IntArray, c: Compiled, pr: IntArray, pi: IntArray) -> BoolArray:
    """Whether each flat pair's key ``r * m + i`` is one of the sorted keys."""
    if len(sorted_keys) == 0:
        return np.zeros(len(pr), dtype=bool)
    keys = pr * c.n_interpreters + pi
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _is_forbidden(c: Compiled, pr: IntArray, pi: IntArray) -> BoolArray:
    """Constraint 7 on flat pairs: the request's client is excluded by the interpreter."""
    return _in_keys(c.forbidden, c, pr, pi)


def _is_excluded(c: Compiled, pr: IntArray, pi: IntArray) -> BoolArray:
    """Extension: the request excludes the interpreter (``excluded_interpreters``)."""
    return _in_keys(c.excluded_interpreter_keys, c, pr, pi)


def pair_violations(c: Compiled, requests: IntArray) -> tuple[IntArray, IntArray]:
    """Per (request, speaker) pair a bit set of the violated :data:`PAIR_CODES`.

    :param requests: ascending request indices.
    :return: the pairs' request indices and their violation bits (bit ``j`` is
        ``PAIR_CODES[j]``); a pair with no bit set is a candidate.
    """
    pr, pi, level = speaker_pairs(c, requests)
    mode = c.r_mode[pr]
    pref = c.r_gender[pr]
    km = pair_km(c, pr, pi)
    masks = (
        level < c.r_level[pr],
        ~c.i_modes[pi, mode],
        (mode == 0) & ~(km <= c.i_max_km[pi]),
        ~time_ok(c, pr, pi),
        (pref >= 0) & (c.i_gender[pi] != pref),
        _is_forbidden(c, pr, pi),
        c.r_minors[pr] & ~c.i_child[pi],
        c.i_declines[pi, c.r_topic[pr]],
        _is_excluded(c, pr, pi),
    )
    bits = np.zeros(len(pr), dtype=np.int64)
    for j, mask in enumerate(masks):
        bits |= mask.astype(np.int64) << j
    return pr, bits


def _block_pairs(c: Compiled, li: int) -> tuple[IntArray, IntArray, FloatArray]:
    """Candidate pairs of one big language as a dense block (broadcasting is cheaper there)."""
    rows = np.flatnonzero(c.r_lang == li)
    cols, levels = c.speakers[li]
    ok = levels[None, :] >= c.r_level[rows][:, None]
    ok &= c.i_modes[cols][:, c.r_mode[rows]].T
    pref = c.r_gender[rows][:, None]
    ok &= (pref < 0) | (c.i_gender[cols][None, :] == pref)
    ok &= ~(c.r_minors[rows][:, None] & ~c.i_child[cols][None, :])
    ok &= ~c.i_declines[cols][:, c.r_topic[rows]].T
    km = np.zeros(ok.shape)
    in_person = c.r_mode[rows] == 0
    if in_person.any():
        near = distances(c, rows[in_person], cols)
        km[in_person] = near
        ok[in_person] &= near <= c.i_max_km[cols][None, :]
    a, b = np.nonzero(ok)
    pr, pi = rows[a], cols[b]
    keep = np.flatnonzero(time_ok(c, pr, pi) & ~_is_forbidden(c, pr, pi) & ~_is_excluded(c, pr, pi))
    return pr[keep], pi[keep], km[a[keep], b[keep]]


def _flat_pairs(c: Compiled, requests: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Candidate pairs of the given requests from flat (request, speaker) pair arrays."""
    pr, pi, level = speaker_pairs(c, requests)
    keep = np.flatnonzero(_static_ok(c, pr, pi, level))
    pr, pi = pr[keep], pi[keep]
    km = pair_km(c, pr, pi)
    keep = np.flatnonzero((c.r_mode[pr] != 0) | (km <= c.i_max_km[pi]))
    pr, pi, km = pr[keep], pi[keep], km[keep]
    keep = np.flatnonzero(time_ok(c, pr, pi) & ~_is_forbidden(c, pr, pi) & ~_is_excluded(c, pr, pi))
    return pr[keep], pi[keep], km[keep]


def candidate_pairs(c: Compiled) -> Pairs:
    """Every pair satisfying hard constraints 1-4 and 6-9 (and busy + gap of 5), and not
    excluded by the request (``excluded_interpreters``, an extension).

    Languages whose requests x speakers block exceeds ``_BLOCK_CELLS`` (the big languages of
    a state instance) are checked as one dense boolean block each, by broadcasting; all
    other requests together as flat (request, speaker) pair arrays in one pass, so a county
    instance costs a fixed number of numpy calls however many languages it has. Both paths
    apply the cheap constraints first and the time checks (availability, busy + gap) and
    excluded clients on the surviving pairs only. The pairs come out sorted by request,
    then interpreter.
    """
    n_lang = len(c.languages)
    rows_per_lang = np.bincount(c.r_lang, minlength=n_lang)
    cells = rows_per_lang * np.diff(c.lang_ptr)
    big = np.flatnonzero(cells > _BLOCK_CELLS)
    parts = [_block_pairs(c, int(li)) for li in big.tolist()]
    small = np.flatnonzero(~np.isin(c.r_lang, big)) if len(big) else np.arange(c.n_requests)
    if len(small):
        parts.append(_flat_pairs(c, small))
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
