"""Solve a matching instance: decomposition, assignment rounds, conflict-free local search.

How the engine stays free of double bookings while reaching (close to) the optimum fill:

1. **Candidates.** :func:`~matching.core.feasibility.candidate_pairs` lists every pair that
   satisfies the per-pair hard constraints (language/level, mode, radius, availability,
   busy + gap, gender, client, child clearance, topic). Only these pairs are ever assigned.
2. **Time-disjoint slots.** A request occupies ``[start, end + gap)`` on its interpreter's
   timeline. For every interpreter its open candidate requests are swept in time order and
   cut into *slots*: maximal runs of overlapping occupied intervals. Requests in different
   slots of one interpreter can never conflict, so each slot is one assignment column.
3. **Rounds of `linear_sum_assignment`.** Requests x slots form a bipartite graph that falls
   apart into small connected components (by language, day, region). Each component with a
   real choice is solved by :func:`scipy.optimize.linear_sum_assignment` on its dense
   gain matrix (gain = scale x priority weight - secondary cost; a request left out is the
   "unfilled" option). Slots of one interpreter and the interpreters' earlier assignments
   are disjoint in time, so every round's result is conflict-free by construction. The next
   round re-cuts the remaining free time of every interpreter and fills it, until no open
   request has a free candidate. A first-round component whose slots are all cliques (or
   that has one request) is thereby solved exactly, and later rounds and the local search
   leave it alone.
4. **Local search (exact per interpreter and per pair).** A slot takes one request per
   round, so a round may pick the one request in the middle of a chain that blocks two
   neighbours. For every interpreter with an open candidate the engine solves the *weighted
   interval scheduling* problem exactly (dynamic programming over its own and the open
   requests) and keeps it when the total gain rises; then it tries ejection moves (an open
   request takes the place of conflicting ones, which move to another free interpreter),
   then exact joint re-plans of two interpreters around an open request (and, where that
   finds nothing, of the open request's whole neighbourhood when it is three or four
   interpreters: a small contested language), then perturbations. Every move keeps the
   schedule conflict-free and strictly increases the gain, so the search terminates; work
   budgets are counted in steps, not seconds.
5. **Travel polish and final check.** Assigned requests move to a cheaper free candidate
   where one exists (weight unchanged), and a last pass over the result re-evaluates the
   table of per-pair checks on every assignment and drops anything that would violate a
   hard constraint or overlap (it never fires; tests and the benchmark check this with a
   separate checker).
6. **Baseline floor.** A first-come-first-served greedy (:func:`greedy`, the coordinators'
   way) runs on the same candidate pairs; if it beats the engine by the objective (weight,
   then secondary cost), its result (improved by the same local search) is returned. So the
   engine is never below that baseline, by construction. When the first round already
   solved every request's component exactly, its result is optimal and steps 4 and 6 are
   skipped.

Everything is ordered by request and interpreter id, so the result is deterministic.
"""

from __future__ import annotations

import bisect
import time
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, min_weight_full_bipartite_matching

from matching.core.costs import DEFAULT_WEIGHTS, Weights
from matching.core.explain import Occupancy, explain_assignment, hints_for, reasons_for
from matching.core.feasibility import (
    BoolArray,
    FloatArray,
    IntArray,
    feasible,
    schedule_index,
    sorted_unique,
)
from matching.core.instance import Instance
from matching.core.problem import Problem, build_problem
from matching.core.result import Assignment, Result, Unfilled

_EPS = 1e-6
_MAX_PASSES = 12
_MAX_EJECT = 4
#: A joint re-plan of a few interpreters gives up (deterministically) beyond this many DP
#: states; groups of up to _GROUP_SIZE interpreters (all candidates of an open request) are
#: re-planned together, larger neighbourhoods pairwise.
_GROUP_STATES = 4_000
_GROUP_SIZE = 4
#: ... and a group re-plan also gives up beyond this many states summed over its sweep.
_GROUP_WORK = 5_000
#: Components up to this many matrix cells use a dense linear_sum_assignment; larger ones
#: with fewer than _SPARSE_DENSITY of the cells filled use sparse LAPJV (same optimum).
_DENSE_CELLS = 250_000
_SPARSE_DENSITY = 0.05
#: All non-trivial components of a round go into one block-diagonal dense matrix when it
#: has at most this many cells (a county round); otherwise one matrix per component.
_BATCH_CELLS = 40_000
#: Work budget of the perturbation phase, in elementary steps (DP items and candidate
#: checks) rather than seconds, so that results never depend on the machine's speed.
_KICK_WORK = 50_000


