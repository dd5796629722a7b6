"""Pate proposals: the second problem type of the engine (`wir-sponsorship/1`).

For the households waiting in one sponsorship network, propose Paten: one globally optimal
proposal set, with reasons per pair, the runner-up, and reason codes for the households
no Pate can be proposed for. Plain Python + numpy + scipy, deterministic, frozen dataclasses
in and out; the contract is ``docs/sponsorship-instance.md``.

Hard rules (a pair that breaks one is never proposed; the checks in :data:`CHECK_ORDER`):

1. the Pate has the interest ``sponsorship``;
2. a household language is spoken by the Pate at ``B1`` or better (``native`` counts);
3. both positions are known and the great-circle distance is within the Pate's
   ``max_km`` (else the instance's ``default_max_km``); the distance function is
   :func:`matching.core.feasibility.haversine_km`, the one of the interpreter engine;
4. a household with children needs a Pate with ``child_clearance`` (a current extended
   police certificate);
5. the Pate has free capacity (``open_sponsorships < capacity``);
6. the pair was not rejected before (``rejected`` of the household).

Objective: most proposals first; then the soft value of the set (in km-equivalents, the
weights are :class:`SponsorshipWeights`)::

    value(h, p, k) = per_waiting_week * min(weeks waited by h, 52)     # longer waiting first
                   + per_covered_need * |needs of h covered by p's interests|
                   - per_km * distance_km(h, p)
                   - per_open_sponsorship * (open sponsorships of p + k)

where ``k`` counts the proposals ``p`` already got in this set (the ``k``-th *capacity
copy* of ``p``'s column). A Pate with remaining capacity ``c`` has ``c`` copies of its
column in the assignment, with rising load cost, so a Pate gets several proposals only
when that is worth it. One dummy "no proposal" column per household makes every
household's choice optional; forbidden cells are priced above the dummy, so
:func:`scipy.optimize.linear_sum_assignment` never picks them (and the result is checked).
Households and Paten are sorted by id first, so the same instance always gives the same
result, whatever the order of its lists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.core.feasibility import haversine_km
from matching.core.instance import (
    LEVEL_RANK,
    LEVELS,
    InstanceError,
    Point,
    _bool,
    _check_unique_id,
    _choice,
    _language,
    _list,
    _number,
    _object,
    _point,
    _required,
    _string,
    _string_set,
)

FORMAT = "wir-sponsorship/1"
RESULT_FORMAT = "wir-sponsorship-result/1"
#: The lowest level of a shared language.
MIN_SHARED_LEVEL = "B1"
#: Reach of a Pate without a radius of their own (km).
DEFAULT_MAX_KM = 15.0
#: The interest that makes a volunteer a Pate.
SPONSORSHIP_INTEREST = "sponsorship"
#: Waiting counts up to this many weeks.
MAX_WAITING_WEEKS = 52

#: Which of a Pate's interests cover which need of a household.
NEED_INTERESTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "authorities": frozenset({"accompanying", "interpreting"}),
        "language": frozenset({"language_cafe"}),
        "school": frozenset({"homework"}),
        "housing": frozenset({"accompanying"}),
        "work": frozenset({"accompanying"}),
        "health": frozenset({"accompanying", "interpreting"}),
        "leisure": frozenset({"leisure"}),
        "other": frozenset(),
    }
)

#: The hard rules in the order a pair is checked; the first one broken is the pair's code.
CHECK_ORDER: tuple[str, ...] = (
    "no_sponsorship_interest",
    "no_shared_language",
    "no_location",
    "too_far",
    "no_child_clearance",
    "at_capacity",
    "rejected",
)
#: Reason codes of a household without a proposal: the hard rules, ``no_pate`` (the
#: network has none) and ``all_candidates_taken`` (every feasible Pate went elsewhere).
UNPROPOSED_CODES: tuple[str, ...] = ("no_pate", *CHECK_ORDER, "all_candidates_taken")
#: Why the runner-up lost against the proposed Pate, in this order.
RUNNER_UP_CODES: tuple[str, ...] = (
    "needed_elsewhere",
    "farther",
    "fewer_covered_needs",
    "more_sponsorships",
    "tie",
)

_TOP_KEYS = frozenset({"format", "default_max_km", "paten", "households"})
_PATE_KEYS = frozenset(
    {
        "id",
        "languages",
        "home",
        "max_km",
        "capacity",
        "open_sponsorships",
        "interests",
        "child_clearance",
    }
)
_HOUSEHOLD_KEYS = frozenset(
    {"id", "languages", "location", "needs", "children", "waiting_days", "rejected"}
)


# --------------------------------------------------------------------------- instance


@dataclass(frozen=True, slots=True)
class Pate:
    """A Pate of the network (an active member with the volunteer status active)."""

    id: str
    languages: Mapping[str, str]
    home: Point | None
    capacity: int = 1
    open_sponsorships: int = 0
    interests: frozenset[str] = frozenset({SPONSORSHIP_INTEREST})
    child_clearance: bool = False
    max_km: float | None = None

    @property
    def remaining(self) -> int:
        """How many more sponsorships the Pate can take on."""
        return max(self.capacity - self.open_sponsorships, 0)


@dataclass(frozen=True, slots=True)
class Household:
    """A household waiting for a Pate (pseudonymous id only)."""

    id: str
    languages: frozenset[str]
    location: Point | None
    needs: frozenset[str] = frozenset()
    children: bool = False
    waiting_days: int = 0
    rejected: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SponsorshipInstance:
    """A parsed `wir-sponsorship/1` instance; lists keep the document's order."""

    paten: tuple[Pate, ...]
    households: tuple[Household, ...]
    default_max_km: float = DEFAULT_MAX_KM


