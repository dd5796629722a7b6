"""Pate proposals, the adapter: networks' and volunteers' selectors → `wir-sponsorship/1`
instance → :mod:`matching.core.sponsorship` → proposals for the pages, and the confirm step.

Who is a candidate (``docs/sponsorship-instance.md``): the *active members* of the network
whose volunteer status is *active* (approved volunteers not yet activated and paused ones
are left out); the engine then checks the interest ``sponsorship``. Sponsorships count
against a Pate's capacity in every network. Households are the network's waiting ones
(active, no open sponsorship), located at their town. A Pate's home is their own
coordinates, else their town's. Child clearance is :attr:`PaperworkStatus.child_clearance`
(a current, clean extended police certificate).

Proposals are advice: nothing is stored until the coordinator or network lead confirms a
pair (:func:`proposal_confirm`: a sponsorship in "matched", through the networks services
and their audit trail) or rejects it (:func:`networks.services.proposal_reject`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.choices import Level
from core.models import Language, User
from matching.core.sponsorship import (
    DEFAULT_MAX_KM,
    FORMAT,
    PairFacts,
    Proposal,
    SponsorshipResult,
    Unproposed,
    pair_facts,
    parse_sponsorship_instance,
    solve_sponsorship,
)
from networks import selectors as network_selectors
from networks import services as network_services
from networks.models import Household, Need, Network, Sponsorship
from volunteers.models import Interest, Volunteer
from volunteers.selectors import paperwork_status_for

#: How far a Pate travels to a household (km); Paten have no radius of their own yet.
PATE_REACH_KM = DEFAULT_MAX_KM

#: The reason codes of the engine, in words (only this edge translates them).
REASON_LABELS: dict[str, Any] = {
    "no_pate": gettext_lazy("The network has no active Pate"),
    "no_sponsorship_interest": gettext_lazy("Not interested in sponsorships"),
    "no_shared_language": gettext_lazy("No shared language (at least B1)"),
    "no_location": gettext_lazy("Home or town without a position"),
    "too_far": gettext_lazy("Not within reach"),
    "no_child_clearance": gettext_lazy(
        "No valid extended police certificate (children in the household)"
    ),
    "at_capacity": gettext_lazy("Already at capacity"),
    "rejected": gettext_lazy("Rejected before"),
    "all_candidates_taken": gettext_lazy("Every suitable Pate is proposed for another household"),
}
RUNNER_UP_LABELS: dict[str, Any] = {
    "needed_elsewhere": gettext_lazy("proposed for another household"),
    "farther": gettext_lazy("lives farther away"),
    "fewer_covered_needs": gettext_lazy("covers fewer of the needs"),
    "more_sponsorships": gettext_lazy("already has more sponsorships"),
    "tie": gettext_lazy("just as suitable; the order decided"),
}


def household_engine_id(pk: int) -> str:
    """A household's id in an instance."""
    return f"h-{pk}"


def pate_engine_id(pk: int) -> str:
    """A Pate's (volunteer's) id in an instance."""
    return f"p-{pk}"


def _pk(engine_id: str) -> int:
    return int(engine_id.split("-", 1)[1])


@dataclass
class BuiltProposals:
    """An instance and the rows behind its ids."""

    instance: dict[str, Any]
    households: dict[str, Household] = field(default_factory=dict)
    paten: dict[str, Volunteer] = field(default_factory=dict)


def _home(volunteer: Volunteer) -> dict[str, float] | None:
    if volunteer.home_lat is not None and volunteer.home_lon is not None:
        return {"lat": volunteer.home_lat, "lon": volunteer.home_lon}
    if volunteer.home_place is not None:
        return {"lat": volunteer.home_place.lat, "lon": volunteer.home_place.lon}
    return None