# --------------------------------------------------------------------------- rounds


def _best_edge_per_group(group: IntArray, gain: FloatArray, *ties: IntArray) -> IntArray:
    """Index of the highest-gain element of each group (ties: smallest of ``ties`` keys)."""
    order = np.lexsort((*reversed(ties), -gain, group))
    first = np.ones(len(order), dtype=bool)
    first[1:] = group[order][1:] != group[order][:-1]
    return order[first]


def _sparse_assignment(
    rl: IntArray, sl: IntArray, gain: FloatArray, n_rows: int, n_slots: int
) -> IntArray:
    """The same assignment problem for a big, sparse component, via sparse LAPJV.

    Every row also gets its own "unfilled" column so that a full matching exists; costs are
    ``top - gain`` (positive), so minimising the total maximises the gain exactly as the
    dense :func:`linear_sum_assignment` call would. Returns the indices of chosen edges.
    """
    top = float(gain.max()) + 1.0
    rows = np.concatenate([rl, np.arange(n_rows)])
    cols = np.concatenate([sl, n_slots + np.arange(n_rows)])
    cost = np.concatenate([top - gain, np.full(n_rows, top)])
    graph = csr_matrix((cost, (rows, cols)), shape=(n_rows, n_slots + n_rows))
    r_ind, c_ind = min_weight_full_bipartite_matching(graph)
    real = c_ind < n_slots
    keys = rl * n_slots + sl
    order = np.argsort(keys)
    return order[np.searchsorted(keys[order], r_ind[real] * n_slots + c_ind[real])]


def _batch_fits(rows_in: IntArray, slots_in: IntArray, hard: BoolArray) -> bool:
    """Whether all hard components of a round fit one small dense matrix together.

    Every row and slot belongs to exactly one component, so the matrix of the hard ones
    is ``sum(rows) x sum(slots)`` over those components: counted, not sorted out of the
    edges (which cost more than the rest of a state round's bookkeeping).
    """
    return int(rows_in[hard].sum()) * int(slots_in[hard].sum()) <= _BATCH_CELLS


def _batched_assignment(
    which: IntArray, row: IntArray, slot: IntArray, gain: FloatArray
) -> IntArray:
    """Solve several components as one block-diagonal dense assignment problem.

    Cells between components have gain 0, exactly like leaving the request unfilled, so
    the optimum is the sum of the components' optima (one dense call instead of one per
    component). Returns the chosen elements of ``which``.
    """
    rows, slots = sorted_unique(row), sorted_unique(slot)
    rl, sl = np.searchsorted(rows, row), np.searchsorted(slots, slot)
    matrix = np.zeros((len(rows), len(slots)))
    matrix[rl, sl] = -gain
    where = np.full((len(rows), len(slots)), -1, dtype=np.int64)
    where[rl, sl] = which
    a, b = linear_sum_assignment(matrix)
    got = where[a, b]
    return got[got >= 0]


