"""Pate proposals (`wir-sponsorship/1`): optimality against a brute force, every hard rule,
determinism, runner-up and reasons. Pure: no database."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from matching.core.instance import InstanceError
from matching.core.sponsorship import (
    NEED_INTERESTS,
    SponsorshipInstance,
    pair_facts,
    parse_sponsorship_instance,
    set_value,
    solve_sponsorship,
)

pytestmark = pytest.mark.unit

# Friedberg (Hessen); 0.01° of latitude is about 1.1 km
LAT, LON = 50.335, 8.755


def pate(ident: str, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": ident,
        "languages": {"ar": "native"},
        "home": {"lat": LAT, "lon": LON},
        "capacity": 1,
        "open_sponsorships": 0,
        "interests": ["sponsorship"],
        "child_clearance": False,
    }
    entry.update(fields)
    return entry


def household(ident: str, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": ident,
        "languages": ["ar"],
        "location": {"lat": LAT + 0.01, "lon": LON},
        "needs": [],
        "children": False,
        "waiting_days": 0,
        "rejected": [],
    }
    entry.update(fields)
    return entry


def doc(paten: list[dict[str, Any]], households: list[dict[str, Any]], **top: Any) -> dict:
    return {"format": "wir-sponsorship/1", "paten": paten, "households": households, **top}


def solve(document: dict[str, Any]) -> dict[str, Any]:
    return solve_sponsorship(parse_sponsorship_instance(document)).to_json()


def pairs(result: dict[str, Any]) -> dict[str, str]:
    return {p["household"]: p["pate"] for p in result["proposals"]}


def unproposed(result: dict[str, Any]) -> dict[str, list[str]]:
    return {u["household"]: u["reasons"] for u in result["unproposed"]}


# --------------------------------------------------------------------------- brute force


def brute_force(instance: SponsorshipInstance) -> tuple[int, float]:
    """The best (number of proposals, soft value) over every assignment that keeps the hard
    rules and the capacities."""
    households = sorted(instance.households, key=lambda h: h.id)
    paten = {p.id: p for p in instance.paten}
    options = [
        [None] + [p.id for p in instance.paten if pair_facts(instance, h, p).feasible]
        for h in households
    ]
    best: tuple[int, float] = (0, 0.0)
    for choice in itertools.product(*options):
        used: dict[str, int] = {}
        for pid in choice:
            if pid is not None:
                used[pid] = used.get(pid, 0) + 1
        if any(count > paten[pid].remaining for pid, count in used.items()):
            continue
        chosen = {h.id: pid for h, pid in zip(households, choice, strict=True) if pid}
        score = (len(chosen), round(set_value(instance, chosen), 6))
        best = max(best, score)
    return best


def random_case(rng: random.Random) -> dict[str, Any]:
    languages = ["ar", "uk"]
    levels = ["A2", "B1", "C1", "native", "native"]
    needs = list(NEED_INTERESTS)
    interests = ["accompanying", "homework", "language_cafe", "leisure", "interpreting"]
    pids = [f"p-{n}" for n in range(rng.randint(1, 5))]
    paten = [
        pate(
            pid,
            languages={
                code: rng.choice(levels) for code in rng.sample(languages, rng.randint(1, 2))
            },
            home={"lat": LAT + rng.uniform(-0.08, 0.08), "lon": LON + rng.uniform(-0.1, 0.1)},
            capacity=rng.randint(1, 3),
            open_sponsorships=rng.choice([0, 0, 1, 2]),
            interests=["sponsorship", *rng.sample(interests, rng.randint(0, 3))],
            child_clearance=rng.random() < 0.6,
            max_km=rng.choice([None, 8, 25]),
        )
        for pid in pids
    ]
    households = [
        household(
            f"h-{n}",
            languages=rng.sample(languages, rng.randint(1, 2)),
            location={"lat": LAT + rng.uniform(-0.08, 0.08), "lon": LON + rng.uniform(-0.1, 0.1)},
            needs=rng.sample(needs, rng.randint(0, 3)),
            children=rng.random() < 0.4,
            waiting_days=rng.randint(0, 400),
            rejected=[pid for pid in pids if rng.random() < 0.15],
        )
        for n in range(rng.randint(1, 5))
    ]
    return doc(paten, households)


@pytest.mark.parametrize("seed", range(150))
def test_the_proposal_set_is_optimal_against_a_brute_force(seed: int) -> None:
    instance = parse_sponsorship_instance(random_case(random.Random(seed)))

    result = solve_sponsorship(instance)

    chosen = {p.household: p.pate for p in result.proposals}
    assert (len(chosen), round(set_value(instance, chosen), 6)) == brute_force(instance)
    for proposal in result.proposals:  # and every proposed pair keeps every hard rule
        h = next(h for h in instance.households if h.id == proposal.household)
        p = next(p for p in instance.paten if p.id == proposal.pate)
        assert pair_facts(instance, h, p).feasible
    used: dict[str, int] = {}
    for pid in chosen.values():
        used[pid] = used.get(pid, 0) + 1
    assert all(used[p.id] <= p.remaining for p in instance.paten if p.id in used)
    assert {p.household for p in result.proposals} | {u.household for u in result.unproposed} == {
        h.id for h in instance.households
    }


# --------------------------------------------------------------------------- hard rules


def test_no_shared_language_is_never_proposed() -> None:
    result = solve(doc([pate("p-1", languages={"uk": "native"})], [household("h-1")]))

    assert pairs(result) == {}
    assert unproposed(result) == {"h-1": ["no_shared_language"]}


def test_a_shared_language_below_b1_does_not_count() -> None:
    low = solve(doc([pate("p-1", languages={"ar": "A2"})], [household("h-1")]))
    enough = solve(doc([pate("p-1", languages={"ar": "B1"})], [household("h-1")]))

    assert pairs(low) == {}
    assert unproposed(low) == {"h-1": ["no_shared_language"]}
    assert pairs(enough) == {"h-1": "p-1"}


def test_a_pate_beyond_the_default_reach_is_never_proposed() -> None:
    far = household("h-1", location={"lat": LAT + 0.2, "lon": LON})  # about 22 km

    assert unproposed(solve(doc([pate("p-1")], [far]))) == {"h-1": ["too_far"]}
    assert pairs(solve(doc([pate("p-1")], [far], default_max_km=25))) == {"h-1": "p-1"}


def test_the_pates_own_reach_overrides_the_default() -> None:
    near = household("h-1", location={"lat": LAT + 0.05, "lon": LON})  # about 5.6 km

    assert unproposed(solve(doc([pate("p-1", max_km=5)], [near]))) == {"h-1": ["too_far"]}


def test_an_unknown_position_is_never_proposed() -> None:
    result = solve(doc([pate("p-1", home=None)], [household("h-1")]))

    assert unproposed(result) == {"h-1": ["no_location"]}


def test_a_household_with_children_needs_a_pate_with_child_clearance() -> None:
    kids = household("h-1", children=True)

    assert unproposed(solve(doc([pate("p-1")], [kids]))) == {"h-1": ["no_child_clearance"]}
    assert pairs(solve(doc([pate("p-1", child_clearance=True)], [kids]))) == {"h-1": "p-1"}
    assert pairs(solve(doc([pate("p-1")], [household("h-1")]))) == {"h-1": "p-1"}


def test_a_pate_at_capacity_is_never_proposed() -> None:
    full = pate("p-1", capacity=2, open_sponsorships=2)

    assert unproposed(solve(doc([full], [household("h-1")]))) == {"h-1": ["at_capacity"]}


def test_a_pate_gets_no_more_proposals_than_remaining_capacity() -> None:
    busy = pate("p-1", capacity=3, open_sponsorships=1)
    households = [household(f"h-{n}") for n in range(4)]

    result = solve(doc([busy], households))

    assert sorted(pairs(result)) == ["h-0", "h-1"]
    assert unproposed(result) == {"h-2": ["all_candidates_taken"], "h-3": ["all_candidates_taken"]}


def test_a_rejected_pair_is_never_proposed_again() -> None:
    result = solve(doc([pate("p-1"), pate("p-2")], [household("h-1", rejected=["p-1"])]))

    assert pairs(result) == {"h-1": "p-2"}
    alone = solve(doc([pate("p-1")], [household("h-1", rejected=["p-1"])]))
    assert unproposed(alone) == {"h-1": ["rejected"]}


def test_a_volunteer_without_the_sponsorship_interest_is_never_proposed() -> None:
    result = solve(doc([pate("p-1", interests=["homework"])], [household("h-1")]))

    assert unproposed(result) == {"h-1": ["no_sponsorship_interest"]}


def test_an_empty_network_says_so() -> None:
    assert unproposed(solve(doc([], [household("h-1")]))) == {"h-1": ["no_pate"]}


def test_reasons_of_an_unproposed_household_count_the_paten_per_rule() -> None:
    paten = [pate("p-1", languages={"uk": "C1"}), pate("p-2", languages={"fa": "B2"}), pate("p-3")]
    result = solve(doc(paten, [household("h-1", children=True)]))

    assert result["unproposed"] == [
        {
            "household": "h-1",
            "reasons": ["no_shared_language", "no_child_clearance"],
            "counts": {"no_shared_language": 2, "no_child_clearance": 1},
        }
    ]


# --------------------------------------------------------------------------- objective


def test_more_proposals_beat_a_better_single_pair() -> None:
    # p-1 would suit h-1 best, but only p-1 speaks h-2's language: both get a Pate
    paten = [
        pate("p-1", languages={"ar": "native", "uk": "C1"}),
        pate("p-2", home={"lat": LAT + 0.08, "lon": LON}),
    ]
    households = [household("h-1"), household("h-2", languages=["uk"])]

    assert pairs(solve(doc(paten, households))) == {"h-1": "p-2", "h-2": "p-1"}


def test_the_longer_waiting_household_gets_the_only_pate() -> None:
    households = [household("h-1", waiting_days=10), household("h-2", waiting_days=200)]

    result = solve(doc([pate("p-1")], households))

    assert pairs(result) == {"h-2": "p-1"}
    assert unproposed(result) == {"h-1": ["all_candidates_taken"]}


def test_covered_needs_win_over_a_little_distance() -> None:
    paten = [
        pate("p-1"),
        pate("p-2", interests=["sponsorship", "homework"], home={"lat": LAT + 0.02, "lon": LON}),
    ]

    result = solve(doc(paten, [household("h-1", needs=["school"])]))

    assert pairs(result) == {"h-1": "p-2"}
    assert result["proposals"][0]["covered_needs"] == ["school"]
    assert result["proposals"][0]["matching_interests"] == ["homework"]


def test_a_pate_with_fewer_sponsorships_is_preferred() -> None:
    paten = [
        pate("p-1", capacity=3, open_sponsorships=2),
        pate("p-2", capacity=3, open_sponsorships=0),
    ]

    assert pairs(solve(doc(paten, [household("h-1")]))) == {"h-1": "p-2"}


def test_a_second_copy_of_a_pate_costs_more_so_the_work_is_spread() -> None:
    paten = [pate("p-1", capacity=2), pate("p-2", home={"lat": LAT + 0.02, "lon": LON})]

    result = solve(doc(paten, [household("h-1"), household("h-2")]))

    assert sorted(pairs(result).values()) == ["p-1", "p-2"]


# --------------------------------------------------------------------------- reasons


def test_a_proposal_carries_its_reasons() -> None:
    result = solve(
        doc(
            [
                pate(
                    "p-1",
                    languages={"ar": "C1", "de": "native"},
                    interests=["sponsorship", "accompanying"],
                    open_sponsorships=0,
                    capacity=2,
                )
            ],
            [household("h-1", languages=["ar", "ku"], needs=["housing", "school"])],
        )
    )

    proposal = result["proposals"][0]
    assert proposal["shared_languages"] == {"ar": "C1"}
    assert proposal["distance_km"] == 1.1
    assert proposal["covered_needs"] == ["housing"]
    assert proposal["matching_interests"] == ["accompanying"]
    assert proposal["open_sponsorships"] == 0
    assert proposal["runner_up"] is None


def test_the_runner_up_is_the_next_best_pate_and_says_why_it_lost() -> None:
    paten = [
        pate("p-1"),
        pate("p-2", home={"lat": LAT + 0.05, "lon": LON}),
        pate("p-3", home={"lat": LAT + 0.09, "lon": LON}),
    ]

    runner_up = solve(doc(paten, [household("h-1")]))["proposals"][0]["runner_up"]

    assert runner_up["pate"] == "p-2"
    assert runner_up["why"] == ["farther"]
    assert runner_up["taken_by"] == []


def test_a_runner_up_needed_elsewhere_names_the_household() -> None:
    # p-1 is nearest for both; h-2 can only have p-1 (language), so h-1 gets p-2
    paten = [
        pate("p-1", languages={"ar": "native", "uk": "B2"}),
        pate("p-2", home={"lat": LAT + 0.05, "lon": LON}),
    ]
    households = [household("h-1"), household("h-2", languages=["uk"])]

    result = solve(doc(paten, households))

    first = next(p for p in result["proposals"] if p["household"] == "h-1")
    assert first["pate"] == "p-2"
    assert first["runner_up"]["pate"] == "p-1"
    assert first["runner_up"]["why"] == ["needed_elsewhere"]
    assert first["runner_up"]["taken_by"] == ["h-2"]


def test_equal_paten_tie_on_the_id() -> None:
    result = solve(doc([pate("p-2"), pate("p-1")], [household("h-1")]))

    assert pairs(result) == {"h-1": "p-1"}
    assert result["proposals"][0]["runner_up"]["why"] == ["tie"]


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("seed", range(20))
def test_the_same_instance_in_any_order_gives_the_same_result(seed: int) -> None:
    document = random_case(random.Random(1000 + seed))
    shuffled = dict(document)
    rng = random.Random(seed)
    shuffled["paten"] = rng.sample(document["paten"], len(document["paten"]))
    shuffled["households"] = rng.sample(document["households"], len(document["households"]))

    assert solve(document) == solve(shuffled) == solve(document)


# --------------------------------------------------------------------------- instance


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="wir-matching/1"), 'format: not "wir-sponsorship/1"'),
        (lambda d: d["paten"][0].update(capacity=0), "paten[0].capacity: must be at least 1"),
        (lambda d: d["paten"][0].update(capacity=1.5), "paten[0].capacity: not a whole number"),
        (
            lambda d: d["paten"][0]["languages"].update(ar="fluent"),
            "paten[0].languages.ar: not a level",
        ),
        (
            lambda d: d["households"][0].update(children="yes"),
            "households[0].children: not a boolean",
        ),
        (lambda d: d["households"][0].update(colour="red"), "households[0].colour: unknown field"),
        (
            lambda d: d["households"].append(household("h-1")),
            'households[1].id: duplicate id "h-1"',
        ),
    ],
)
def test_a_malformed_instance_names_the_field(mutate: Any, message: str) -> None:
    document = doc([pate("p-1")], [household("h-1")])
    mutate(document)

    with pytest.raises(InstanceError) as caught:
        parse_sponsorship_instance(document)

    assert str(caught.value).startswith(message)