def proposal_instance_build(
    *, user: Any, network: Network, today: dt.date | None = None
) -> BuiltProposals:
    """The `wir-sponsorship/1` instance of a network's waiting households (a fixed number
    of queries), read through the networks' and volunteers' selectors, scoped to ``user``."""
    today = today or timezone.localdate()
    households = list(network_selectors.household_list(user=user, network=network, waiting=True))
    rejected: dict[int, list[int]] = {}
    for household_id, pate_id in network_selectors.proposal_rejection_list(
        user=user, network=network
    ).values_list("household_id", "pate_id"):
        rejected.setdefault(household_id, []).append(pate_id)
    members = network_selectors.pate_option_list(network=network).filter(
        volunteer__status=Volunteer.Status.ACTIVE
    )
    volunteers = [member.volunteer for member in members]
    counts = network_selectors.open_sponsorship_counts(volunteer_ids=[v.pk for v in volunteers])
    papers = paperwork_status_for(volunteers=volunteers, on=today)
    built = BuiltProposals(instance={})
    paten = []
    for volunteer in sorted(volunteers, key=lambda v: v.pk):
        ident = pate_engine_id(volunteer.pk)
        built.paten[ident] = volunteer
        paten.append(
            {
                "id": ident,
                "languages": {s.language_id: s.level for s in volunteer.languages.all()},
                "home": _home(volunteer),
                "capacity": volunteer.sponsorship_capacity,
                "open_sponsorships": counts.get(volunteer.pk, 0),
                "interests": sorted(volunteer.interests or []),
                "child_clearance": papers[volunteer.pk].child_clearance,
            }
        )
    entries = []
    for household in sorted(households, key=lambda h: h.pk):
        ident = household_engine_id(household.pk)
        built.households[ident] = household
        town = household.town
        entries.append(
            {
                "id": ident,
                "languages": sorted(lang.pk for lang in household.languages.all()),
                "location": None if town is None else {"lat": town.lat, "lon": town.lon},
                "needs": sorted(household.needs or []),
                "children": household.children,
                "waiting_days": max((today - household.waiting_since).days, 0),
                "rejected": [pate_engine_id(pk) for pk in sorted(rejected.get(household.pk, []))],
            }
        )
    built.instance = {
        "format": FORMAT,
        "default_max_km": PATE_REACH_KM,
        "paten": paten,
        "households": entries,
    }
    return built


# --------------------------------------------------------------------------- for the pages


@dataclass
class ProposalRow:
    """One proposal as the page shows it."""

    household: Household
    pate: Volunteer
    proposal: Proposal
    languages: list[str]
    needs: list[str]
    interests: list[str]
    runner_up: Volunteer | None = None
    runner_up_why: list[str] = field(default_factory=list)
    runner_up_km: float | None = None


@dataclass
class UnproposedRow:
    """A waiting household without a proposal, with the reasons."""

    household: Household
    reasons: list[str]


@dataclass
class NetworkProposals:
    """The proposal set of one network, ready for the page."""

    network: Network
    result: SponsorshipResult
    rows: list[ProposalRow]
    unproposed: list[UnproposedRow]
    pate_count: int

    @property
    def waiting_count(self) -> int:
        """Households waiting for a Pate."""
        return len(self.rows) + len(self.unproposed)


def language_names(codes: set[str]) -> dict[str, str]:
    return {lang.pk: lang.name for lang in Language.objects.filter(pk__in=sorted(codes))}


def language_labels(shared: dict[str, str], names: dict[str, str]) -> list[str]:
    """``Arabisch (native speaker)`` for each shared language."""
    levels = dict(Level.choices)
    return [
        f"{names.get(code, code)} ({levels.get(level, level)})"
        for code, level in sorted(shared.items())
    ]


def need_labels(codes: tuple[str, ...]) -> list[str]:
    """The needs' labels in the active language."""
    labels = dict(Need.choices)
    return [str(labels.get(code, code)) for code in codes]


def interest_labels(codes: tuple[str, ...]) -> list[str]:
    """The interests' labels in the active language."""
    labels = dict(Interest.choices)
    return [str(labels.get(code, code)) for code in codes]


def unproposed_reasons(item: Unproposed) -> list[str]:
    """The reasons of a household without a proposal, with how many Paten each concerns."""
    lines = []
    for code in item.reasons:
        label = str(REASON_LABELS.get(code, code))
        count = item.counts.get(code, 0)
        if code == "no_pate" or not count:
            lines.append(label)
        else:
            lines.append(
                ngettext("%(reason)s: %(count)d Pate", "%(reason)s: %(count)d Paten", count)
                % {"reason": label, "count": count}
            )
    return lines