def _one_round(p: Problem, edges: IntArray, exact: BoolArray | None = None) -> IntArray:
    """One assignment round over open edges (pair indices); returns the chosen pairs.

    With ``exact`` (one flag per request) given, also marks the requests whose component
    this round solves to optimality for good: every slot of the component is a clique (its
    requests pairwise overlap, so a slot can take exactly one of them, as the assignment
    assumes), or the component has one request only. Then the component's assignment
    problem *is* its scheduling problem, and no later round or local move can raise its
    gain (this holds for the first round, which sees every pair).
    """
    c = p.compiled
    pr, pi = p.pairs.request, p.pairs.interpreter
    ri, ii = pr[edges], pi[edges]
    order = np.lexsort((ri, c.r_endx_rank[ri], c.r_start_rank[ri], ii))
    edges, ri, ii = edges[order], ri[order], ii[order]
    # slots: maximal runs of overlapping occupied intervals per interpreter
    stride = c.windows.stride
    rs, rx = c.r_start_rank[ri], c.r_endx_rank[ri]
    run = np.maximum.accumulate(ii * stride + rx)
    before = np.empty_like(run)
    before[0] = -1
    before[1:] = run[:-1]
    slot = np.cumsum(ii * stride + rs >= before) - 1
    rows = sorted_unique(ri)
    row = np.searchsorted(rows, ri)
    n_rows, n_slots = len(rows), int(slot[-1]) + 1
    graph = coo_matrix(
        (np.ones(len(edges), dtype=np.int8), (row, n_rows + slot)),
        shape=(n_rows + n_slots, n_rows + n_slots),
    )
    n_comp, label = connected_components(graph, directed=False)
    comp = label[row]
    rows_in = np.bincount(label[:n_rows], minlength=n_comp)
    slots_in = np.bincount(label[n_rows:], minlength=n_comp)
    gain = p.gain[edges]

    if exact is not None:
        # a slot is a clique iff its latest start lies before its earliest occupied end
        slot_first = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
        slot_last = np.r_[slot_first[1:] - 1, len(slot) - 1]
        clique = rs[slot_last] < np.minimum.reduceat(rx, slot_first)
        broken = np.bincount(label[n_rows:][~clique], minlength=n_comp) > 0
        solved = (rows_in == 1) | ~broken
        exact[rows[solved[label[:n_rows]]]] = True

    trivial = (rows_in == 1) | (slots_in == 1)
    picked: list[IntArray] = []
    easy = np.flatnonzero(trivial[comp])
    if len(easy):
        best = _best_edge_per_group(comp[easy], gain[easy], ri[easy], ii[easy])
        picked.append(edges[easy[best]])

    hard = np.flatnonzero(~trivial[comp])
    if len(hard) and _batch_fits(rows_in, slots_in, ~trivial):
        picked.append(edges[_batched_assignment(hard, row[hard], slot[hard], gain[hard])])
    elif len(hard):
        # local row / slot numbers inside each component
        row_order = np.argsort(label[:n_rows], kind="stable")
        row_local = np.empty(n_rows, dtype=np.int64)
        row_first = np.searchsorted(label[:n_rows][row_order], np.arange(n_comp))
        row_local[row_order] = np.arange(n_rows) - row_first[label[:n_rows][row_order]]
        slot_lab = label[n_rows:]
        slot_order = np.argsort(slot_lab, kind="stable")
        slot_local = np.empty(n_slots, dtype=np.int64)
        slot_first = np.searchsorted(slot_lab[slot_order], np.arange(n_comp))
        slot_local[slot_order] = np.arange(n_slots) - slot_first[slot_lab[slot_order]]

        hard = hard[np.argsort(comp[hard], kind="stable")]
        h_comp = comp[hard]
        bounds = np.flatnonzero(np.diff(h_comp)) + 1
        for chunk in np.split(hard, bounds):
            k = comp[chunk[0]]
            rl, sl = row_local[row[chunk]], slot_local[slot[chunk]]
            n_r, n_s = int(rows_in[k]), int(slots_in[k])
            if n_r * n_s > _DENSE_CELLS and len(chunk) < _SPARSE_DENSITY * n_r * n_s:
                got = chunk[_sparse_assignment(rl, sl, gain[chunk], n_r, n_s)]
            else:
                matrix = np.zeros((n_r, n_s))
                matrix[rl, sl] = -gain[chunk]
                where = np.full((n_r, n_s), -1, dtype=np.int64)
                where[rl, sl] = chunk
                a, b = linear_sum_assignment(matrix)
                got = where[a, b]
                got = got[got >= 0]
            picked.append(edges[got])
    return np.concatenate(picked) if picked else np.empty(0, dtype=np.int64)


def _rounds(p: Problem, chosen: IntArray) -> BoolArray:
    """Fill ``chosen`` (request -> pair index or -1) by conflict-free assignment rounds.

    :return: per request, whether its component was solved exactly by the first round (see
        :func:`_one_round`); later rounds and the local search skip those requests.
    """
    c = p.compiled
    pr, pi = p.pairs.request, p.pairs.interpreter
    exact = np.zeros(c.n_requests, dtype=bool)
    live = np.arange(len(pr), dtype=np.int64)
    first = True
    while len(live):
        if first:
            picked = _one_round(p, live, exact)
            first = False
            if not len(picked):
                break
            chosen[pr[picked]] = picked
            live = live[~exact[pr[live]]]
            continue
        live = live[chosen[pr[live]] < 0]
        taken = np.flatnonzero(chosen >= 0)
        if len(taken) and len(live):
            busy = schedule_index(c, taken, pi[chosen[taken]])
            rl = pr[live]
            live = live[~busy.overlaps(pi[live], c.r_start_rank[rl], c.r_endx_rank[rl])]
        if not len(live):
            break
        picked = _one_round(p, live)
        if not len(picked):
            break
        chosen[pr[picked]] = picked
    return exact


# --------------------------------------------------------------------------- local search


