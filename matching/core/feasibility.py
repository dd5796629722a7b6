"""Vectorised hard-constraint masks over requests x interpreters.

:func:`compile_instance` turns an :class:`~matching.core.instance.Instance` into numpy arrays
(requests and interpreters sorted by id, so everything downstream is deterministic).
:func:`constraint_masks` evaluates each hard constraint of the contract separately for a block
of requests x interpreters by broadcasting (used for explanations), and
:func:`candidate_pairs` returns every feasible (request, interpreter) pair of the instance,
working language by language so no dense request x interpreter matrix of the whole state is
ever built. Time constraints (availability windows, busy intervals with the gap) are checked
on pair lists with sorted composite keys and :func:`numpy.searchsorted`, never by a Python
loop over pairs.

Conflicts between two requests of one interpreter are not a pair property; they are handled
in :mod:`matching.core.solve`. Throughout, a request occupies ``[start, end + gap)`` on its
interpreter's timeline: two requests (or a request and a busy interval expanded the same way)
conflict exactly when those half-open intervals overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.core.instance import GENDERS, LEVEL_RANK, MODES, Instance

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
    languages: tuple[str, ...]
    # forbidden (request, interpreter) pairs from excluded clients and declined topics
    excluded_pairs: tuple[IntArray, IntArray]
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
    """Turn a parsed instance into the sorted array form used by the engine."""
    r_order = sorted(range(len(instance.requests)), key=lambda k: instance.requests[k].id)
    i_order = sorted(range(len(instance.interpreters)), key=lambda k: instance.interpreters[k].id)
    reqs = [instance.requests[k] for k in r_order]
    interps = [instance.interpreters[k] for k in i_order]
    i_index = {it.id: n for n, it in enumerate(interps)}
    gender_index = {g: n for n, g in enumerate(GENDERS)}
    mode_index = {m: n for n, m in enumerate(MODES)}

    languages = sorted({r.language for r in reqs})
    lang_index = {code: n for n, code in enumerate(languages)}
    speakers: dict[int, tuple[IntArray, IntArray]] = {}
    for code, li in lang_index.items():
        idx = [n for n, it in enumerate(interps) if code in it.languages]
        lvl = [LEVEL_RANK[interps[n].languages[code]] for n in idx]
        speakers[li] = (np.asarray(idx, dtype=np.int64), np.asarray(lvl, dtype=np.int64))

    n = len(reqs)
    r_lat = np.full(n, np.nan)
    r_lon = np.full(n, np.nan)
    for k, r in enumerate(reqs):
        if r.mode == "in_person" and r.location is not None:
            r_lat[k] = r.location.lat
            r_lon[k] = r.location.lon

    # excluded clients as sparse pairs (a client has few requests); topics as a small matrix
    by_client: dict[str, list[int]] = {}
    for k, r in enumerate(reqs):
        if r.client_ref is not None:
            by_client.setdefault(r.client_ref, []).append(k)
    ex_r: list[int] = []
    ex_i: list[int] = []
    topics = sorted({r.topic for r in reqs if r.topic is not None})
    topic_index = {t: n for n, t in enumerate(topics)}
    i_declines = np.zeros((len(interps), len(topics) + 1), dtype=bool)
    for n_i, it in enumerate(interps):
        for client in it.excluded_clients:
            for k in by_client.get(client, ()):
                ex_r.append(k)
                ex_i.append(n_i)
        for topic in it.declined_topics:
            if topic in topic_index:
                i_declines[n_i, topic_index[topic]] = True

    gap = instance.gap_us
    w_owner, w_start, w_end, b_owner, b_start, b_end = [], [], [], [], [], []
    for n_i, it in enumerate(interps):
        for w in it.availability:
            w_owner.append(n_i)
            w_start.append(w.start_us)
            w_end.append(w.end_us)
        for b in it.busy:
            b_owner.append(n_i)
            b_start.append(b.start_us - gap)
            b_end.append(b.end_us + gap)

    def ints(values: list[int]) -> IntArray:
        return np.asarray(values, dtype=np.int64)

    r_start = ints([r.start_us for r in reqs])
    r_end = ints([r.end_us for r in reqs])
    arrays = [r_start, r_end, r_end + gap, ints(w_start), ints(w_end), ints(b_start), ints(b_end)]
    vocabulary = sorted_unique(np.concatenate(arrays))
    stride = len(vocabulary) + 1
    ranks = [np.searchsorted(vocabulary, a).astype(np.int64) for a in arrays]

    return Compiled(
        instance=instance,
        request_order=ints(r_order),
        interpreter_order=ints(i_order),
        request_ids=tuple(r.id for r in reqs),
        interpreter_ids=tuple(it.id for it in interps),
        gap_us=gap,
        r_lang=ints([lang_index[r.language] for r in reqs]),
        r_level=ints([LEVEL_RANK[r.min_level] for r in reqs]),
        r_mode=ints([mode_index[r.mode] for r in reqs]),
        r_lat=np.radians(r_lat),
        r_lon=np.radians(r_lon),
        r_gender=ints([gender_index.get(r.gender_preference or "", -1) for r in reqs]),
        r_minors=np.asarray([r.minors_involved for r in reqs], dtype=bool),
        r_start=r_start,
        r_end=r_end,
        r_start_rank=ranks[0],
        r_end_rank=ranks[1],
        r_endx_rank=ranks[2],
        r_weight=ints([r.weight for r in reqs]),
        r_previous=ints([i_index.get(r.previous_interpreter or "", -1) for r in reqs]),
        i_modes=np.asarray([[m in it.modes for m in MODES] for it in interps], dtype=bool).reshape(
            len(interps), len(MODES)
        ),
        i_lat=np.radians(np.asarray([it.home.lat for it in interps], dtype=np.float64)),
        i_lon=np.radians(np.asarray([it.home.lon for it in interps], dtype=np.float64)),
        i_max_km=np.asarray([it.max_travel_km for it in interps], dtype=np.float64),
        i_gender=ints([gender_index.get(it.gender or "", -1) for it in interps]),
        i_child=np.asarray([it.child_clearance for it in interps], dtype=bool),
        i_hours=np.asarray([it.hours_last_30_days for it in interps], dtype=np.float64),
        speakers=speakers,
        languages=tuple(languages),
        excluded_pairs=(ints(ex_r), ints(ex_i)),
        r_topic=ints([topic_index.get(r.topic or "", len(topics)) for r in reqs]),
        i_declines=i_declines,
        windows=IntervalIndex.build(ints(w_owner), ranks[3], ranks[4], stride),
        busy=IntervalIndex.build(ints(b_owner), ranks[5], ranks[6], stride),
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

    def _last(self, q_owner: IntArray, bound: IntArray, side: str) -> tuple[BoolArray, IntArray]:
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


def candidate_pairs(c: Compiled) -> Pairs:
    """Every pair satisfying hard constraints 1-4 and 6-9 (and busy + gap of 5).

    Works one language at a time: a dense boolean block of that language's requests x
    speakers, then the time checks and the (sparse) exclusion/declined-topic pairs on the
    surviving pairs only.
    """
    all_r: list[IntArray] = []
    all_i: list[IntArray] = []
    all_km: list[FloatArray] = []
    m = c.n_interpreters
    forbidden = sorted_unique(c.excluded_pairs[0] * m + c.excluded_pairs[1])
    for li in range(len(c.languages)):
        rows = np.flatnonzero(c.r_lang == li)
        cols, levels = c.speakers[li]
        if len(rows) == 0 or len(cols) == 0:
            continue
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
        keep = time_ok(c, pr, pi)
        if len(forbidden):
            keys = pr * m + pi
            at = np.minimum(np.searchsorted(forbidden, keys), len(forbidden) - 1)
            keep &= forbidden[at] != keys
        all_r.append(pr[keep])
        all_i.append(pi[keep])
        all_km.append(km[a[keep], b[keep]])
    if not all_r:
        empty = np.empty(0, dtype=np.int64)
        return Pairs(empty, empty, np.empty(0, dtype=np.float64))
    pr = np.concatenate(all_r)
    pi = np.concatenate(all_i)
    km = np.concatenate(all_km)
    order = np.lexsort((pi, pr))
    return Pairs(pr[order], pi[order], km[order])