def runner_up_reasons(why: tuple[str, ...], taken_by: list[Household]) -> list[str]:
    """Why the runner-up lost, in words."""
    lines = []
    for code in why:
        if code == "needed_elsewhere" and taken_by:
            lines.append(
                _("proposed for %(households)s")
                % {"households": ", ".join(h.reference for h in taken_by)}
            )
        else:
            lines.append(str(RUNNER_UP_LABELS.get(code, code)))
    return lines


def network_proposals(
    *, user: Any, network: Network, today: dt.date | None = None
) -> NetworkProposals:
    """Solve the network's proposals now and dress them for the page."""
    built = proposal_instance_build(user=user, network=network, today=today)
    result = solve_sponsorship(parse_sponsorship_instance(built.instance))
    codes = {code for p in result.proposals for code in p.shared_languages}
    names = language_names(codes)
    rows = []
    for proposal in result.proposals:
        runner = proposal.runner_up
        row = ProposalRow(
            household=built.households[proposal.household],
            pate=built.paten[proposal.pate],
            proposal=proposal,
            languages=language_labels(dict(proposal.shared_languages), names),
            needs=need_labels(proposal.covered_needs),
            interests=interest_labels(proposal.matching_interests),
        )
        if runner is not None:
            row.runner_up = built.paten[runner.pate]
            row.runner_up_km = runner.distance_km
            row.runner_up_why = runner_up_reasons(
                runner.why, [built.households[h] for h in runner.taken_by]
            )
        rows.append(row)
    rows.sort(key=lambda r: (r.household.waiting_since, r.household.reference))
    unproposed = [
        UnproposedRow(household=built.households[u.household], reasons=unproposed_reasons(u))
        for u in result.unproposed
    ]
    unproposed.sort(key=lambda r: (r.household.waiting_since, r.household.reference))
    return NetworkProposals(
        network=network,
        result=result,
        rows=rows,
        unproposed=unproposed,
        pate_count=len(built.paten),
    )


def proposal_pair(
    *, user: Any, network: Network, household: Household, pate: Volunteer
) -> PairFacts:
    """The engine's facts on one pair as of now (for the confirm page and the confirm).

    :raises ValidationError: the household no longer waits or the volunteer is no active
        Pate of the network, or the pair breaks a hard rule (every broken rule named).
    """
    built = proposal_instance_build(user=user, network=network)
    instance = parse_sponsorship_instance(built.instance)
    hid, pid = household_engine_id(household.pk), pate_engine_id(pate.pk)
    entry = next((h for h in instance.households if h.id == hid), None)
    if entry is None:
        raise ValidationError({"household": _("This household no longer waits for a Pate.")})
    candidate = next((p for p in instance.paten if p.id == pid), None)
    if candidate is None:
        raise ValidationError({"pate": _("This person is not an active Pate of this network.")})
    facts = pair_facts(instance, entry, candidate)
    if facts.violations:
        raise ValidationError({"pate": [str(REASON_LABELS[code]) for code in facts.violations]})
    return facts


@transaction.atomic
def proposal_confirm(
    *, actor: User, network: Network, household: Household, pate: Volunteer
) -> Sponsorship:
    """Confirm a proposal: the pair is checked again against every hard rule as of now, then
    becomes a sponsorship in "matched" (requested → matched through the networks services,
    each step audited).

    :raises ValidationError: as :func:`proposal_pair`, or from the services (the household
        already has an open sponsorship); nothing is stored then.
    """
    # Lock the Pate so two confirms cannot both take their last free place.
    pate = Volunteer.objects.select_for_update().get(pk=pate.pk)
    proposal_pair(user=actor, network=network, household=household, pate=pate)
    sponsorship = network_services.sponsorship_create(
        actor=actor, network=network, household=household, pate=pate
    )
    return network_services.sponsorship_match(actor=actor, sponsorship=sponsorship)


def engine_pks(result: SponsorshipResult) -> list[tuple[int, int]]:
    """(household pk, volunteer pk) of every proposal."""
    return [(_pk(p.household), _pk(p.pate)) for p in result.proposals]