class _LocalSearch:
    """Conflict-free improvement moves on Python lists (only around open requests)."""

    def __init__(self, p: Problem, chosen: IntArray, scope: BoolArray) -> None:
        c = p.compiled
        self.p = p
        self.in_scope: list[bool] = scope.tolist()
        self.start: list[int] = c.r_start.tolist()
        self.endx: list[int] = p.endx.tolist()
        self.weight: list[int] = c.r_weight.tolist()
        self.gain: list[float] = p.gain.tolist()
        self.cost: list[float] = p.cost.tolist()
        self.pi: list[int] = p.pairs.interpreter.tolist()
        self.pr: list[int] = p.pairs.request.tolist()
        self.r_ptr: list[int] = p.r_ptr.tolist()
        by_i = np.argsort(p.pairs.interpreter, kind="stable")
        self.i_pairs: list[int] = by_i.tolist()
        self.i_ptr: list[int] = np.searchsorted(
            p.pairs.interpreter[by_i], np.arange(c.n_interpreters + 1)
        ).tolist()
        self.chosen: list[int] = chosen.tolist()
        self.work = 0  # elementary steps done, for the deterministic work budget
        self.undo: dict[int, int] | None = None  # request -> pair before a tentative change
        self.sched: dict[int, list[int]] = {}
        for r, e in enumerate(self.chosen):
            if e >= 0:
                self.sched.setdefault(self.pi[e], []).append(r)

    # -- helpers
    def clashes(self, r: int, i: int) -> list[int]:
        s, x = self.start[r], self.endx[r]
        return [q for q in self.sched.get(i, ()) if self.start[q] < x and s < self.endx[q]]

    def fits(self, r: int, i: int, extra: list[int]) -> bool:
        s, x = self.start[r], self.endx[r]
        return not any(
            self.start[q] < x and s < self.endx[q] for q in (*self.sched.get(i, ()), *extra)
        )

    def pair_of(self, r: int, i: int) -> int:
        lo, hi = self.r_ptr[r], self.r_ptr[r + 1]
        k = bisect.bisect_left(self.pi, i, lo, hi)
        return k if k < hi and self.pi[k] == i else -1

    def assign(self, r: int, e: int) -> None:
        if self.undo is not None and r not in self.undo:
            self.undo[r] = self.chosen[r]
        self.chosen[r] = e
        self.sched.setdefault(self.pi[e], []).append(r)

    def release(self, r: int) -> None:
        if self.undo is not None and r not in self.undo:
            self.undo[r] = self.chosen[r]
        e = self.chosen[r]
        self.sched[self.pi[e]].remove(r)
        self.chosen[r] = -1

    def open_requests(self) -> list[int]:
        """Open requests with candidates whose component was not already solved exactly."""
        return [
            r
            for r, e in enumerate(self.chosen)
            if e < 0 and self.in_scope[r] and self.r_ptr[r + 1] > self.r_ptr[r]
        ]

    # -- move (a): exact weighted interval scheduling per interpreter
    def reschedule(self, i: int) -> bool:
        items: list[tuple[int, int]] = [(r, self.chosen[r]) for r in self.sched.get(i, ())]
        current = sum(self.gain[e] for _, e in items)
        for k in range(self.i_ptr[i], self.i_ptr[i + 1]):
            e = self.i_pairs[k]
            if self.chosen[self.pr[e]] < 0:
                items.append((self.pr[e], e))
        items.sort(key=lambda it: (self.endx[it[0]], self.start[it[0]], it[0]))
        self.work += len(items)
        ends = [self.endx[r] for r, _ in items]
        best = [0.0] * (len(items) + 1)
        prev = [0] * len(items)
        take = [False] * len(items)
        for j, (r, e) in enumerate(items):
            prev[j] = bisect.bisect_right(ends, self.start[r], 0, j)
            with_it = best[prev[j]] + self.gain[e]
            if with_it > best[j] + _EPS:
                best[j + 1], take[j] = with_it, True
            else:
                best[j + 1] = best[j]
        if best[-1] <= current + _EPS:
            return False
        keep: list[tuple[int, int]] = []
        j = len(items)
        while j > 0:
            if take[j - 1]:
                keep.append(items[j - 1])
                j = prev[j - 1]
            else:
                j -= 1
        for r in list(self.sched.get(i, ())):
            self.release(r)
        for r, e in keep:
            self.assign(r, e)
        return True

    # -- move (a2): exact joint re-optimisation of a few interpreters
    def reschedule_group(self, group: tuple[int, ...], work_limit: int | None = None) -> bool:
        """Re-plan the interpreters of ``group`` together, exactly, with the open requests.

        The requests on any of them and the open requests (in scope) that any can take are
        swept by start time; a dynamic programme over the states (occupied until, per
        interpreter of the group) keeps the best gain per state. An end at or before the
        current start is stored as "free", since every later request starts no earlier,
        which keeps the state count small. Gives up (deterministically) beyond
        ``_GROUP_STATES`` states or ``work_limit`` states summed over the sweep; applied only
        when the total gain rises.
        """
        k = len(group)
        own = [r for i in group for r in self.sched.get(i, ())]
        current = sum(self.gain[self.chosen[r]] for r in own)
        cands: dict[int, list[int]] = {r: [-1] * k for r in own}
        for side, i in enumerate(group):
            for at in range(self.i_ptr[i], self.i_ptr[i + 1]):
                e = self.i_pairs[at]
                r = self.pr[e]
                if r in cands or (self.chosen[r] < 0 and self.in_scope[r]):
                    cands.setdefault(r, [-1] * k)[side] = e
        if len(cands) < 2:
            return False
        items = sorted(cands, key=lambda r: (self.start[r], self.endx[r], r))
        self.work += len(items)
        work_done = 0
        # state (occupied until, per interpreter) -> (gain, history as a linked tuple)
        free: tuple[int, ...] = (0,) * k
        states: dict[tuple[int, ...], tuple[float, tuple[Any, ...] | None]] = {free: (0.0, None)}
        for r in items:
            s, x = self.start[r], self.endx[r]
            takers = [(side, e) for side, e in enumerate(cands[r]) if e >= 0]
            nxt: dict[tuple[int, ...], tuple[float, tuple[Any, ...] | None]] = {}
            for busy, (v, hist) in states.items():
                base = tuple(0 if until <= s else until for until in busy)
                options = [(base, v, hist)]
                for side, e in takers:
                    if busy[side] <= s:
                        key = (*base[:side], x, *base[side + 1 :])
                        options.append((key, v + self.gain[e], (r, e, hist)))
                for key, value, h in options:
                    old = nxt.get(key)
                    if old is None or value > old[0] + _EPS:
                        nxt[key] = (value, h)
            states = nxt
            self.work += len(states)
            work_done += len(states)
            if len(states) > _GROUP_STATES or (work_limit is not None and work_done > work_limit):
                return False
        best_value, best_hist = max(states.values(), key=lambda vh: vh[0])
        if best_value <= current + _EPS:
            return False
        for r in own:
            self.release(r)
        while best_hist is not None:
            r, e, best_hist = best_hist
            self.assign(r, e)
        return True

    def neighbourhood(self, r: int) -> dict[int, set[int]]:
        """Around open request ``r``: each candidate interpreter ``i`` of ``r``, with the
        other candidates of ``r`` and of the requests in ``r``'s way on ``i``."""
        around: dict[int, set[int]] = {}
        for e in range(self.r_ptr[r], self.r_ptr[r + 1]):
            i = self.pi[e]
            others = around.setdefault(i, set())
            for q in (r, *self.clashes(r, i)):
                others.update(self.pi[f] for f in range(self.r_ptr[q], self.r_ptr[q + 1]))
            others.discard(i)
        return around

    def pair_pass(self) -> bool:
        """Try :meth:`reschedule_group` on interpreter pairs from an open request's
        :meth:`neighbourhood`: a candidate of it and a candidate of a request in its way."""
        improved = False
        pairs: set[tuple[int, int]] = set()
        for r in self.open_requests():
            for i, others in self.neighbourhood(r).items():
                pairs.update((min(i, j), max(i, j)) for j in others)
        for a, b in sorted(pairs):
            improved |= self.reschedule_group((a, b))
        return improved

    def group_pass(self) -> bool:
        """Try :meth:`reschedule_group` on an open request's whole :meth:`neighbourhood`
        where that is three to ``_GROUP_SIZE`` interpreters: a small, contested language,
        re-planned as a whole."""
        improved = False
        groups: set[tuple[int, ...]] = set()
        for r in self.open_requests():
            around = self.neighbourhood(r)
            near = set(around).union(*around.values())
            if 3 <= len(near) <= _GROUP_SIZE:
                groups.add(tuple(sorted(near)))
        for group in sorted(groups):
            improved |= self.reschedule_group(group, work_limit=_GROUP_WORK)
        return improved

    # -- move (b): an open request ejects conflicting ones, which move elsewhere
    def eject_into(self, r: int) -> bool:
        best_delta, best_plan = _EPS, None
        for e in range(self.r_ptr[r], self.r_ptr[r + 1]):
            i = self.pi[e]
            clash = self.clashes(r, i)
            self.work += 1 + len(clash) * 4
            if len(clash) > _MAX_EJECT:
                continue
            delta = self.gain[e]
            moves: list[tuple[int, int]] = []  # (request, new pair or -1)
            placed: dict[int, list[int]] = {i: [r]}
            for q in clash:
                delta -= self.gain[self.chosen[q]]
                target, target_gain = -1, 0.0
                for f in range(self.r_ptr[q], self.r_ptr[q + 1]):
                    j = self.pi[f]
                    if j == i or self.gain[f] <= target_gain:
                        continue
                    if self.fits(q, j, placed.get(j, [])):
                        target, target_gain = f, self.gain[f]
                if target >= 0:
                    placed.setdefault(self.pi[target], []).append(q)
                    delta += target_gain
                moves.append((q, target))
            if delta > best_delta:
                best_delta, best_plan = delta, (e, moves)
        if best_plan is None:
            return False
        e, moves = best_plan
        for q, _ in moves:
            self.release(q)
        self.assign(r, e)
        for q, f in moves:
            if f >= 0:
                self.assign(q, f)
        return True

    # -- move (c): cheaper free interpreter for an assigned request (weight unchanged)
    def polish(self, requests: list[int]) -> bool:
        changed = False
        for r in requests:
            e = self.chosen[r]
            if e < 0:
                continue
            best, best_cost = -1, self.cost[e] - _EPS
            i_now = self.pi[e]
            for f in range(self.r_ptr[r], self.r_ptr[r + 1]):
                if (
                    self.cost[f] < best_cost
                    and self.pi[f] != i_now
                    and self.fits(r, self.pi[f], [])
                ):
                    best, best_cost = f, self.cost[f]
            if best >= 0:
                self.release(r)
                self.assign(r, best)
                changed = True
        return changed

    def descend(self, scope: set[int] | None = None, passes: int = _MAX_PASSES) -> None:
        """Apply moves (a) and (b) until none improves; ``scope`` limits the open requests."""
        for _ in range(passes):
            improved = False
            if scope is None:
                open_now = self.open_requests()
            else:
                open_now = [
                    r
                    for r in scope
                    if self.chosen[r] < 0 and self.in_scope[r] and self.r_ptr[r + 1] > self.r_ptr[r]
                ]
            if not open_now:
                break
            touched = sorted(
                {self.pi[e] for r in open_now for e in range(self.r_ptr[r], self.r_ptr[r + 1])}
            )
            for i in touched:
                improved |= self.reschedule(i)
            for r in sorted(open_now, key=lambda r: (-self.weight[r], r)):
                if self.chosen[r] < 0:
                    improved |= self.eject_into(r)
            if not improved:
                break

    def kick(self, work: int) -> None:
        """Perturb and descend: force an open request in, re-optimise around it, keep gains.

        Each attempt puts an open request on one of its candidates (ejecting whatever
        clashes), runs the local search on the open requests nearby and is undone unless
        the total gain rose (changes are logged per request, so the gain difference and
        the undo only touch what moved). ``work`` caps the elementary steps spent here, so
        the result is deterministic.
        """
        limit = self.work + work
        for r in sorted(self.open_requests(), key=lambda r: (-self.weight[r], r)):
            if self.work >= limit:
                break
            if self.chosen[r] >= 0:
                continue
            options = sorted(
                range(self.r_ptr[r], self.r_ptr[r + 1]), key=lambda e: (-self.gain[e], self.pi[e])
            )[:3]
            for e in options:
                self.work += len(self.chosen) // 64
                self.undo = {}
                ejected = self.clashes(r, self.pi[e])
                for q in ejected:
                    self.release(q)
                self.assign(r, e)
                near = {self.pi[e]}
                for q in ejected:
                    near.update(self.pi[f] for f in range(self.r_ptr[q], self.r_ptr[q + 1]))
                scope = {
                    self.pr[f]
                    for i in near
                    for f in self.i_pairs[self.i_ptr[i] : self.i_ptr[i + 1]]
                }
                self.descend(scope | set(ejected), passes=4)
                changed, self.undo = self.undo, None
                delta = sum(
                    (self.gain[self.chosen[q]] if self.chosen[q] >= 0 else 0.0)
                    - (self.gain[before] if before >= 0 else 0.0)
                    for q, before in changed.items()
                )
                if delta > _EPS:
                    break
                self.restore(changed)

    def restore(self, changed: dict[int, int]) -> None:
        """Undo a tentative change: put every changed request back on its earlier pair."""
        for q in changed:
            if self.chosen[q] >= 0:
                self.release(q)
        for q, before in changed.items():
            if before >= 0:
                self.assign(q, before)

    def run(self, kick_work: int) -> list[int]:
        self.descend()
        for _ in range(_MAX_PASSES):
            if not (self.pair_pass() or self.group_pass()):
                break
            self.descend()
        if kick_work:
            self.kick(kick_work)
        return self.chosen