def _parse_pate(value: Any, path: str, seen: set[str]) -> Pate:
    obj = _object(value, path, _PATE_KEYS)
    ident = _string(_required(obj, "id", path), f"{path}.id")
    _check_unique_id(ident, seen, f"{path}.id")
    raw = _required(obj, "languages", path)
    if not isinstance(raw, Mapping):
        raise InstanceError(f"{path}.languages", "not an object")
    languages = {
        _language(code, f"{path}.languages.{code}"): _choice(
            level, f"{path}.languages.{code}", LEVELS, "a level"
        )
        for code, level in raw.items()
    }
    home = obj.get("home")
    max_km = obj.get("max_km")
    capacity = _number(_required(obj, "capacity", path), f"{path}.capacity", minimum=1)
    open_count = _number(obj.get("open_sponsorships", 0), f"{path}.open_sponsorships", minimum=0)
    for name, number in (("capacity", capacity), ("open_sponsorships", open_count)):
        if number != int(number):
            raise InstanceError(f"{path}.{name}", "not a whole number")
    return Pate(
        id=ident,
        languages=MappingProxyType(languages),
        home=None if home is None else _point(home, f"{path}.home"),
        capacity=int(capacity),
        open_sponsorships=int(open_count),
        interests=_string_set(_required(obj, "interests", path), f"{path}.interests"),
        child_clearance=_bool(obj.get("child_clearance", False), f"{path}.child_clearance"),
        max_km=None if max_km is None else _number(max_km, f"{path}.max_km", minimum=0),
    )


def _parse_household(value: Any, path: str, seen: set[str]) -> Household:
    obj = _object(value, path, _HOUSEHOLD_KEYS)
    ident = _string(_required(obj, "id", path), f"{path}.id")
    _check_unique_id(ident, seen, f"{path}.id")
    languages = _list(_required(obj, "languages", path), f"{path}.languages")
    location = obj.get("location")
    days = _number(obj.get("waiting_days", 0), f"{path}.waiting_days", minimum=0)
    if days != int(days):
        raise InstanceError(f"{path}.waiting_days", "not a whole number")
    return Household(
        id=ident,
        languages=frozenset(
            _language(code, f"{path}.languages[{n}]") for n, code in enumerate(languages)
        ),
        location=None if location is None else _point(location, f"{path}.location"),
        needs=_string_set(obj.get("needs", []), f"{path}.needs"),
        children=_bool(obj.get("children", False), f"{path}.children"),
        waiting_days=int(days),
        rejected=_string_set(obj.get("rejected", []), f"{path}.rejected"),
    )