def _polish_candidates(p: Problem, chosen: IntArray, scope: BoolArray) -> list[int]:
    """Assigned requests in scope that have a strictly cheaper candidate at all (vectorised)."""
    assigned = np.flatnonzero((chosen >= 0) & scope)
    if not len(assigned):
        return []
    has = p.r_ptr[1:] > p.r_ptr[:-1]
    min_cost = np.full(len(chosen), np.inf)
    min_cost[has] = np.minimum.reduceat(p.cost, p.r_ptr[:-1][has])
    return assigned[p.cost[chosen[assigned]] > min_cost[assigned] + _EPS].tolist()


def _local_search(p: Problem, chosen: IntArray, scope: BoolArray) -> IntArray:
    """Improve ``chosen`` by conflict-free moves around the open requests in ``scope``.

    Requests outside ``scope`` belong to components already solved exactly; no move can
    raise their gain, so they are neither tried as open requests nor polished.
    """
    has = p.r_ptr[1:] > p.r_ptr[:-1]
    open_with_candidates = bool(np.any((chosen < 0) & has & scope))
    dearer = _polish_candidates(p, chosen, scope)
    if not open_with_candidates and not dearer:
        return chosen
    search = _LocalSearch(p, chosen, scope)
    if open_with_candidates:
        search.run(kick_work=_KICK_WORK)
        dearer = _polish_candidates(p, np.asarray(search.chosen, dtype=np.int64), scope)
    for _ in range(3):
        if not search.polish(dearer):
            break
    return np.asarray(search.chosen, dtype=np.int64)