def parse_sponsorship_instance(data: Any) -> SponsorshipInstance:
    """Validate a decoded `wir-sponsorship/1` document.

    :raises InstanceError: naming the first offending field, e.g. ``paten[2].capacity``.
    """
    if not isinstance(data, Mapping):
        raise InstanceError("instance", "not a JSON object")
    obj = _object(data, "", _TOP_KEYS)
    if _required(obj, "format", "") != FORMAT:
        raise InstanceError("format", f"not {json.dumps(FORMAT)}")
    reach = _number(obj.get("default_max_km", DEFAULT_MAX_KM), "default_max_km", minimum=0)
    seen_p: set[str] = set()
    paten = tuple(
        _parse_pate(item, f"paten[{n}]", seen_p)
        for n, item in enumerate(_list(_required(obj, "paten", ""), "paten"))
    )
    seen_h: set[str] = set()
    households = tuple(
        _parse_household(item, f"households[{n}]", seen_h)
        for n, item in enumerate(_list(_required(obj, "households", ""), "households"))
    )
    return SponsorshipInstance(paten=paten, households=households, default_max_km=reach)


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True, slots=True)
class SponsorshipWeights:
    """Weights of the soft value (all >= 0, in km-equivalents)."""

    #: Cost per km between the Pate's home and the household's town.
    per_km: float = 1.0
    #: Bonus per need of the household that one of the Pate's interests covers.
    per_covered_need: float = 4.0
    #: Cost per sponsorship the Pate already has (open ones and earlier ones of this set).
    per_open_sponsorship: float = 3.0
    #: Bonus per week the household has waited (up to :data:`MAX_WAITING_WEEKS`).
    per_waiting_week: float = 1.0

    def __post_init__(self) -> None:
        for name in ("per_km", "per_covered_need", "per_open_sponsorship", "per_waiting_week"):
            value = getattr(self, name)
            if not (value >= 0 and np.isfinite(value)):
                raise ValueError(f"{name} must be a finite number >= 0")


DEFAULT_SPONSORSHIP_WEIGHTS = SponsorshipWeights()


# --------------------------------------------------------------------------- pair rules


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What one household x Pate pair is made of: the reasons behind a proposal."""

    household: str
    pate: str
    shared_languages: Mapping[str, str]  # language -> the Pate's level (B1 or better)
    distance_km: float | None
    covered_needs: tuple[str, ...]
    matching_interests: tuple[str, ...]
    open_sponsorships: int
    violations: tuple[str, ...]  # codes of the broken hard rules, in CHECK_ORDER

    @property
    def feasible(self) -> bool:
        """Whether the pair may be proposed."""
        return not self.violations


def pair_facts(instance: SponsorshipInstance, household: Household, pate: Pate) -> PairFacts:
    """Check every hard rule on one pair and collect its reasons."""
    minimum = LEVEL_RANK[MIN_SHARED_LEVEL]
    shared = {
        code: pate.languages[code]
        for code in sorted(household.languages)
        if code in pate.languages and LEVEL_RANK[pate.languages[code]] >= minimum
    }
    distance: float | None = None
    if household.location is not None and pate.home is not None:
        distance = float(
            haversine_km(
                *np.radians(
                    np.array(
                        [
                            household.location.lat,
                            household.location.lon,
                            pate.home.lat,
                            pate.home.lon,
                        ]
                    )
                )
            )
        )
    covered = tuple(
        need for need in sorted(household.needs) if NEED_INTERESTS.get(need, set()) & pate.interests
    )
    interests = tuple(
        sorted(pate.interests & frozenset().union(*(NEED_INTERESTS.get(n, set()) for n in covered)))
    )
    reach = pate.max_km if pate.max_km is not None else instance.default_max_km
    broken = {
        "no_sponsorship_interest": SPONSORSHIP_INTEREST not in pate.interests,
        "no_shared_language": not shared,
        "no_location": distance is None,
        "too_far": distance is not None and distance > reach,
        "no_child_clearance": household.children and not pate.child_clearance,
        "at_capacity": pate.remaining <= 0,
        "rejected": pate.id in household.rejected,
    }
    return PairFacts(
        household=household.id,
        pate=pate.id,
        shared_languages=MappingProxyType(shared),
        distance_km=distance,
        covered_needs=covered,
        matching_interests=interests,
        open_sponsorships=pate.open_sponsorships,
        violations=tuple(code for code in CHECK_ORDER if broken[code]),
    )


def waiting_bonus(weights: SponsorshipWeights, household: Household) -> float:
    """The household's part of the value: longer waiting first."""
    return weights.per_waiting_week * min(household.waiting_days / 7.0, MAX_WAITING_WEEKS)


def pair_value(weights: SponsorshipWeights, facts: PairFacts, household: Household) -> float:
    """The soft value of proposing this pair as the Pate's first proposal of the set
    (``k = 0``); each further copy of the Pate costs ``per_open_sponsorship`` more."""
    return (
        waiting_bonus(weights, household)
        + weights.per_covered_need * len(facts.covered_needs)
        - weights.per_km * (facts.distance_km or 0.0)
        - weights.per_open_sponsorship * facts.open_sponsorships
    )


# --------------------------------------------------------------------------- result


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """The next best feasible Pate for a proposed household, and why it lost."""

    pate: str
    distance_km: float
    covered_needs: tuple[str, ...]
    why: tuple[str, ...]  # codes of RUNNER_UP_CODES
    taken_by: tuple[str, ...] = ()  # households it was proposed for instead

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "pate": self.pate,
            "distance_km": round(self.distance_km, 1),
            "covered_needs": list(self.covered_needs),
            "why": list(self.why),
            "taken_by": list(self.taken_by),
        }


@dataclass(frozen=True, slots=True)
class Proposal:
    """One proposed pair with its reasons."""

    household: str
    pate: str
    distance_km: float
    shared_languages: Mapping[str, str]
    covered_needs: tuple[str, ...]
    matching_interests: tuple[str, ...]
    open_sponsorships: int
    value: float
    runner_up: RunnerUp | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "household": self.household,
            "pate": self.pate,
            "distance_km": round(self.distance_km, 1),
            "shared_languages": dict(self.shared_languages),
            "covered_needs": list(self.covered_needs),
            "matching_interests": list(self.matching_interests),
            "open_sponsorships": self.open_sponsorships,
            "value": round(self.value, 3),
            "runner_up": None if self.runner_up is None else self.runner_up.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Unproposed:
    """A household without a proposal: reason codes and how many Paten each one excludes."""

    household: str
    reasons: tuple[str, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "household": self.household,
            "reasons": list(self.reasons),
            "counts": dict(self.counts),
        }


@dataclass(frozen=True, slots=True)
class SponsorshipResult:
    """The proposal set: every household is in exactly one of the two lists (id order)."""

    proposals: tuple[Proposal, ...]
    unproposed: tuple[Unproposed, ...]
    value: float  # the set's soft value (load of the capacity copies included)

    def proposal_for(self, household: str) -> Proposal | None:
        """The proposal for one household, if any."""
        return next((p for p in self.proposals if p.household == household), None)

    def to_json(self) -> dict[str, Any]:
        """The `wir-sponsorship-result/1` document."""
        return {
            "format": RESULT_FORMAT,
            "proposals": [p.to_json() for p in self.proposals],
            "unproposed": [u.to_json() for u in self.unproposed],
            "stats": {
                "households": len(self.proposals) + len(self.unproposed),
                "proposed": len(self.proposals),
                "value": round(self.value, 3),
            },
        }


# --------------------------------------------------------------------------- solve


def set_value(
    instance: SponsorshipInstance,
    pairs: Mapping[str, str],
    weights: SponsorshipWeights = DEFAULT_SPONSORSHIP_WEIGHTS,
) -> float:
    """The soft value of a proposal set ``household id -> Pate id`` (the objective's
    second part; the first is ``len(pairs)``)."""
    households = {h.id: h for h in instance.households}
    paten = {p.id: p for p in instance.paten}
    total = 0.0
    per_pate: dict[str, int] = {}
    for hid, pid in pairs.items():
        facts = pair_facts(instance, households[hid], paten[pid])
        total += pair_value(weights, facts, households[hid])
        per_pate[pid] = per_pate.get(pid, 0) + 1
    for count in per_pate.values():  # copy k costs k * per_open_sponsorship more
        total -= weights.per_open_sponsorship * count * (count - 1) / 2
    return total