# --------------------------------------------------------------------------- safety net


def _drop_infeasible(p: Problem, chosen: IntArray) -> IntArray:
    """Drop any assignment whose pair fails a hard per-pair check (the same table of
    checks, :data:`~matching.core.feasibility.CHECKS`, re-evaluated on the result).

    Only candidate pairs are ever chosen, so this never fires; like :func:`_drop_conflicts`
    it makes "never violates" independent of the solver's bookkeeping.
    """
    assigned = np.flatnonzero(chosen >= 0)
    ok = feasible(p.compiled, assigned, p.pairs.interpreter[chosen[assigned]])
    if ok.all():
        return chosen
    chosen = chosen.copy()
    chosen[assigned[~ok]] = -1
    return chosen


def _drop_conflicts(p: Problem, chosen: IntArray) -> IntArray:
    """Drop any assignment sharing time with an earlier one of its interpreter.

    The solver never produces such a pair; this pass makes "never violates" independent of
    the solver's reasoning.
    """
    chosen = chosen.copy()
    assigned = np.flatnonzero(chosen >= 0)
    if len(assigned) < 2:
        return chosen
    who = p.pairs.interpreter[chosen[assigned]]
    s = p.compiled.r_start[assigned]
    order = np.lexsort((assigned, s, who))
    same_owner = who[order][1:] == who[order][:-1]
    if not np.any(same_owner & (s[order][1:] < p.endx[assigned[order]][:-1])):
        return chosen  # no two neighbours in an interpreter's timeline overlap
    last_owner, last_end = -1, 0
    for k in order.tolist():
        r, i = int(assigned[k]), int(who[k])
        if i == last_owner and int(s[k]) < last_end:
            chosen[r] = -1
            continue
        last_owner, last_end = i, int(p.endx[r])
    return chosen


# --------------------------------------------------------------------------- baseline


def greedy(p: Problem) -> IntArray:
    """First come, first served: what coordinators do by phone, as a floor for the engine.

    Requests in document (arrival) order each take the nearest candidate (ties: smallest
    interpreter id) who is still free at that time, gap included. Same hard constraints as
    the engine (only candidate pairs, no overlap of occupied intervals); deterministic.
    :return: per request (sorted by id), the chosen pair index or -1.
    """
    c = p.compiled
    chosen = [-1] * c.n_requests
    if len(p.pairs.request):
        by_distance = np.lexsort((p.pairs.interpreter, p.pairs.travel_km, p.pairs.request))
        nearest: list[int] = by_distance.tolist()
        pi: list[int] = p.pairs.interpreter.tolist()
        r_ptr: list[int] = p.r_ptr.tolist()
        start: list[int] = c.r_start.tolist()
        endx: list[int] = p.endx.tolist()
        taken: dict[int, list[int]] = {}
        for r in np.argsort(c.request_order).tolist():
            s, x = start[r], endx[r]
            for e in nearest[r_ptr[r] : r_ptr[r + 1]]:
                mine = taken.setdefault(pi[e], [])
                if all(endx[q] <= s or x <= start[q] for q in mine):
                    mine.append(r)
                    chosen[r] = e
                    break
    return np.asarray(chosen, dtype=np.int64)