def solve_sponsorship(
    instance: SponsorshipInstance,
    weights: SponsorshipWeights = DEFAULT_SPONSORSHIP_WEIGHTS,
) -> SponsorshipResult:
    """The globally optimal proposal set with reasons, runners-up and reason codes."""
    households = sorted(instance.households, key=lambda h: h.id)
    paten = sorted(instance.paten, key=lambda p: p.id)
    n = len(households)
    facts = [[pair_facts(instance, h, p) for p in paten] for h in households]
    values = np.array(
        [
            [pair_value(weights, f, h) for f in row]
            for h, row in zip(households, facts, strict=True)
        ],
        dtype=np.float64,
    ).reshape(n, len(paten))
    ok = np.array([[f.feasible for f in row] for row in facts], dtype=bool).reshape(n, len(paten))

    # capacity copies: copy k of Pate j costs k * per_open_sponsorship more
    columns: list[tuple[int, int]] = []
    for j, pate in enumerate(paten):
        wanted = int(ok[:, j].sum())
        columns.extend((j, k) for k in range(min(pate.remaining, wanted)))
    chosen: dict[int, int] = {}
    if columns and n:
        owner = np.array([j for j, _k in columns], dtype=np.int64)
        copy = np.array([k for _j, k in columns], dtype=np.float64)
        cell = values[:, owner] - weights.per_open_sponsorship * copy[None, :]
        feasible = ok[:, owner]
        low, high = float(cell[feasible].min()), float(cell[feasible].max())
        # every feasible cell gains, and one more proposal outweighs any soft value:
        # (k + 1) * (scale + low) > k * (scale + high) for every k <= n
        scale = (high - low + 1.0) * (n + 1) + max(-low, 0.0)
        cost = np.where(feasible, -(scale + cell), scale * (n + 2))
        matrix = np.hstack([cost, np.zeros((n, n))])  # one "no proposal" column per household
        rows, cols = linear_sum_assignment(matrix)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if c < len(columns) and feasible[r, c]:
                chosen[r] = int(owner[c])

    taken: dict[int, list[str]] = {}
    for r, j in sorted(chosen.items()):
        taken.setdefault(j, []).append(households[r].id)
    proposals: list[Proposal] = []
    unproposed: list[Unproposed] = []
    for r, household in enumerate(households):
        if r in chosen:
            j = chosen[r]
            f = facts[r][j]
            proposals.append(
                Proposal(
                    household=household.id,
                    pate=paten[j].id,
                    distance_km=f.distance_km or 0.0,
                    shared_languages=f.shared_languages,
                    covered_needs=f.covered_needs,
                    matching_interests=f.matching_interests,
                    open_sponsorships=f.open_sponsorships,
                    value=float(values[r, j]),
                    runner_up=_runner_up(r, j, paten, facts, values, ok, taken, household.id),
                )
            )
        else:
            unproposed.append(_why_unproposed(household.id, facts[r], paten))
    pairs = {p.household: p.pate for p in proposals}
    return SponsorshipResult(
        proposals=tuple(proposals),
        unproposed=tuple(unproposed),
        value=set_value(instance, pairs, weights),
    )


def _runner_up(
    r: int,
    j: int,
    paten: list[Pate],
    facts: list[list[PairFacts]],
    values: np.ndarray,
    ok: np.ndarray,
    taken: dict[int, list[str]],
    household: str,
) -> RunnerUp | None:
    others = [q for q in range(len(paten)) if q != j and ok[r, q]]
    if not others:
        return None
    q = min(others, key=lambda q: (-values[r, q], paten[q].id))
    mine, theirs = facts[r][j], facts[r][q]
    elsewhere = tuple(h for h in taken.get(q, []) if h != household)
    why = []
    if elsewhere and len(taken.get(q, [])) >= paten[q].remaining:
        why.append("needed_elsewhere")
    if (theirs.distance_km or 0.0) > (mine.distance_km or 0.0) + 1e-9:
        why.append("farther")
    if len(theirs.covered_needs) < len(mine.covered_needs):
        why.append("fewer_covered_needs")
    if theirs.open_sponsorships > mine.open_sponsorships:
        why.append("more_sponsorships")
    return RunnerUp(
        pate=paten[q].id,
        distance_km=theirs.distance_km or 0.0,
        covered_needs=theirs.covered_needs,
        why=tuple(why) or ("tie",),
        taken_by=elsewhere,
    )


def _why_unproposed(household: str, row: list[PairFacts], paten: list[Pate]) -> Unproposed:
    if not paten:
        return Unproposed(household=household, reasons=("no_pate",), counts={"no_pate": 0})
    counts: dict[str, int] = {}
    for f in row:
        code = f.violations[0] if f.violations else "all_candidates_taken"
        counts[code] = counts.get(code, 0) + 1
    reasons = tuple(code for code in UNPROPOSED_CODES if code in counts)
    return Unproposed(
        household=household,
        reasons=reasons,
        counts=MappingProxyType({code: counts[code] for code in reasons}),
    )