def _better(p: Problem, a: IntArray, b: IntArray) -> bool:
    """Whether ``a`` beats ``b`` by the contract's objective: weight, then secondary cost."""
    weight = p.compiled.r_weight
    wa, wb = int(weight[a >= 0].sum()), int(weight[b >= 0].sum())
    if wa != wb:
        return wa > wb
    ca, cb = float(p.cost[a[a >= 0]].sum()), float(p.cost[b[b >= 0]].sum())
    return ca < cb - _EPS * (1.0 + abs(cb))


def assign(p: Problem, *, improve: bool = True) -> IntArray:
    """Return, per request (sorted by id), the chosen pair index or -1.

    Rounds of assignment and the local search give the engine's answer; the
    first-come-first-served :func:`greedy` gives the baseline. The result is the better of
    the two by the contract's objective (the baseline improved by the same local search),
    so it is never below the baseline by construction. When the first round solved every
    request's component exactly, its result is optimal and returned as it is.

    :param improve: ``False`` stops after the assignment rounds (no local search, no
        baseline floor); the benchmark uses it to show what each stage is worth.
    """
    n = p.compiled.n_requests
    chosen = np.full(n, -1, dtype=np.int64)
    if len(p.pairs.request):
        exact = _rounds(p, chosen)
        has_candidates = p.r_ptr[1:] > p.r_ptr[:-1]
        if not improve or np.all(exact | ~has_candidates):
            # (when all exact: optimal, nothing beats it)
            return _drop_conflicts(p, _drop_infeasible(p, chosen))
        chosen = _local_search(p, chosen, ~exact)
        baseline = greedy(p)
        if _better(p, baseline, chosen):
            chosen = _local_search(p, baseline, np.ones(n, dtype=bool))
    return _drop_conflicts(p, _drop_infeasible(p, chosen))


# --------------------------------------------------------------------------- entry point


def solve(instance: Instance, *, weights: Weights | None = None, explain: bool = False) -> Result:
    """Fill the instance's requests; deterministic for the same instance.

    :param instance: a parsed instance (see :func:`matching.core.parse_instance`).
    :param weights: secondary objective weights; defaults to :data:`DEFAULT_WEIGHTS`.
    :param explain: add ``why`` to assignments and ``hints`` to unfilled requests.
    :return: the result; every request appears once, in assignments or unfilled.
    """
    started = time.perf_counter()
    w = weights or DEFAULT_WEIGHTS
    p = build_problem(instance, w)
    chosen = assign(p)
    c = p.compiled
    busy_now = Occupancy(p, chosen) if explain else None
    reasons = reasons_for(p, np.flatnonzero(chosen < 0))
    assignments: list[Assignment] = []
    unfilled: list[Unfilled] = []
    in_document_order = np.argsort(c.request_order)
    picked = chosen[in_document_order]
    filled = picked >= 0
    who = np.full(len(picked), -1, dtype=np.int64)
    who[filled] = p.pairs.interpreter[picked[filled]]
    km = np.zeros(len(picked))
    km[filled] = p.pairs.travel_km[picked[filled]]
    rows = zip(in_document_order.tolist(), who.tolist(), km.tolist(), strict=True)
    for r, i, travel_km in rows:
        if i >= 0:
            assignments.append(
                Assignment(
                    request=c.request_ids[r],
                    interpreter=c.interpreter_ids[i],
                    travel_km=travel_km,
                    why=explain_assignment(p, w, chosen, r, busy_now) if busy_now else None,
                )
            )
        else:
            unfilled.append(
                Unfilled(
                    request=c.request_ids[r],
                    reasons=reasons[r],
                    hints=hints_for(p, r, busy_now) if busy_now else None,
                )
            )
    return Result(
        assignments=tuple(assignments),
        unfilled=tuple(unfilled),
        filled_weight=int(c.r_weight[chosen >= 0].sum()),
        solve_seconds=time.perf_counter() - started,
    )
