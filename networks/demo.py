"""Demo data of the sponsorship networks: three networks in the Wetteraukreis with about
40 sponsorships in every state (some ended with reasons, some quiet for more than eight
weeks, households waiting for weeks) and one smaller network in the Hochtaunuskreis.

Paten are drawn from the demo volunteers who want to be Paten (interest
``sponsorship``); with fewer of them, fewer sponsorships are created. Runs after the
volunteers' demo. Idempotent by natural keys (network: center + name; household:
center + reference; sponsorship: network + household + Pate), with a fixed random
seed; dates are relative to today.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.choices import LEVEL_ORDER
from core.demo import DEMO_PASSWORD
from core.models import Center, Language, Membership, Place, Role, User
from core.scoping import forget_memberships
from networks.models import (
    CheckIn,
    Household,
    Need,
    Network,
    NetworkLead,
    NetworkMember,
    Sponsorship,
)
from volunteers.models import Volunteer

NETWORK_LEAD_ACCOUNT = ("networklead", "Nadia", "Richter", "wetteraukreis")

PATE_STATUSES = (Volunteer.Status.APPROVED, Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED)
HOUSEHOLD_LANGUAGES = ["ar", "apc", "uk", "prs", "fa", "ti", "kmr", "so", "tr", "ru", "ps", "am"]

Status = Sponsorship.Status
Reason = Sponsorship.EndReason


@dataclass(frozen=True)
class DemoNetwork:
    name: str
    town: str | None
    district: str
    description: str
    towns: tuple[str, ...]
    sponsorships: int
    waiting: int


WETTERAU_NETWORKS = [
    DemoNetwork(
        "Patennetzwerk Friedberg",
        "Friedberg (Hessen)",
        "",
        "Paten begleiten neu zugewanderte Familien in Friedberg und Bad Nauheim: "
        "Behördengänge, Schule, Wohnungssuche, Freizeit. Treffen jeden ersten Dienstag.",
        ("Friedberg (Hessen)", "Bad Nauheim", "Rosbach v. d. Höhe", "Butzbach", "Wölfersheim"),
        16,
        5,
    ),
    DemoNetwork(
        "Patennetzwerk Büdingen",
        "Büdingen",
        "",
        "Patenschaften im Osten der Wetterau, mit Sprechstunde im Bürgerhaus Büdingen.",
        ("Büdingen", "Nidda", "Altenstadt", "Ortenberg", "Gedern"),
        13,
        4,
    ),
    DemoNetwork(
        "Patennetzwerk Bad Vilbel/Karben",
        None,
        "Bad Vilbel und Karben",
        "Gemeinsames Netzwerk der Städte Bad Vilbel und Karben.",
        ("Bad Vilbel", "Karben", "Niddatal", "Florstadt"),
        11,
        3,
    ),
]
HOCHTAUNUS_NETWORKS = [
    DemoNetwork(
        "Patennetzwerk Oberursel",
        "Oberursel (Taunus)",
        "",
        "Paten in Oberursel und Steinbach begleiten Familien in den ersten Monaten.",
        ("Oberursel (Taunus)", "Steinbach (Taunus)", "Bad Homburg v. d. Höhe"),
        5,
        2,
    ),
]

# The states of a network's sponsorships, cycled: (status, end reason, quiet?)
STATE_PLAN: list[tuple[str, str, bool]] = [
    (Status.ACTIVE, "", False),
    (Status.ACTIVE, "", True),
    (Status.TRIAL, "", False),
    (Status.ENDED, Reason.GOALS_REACHED, False),
    (Status.ACTIVE, "", False),
    (Status.REQUESTED, "", False),
    (Status.MATCHED, "", False),
    (Status.ACTIVE, "", False),
    (Status.ENDED, Reason.MOVED_AWAY, False),
    (Status.TRIAL, "", True),
    (Status.ACTIVE, "", True),
    (Status.ENDED, Reason.PATE_WITHDREW, False),
    (Status.ACTIVE, "", False),
    (Status.ENDED, Reason.NO_FIT, False),
    (Status.MATCHED, "", False),
    (Status.ACTIVE, "", False),
]
END_NOTES: dict[str, str] = {
    Reason.GOALS_REACHED: "Familie kommt gut allein zurecht, Kontakt bleibt privat.",
    Reason.MOVED_AWAY: "Umzug in einen anderen Landkreis.",
    Reason.PATE_WITHDREW: "Pate aus beruflichen Gründen ausgestiegen.",
    Reason.NO_FIT: "",
}
CHECK_IN_NOTES = [
    "Treffen läuft gut, gemeinsamer Termin beim Bürgerbüro erledigt.",
    "Kita-Anmeldung gemeinsam ausgefüllt.",
    "Kurzes Telefonat mit der Patin, alles in Ordnung.",
    "Wohnungssuche schwierig, Beratung bei der Koordination gewünscht.",
    "Hausaufgabenhilfe für die Kinder vereinbart.",
    "Erstes Treffen im Sprachcafé.",
    "",
]


def _paten(center: Center, towns: tuple[str, ...], taken: set[int]) -> list[Volunteer]:
    """Volunteers who want to be Paten, preferring those living in the network's towns."""
    candidates = [
        v
        for v in Volunteer.objects.filter(center=center, status__in=PATE_STATUSES)
        .select_related("home_place")
        .order_by("id")
        if "sponsorship" in (v.interests or []) and v.pk not in taken
    ]
    local = [v for v in candidates if v.home_place and v.home_place.name in towns]
    return local + [v for v in candidates if v not in local]


def _network(center: Center, spec: DemoNetwork) -> Network:
    town = Place.objects.filter(center=center, name=spec.town).first() if spec.town else None
    network, _ = Network.objects.update_or_create(
        center=center,
        name=spec.name,
        defaults={
            "town": town,
            "district": spec.district if town is None else "",
            "description": spec.description,
            "is_active": True,
        },
    )
    return network


def _household(
    *,
    center: Center,
    network: Network,
    reference: str,
    rng: random.Random,
    towns: tuple[str, ...],
    waiting_since: date,
    is_active: bool,
) -> Household:
    town = Place.objects.filter(center=center, name=rng.choice(towns)).first()
    needs = rng.sample(Need.values[:-1], k=rng.randint(1, 3))
    household, _ = Household.objects.update_or_create(
        center=center,
        reference=reference,
        defaults={
            "network": network,
            "size": rng.choice([1, 2, 2, 3, 4, 4, 5, 6]),
            "town": town,
            "needs": needs,
            "waiting_since": waiting_since,
            "is_active": is_active,
        },
    )
    codes = rng.sample(HOUSEHOLD_LANGUAGES, k=rng.choice([1, 1, 2]))
    household.languages.set(Language.objects.filter(pk__in=codes))
    return household


def _sync_check_ins(sponsorship: Sponsorship, dates: list[date], rng: random.Random) -> int:
    sponsorship.check_ins.exclude(date__in=dates).delete()
    for index, day in enumerate(dates):
        CheckIn.objects.update_or_create(
            sponsorship=sponsorship,
            date=day,
            defaults={
                "note": rng.choice(CHECK_IN_NOTES),
                "follow_up_needed": index == len(dates) - 1 and rng.random() < 0.2,
            },
        )
    return len(dates)


def _seed_network(
    *, center: Center, spec: DemoNetwork, prefix: str, rng: random.Random, taken: set[int]
) -> dict[str, int]:
    today = timezone.localdate()
    network = _network(center, spec)
    paten = _paten(center, spec.towns, taken)[: max(3, spec.sponsorships * 3 // 4 + 2)]
    taken.update(v.pk for v in paten)
    for index, volunteer in enumerate(paten):
        NetworkMember.objects.update_or_create(
            network=network,
            volunteer=volunteer,
            defaults={"joined_on": today - timedelta(days=200 + 17 * index), "active": True},
        )
    # Keep a few Paten free so the dashboard shows "Paten without a sponsorship".
    busy = paten[: max(1, len(paten) - 2)] if paten else []
    counts = {"sponsorships": 0, "check_ins": 0, "households": 0}
    count = spec.sponsorships if busy else 0
    for number in range(count):
        status, reason, quiet = STATE_PLAN[number % len(STATE_PLAN)]
        pate = busy[number % len(busy)]
        reference = f"{prefix}-{number + 1:03d}"
        waits_again = reason in Sponsorship.REASONS_HOUSEHOLD_WAITS_AGAIN
        ended_on = today - timedelta(days=rng.randint(10, 120)) if status == Status.ENDED else None
        created = today - timedelta(days=rng.randint(30, 60) + (200 if ended_on else 0))
        household = _household(
            center=center,
            network=network,
            reference=reference,
            rng=rng,
            towns=spec.towns,
            waiting_since=ended_on if waits_again and ended_on else created,
            is_active=status != Status.ENDED or waits_again,
        )
        counts["households"] += 1
        Sponsorship.objects.filter(household=household).exclude(pate=pate).delete()
        intro = first = started = None
        meetings = 0
        if status in (Status.MATCHED, Status.TRIAL, Status.ACTIVE, Status.ENDED):
            intro = created + timedelta(days=7)
        if status in (Status.TRIAL, Status.ACTIVE, Status.ENDED):
            first = intro + timedelta(days=7) if intro else None
            started = first
            meetings = 4 if status != Status.TRIAL else rng.randint(1, 3)
        if status == Status.ACTIVE:
            started = today - timedelta(days=rng.randint(90, 400))
            intro, first = started - timedelta(days=14), started
        if status == Status.TRIAL:
            started = today - timedelta(days=rng.randint(80, 100) if quiet else rng.randint(10, 40))
            intro, first = started - timedelta(days=10), started
        if status == Status.ENDED and started and ended_on and started > ended_on:
            started = first = ended_on - timedelta(days=60)
            intro = started - timedelta(days=7)
        sponsorship, _ = Sponsorship.objects.update_or_create(
            network=network,
            household=household,
            pate=pate,
            defaults={
                "status": status,
                "intro_talk_on": intro,
                "first_meeting_on": first,
                "trial_meetings": meetings,
                "started_on": started,
                "ended_on": ended_on,
                "end_reason": reason,
                "end_note": END_NOTES.get(reason, "") if reason else "",
                "status_changed_at": timezone.now(),
            },
        )
        counts["sponsorships"] += 1
        dates: list[date] = []
        if started and status in (Status.TRIAL, Status.ACTIVE, Status.ENDED):
            last = ended_on or (
                today - timedelta(days=rng.randint(60, 130))
                if quiet
                else today - timedelta(days=rng.randint(2, 40))
            )
            day = started + timedelta(days=rng.randint(10, 25))
            while day <= last:
                dates.append(day)
                day += timedelta(days=rng.randint(14, 42))
            if quiet:
                dates = [d for d in dates if (today - d).days > 8 * 7 + 1]
            elif last >= started and (not dates or dates[-1] != last):
                dates.append(last)
        counts["check_ins"] += _sync_check_ins(sponsorship, dates, rng)
    # The first two Paten can take on two sponsorships at once.
    Volunteer.objects.filter(pk__in=[v.pk for v in paten[:2]]).update(sponsorship_capacity=2)
    codes = _free_pate_languages(paten)
    by_code = Language.objects.in_bulk(codes)
    spoken = [by_code[code] for code in codes]
    for number in range(spec.waiting):
        household = _household(
            center=center,
            network=network,
            reference=f"{prefix}-W{number + 1:02d}",
            rng=rng,
            towns=spec.towns,
            waiting_since=today - timedelta(days=7 + 19 * number),
            is_active=True,
        )
        # For the Pate proposals: most waiting households share a language with a Pate
        # (every fourth keeps only its own, so the page shows why none fits), every
        # other one has children (a Pate then needs the extended police certificate).
        if spoken and number % 4 != 3:
            household.languages.add(spoken[number % len(spoken)])
        Household.objects.filter(pk=household.pk).update(children=number % 2 == 0)
        counts["households"] += 1
    return counts


def _free_pate_languages(paten: list[Volunteer]) -> list[str]:
    """Per Pate with a free place (in id order): the language a newcomer household most
    likely shares with them (one of ``HOUSEHOLD_LANGUAGES`` first, then the best level;
    B1 or better, not German)."""
    capacity = dict(
        Volunteer.objects.filter(pk__in=[v.pk for v in paten]).values_list(
            "pk", "sponsorship_capacity"
        )
    )
    codes = []
    for volunteer in sorted(paten, key=lambda v: v.pk):
        taken = Sponsorship.objects.open().filter(pate=volunteer).count()
        if taken >= capacity.get(volunteer.pk, 1):
            continue
        skills = [
            (code not in HOUSEHOLD_LANGUAGES, -LEVEL_ORDER.get(level, 0), code)
            for code, level in volunteer.languages.values_list("language_id", "level")
            if code != "de" and LEVEL_ORDER.get(level, 0) >= LEVEL_ORDER["B1"]
        ]
        if skills:
            codes.append(min(skills)[2])
    return codes


def _seed_network_lead(center: Center, network: Network) -> None:
    username, first, last, _slug = NETWORK_LEAD_ACCOUNT
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.example"},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.update_or_create(
        user=user, center=center, role=Role.NETWORK_LEAD, defaults={"department": None}
    )
    forget_memberships(user)
    NetworkLead.objects.get_or_create(network=network, user=user)


@transaction.atomic
def seed(*, with_accounts: bool, stdout: Any = None) -> None:
    """Create or update the demo networks, households, sponsorships and check-ins."""
    rng = random.Random(4711)
    centers = {
        c.slug: c for c in Center.objects.filter(slug__in=["wetteraukreis", "hochtaunuskreis"])
    }
    totals = {"sponsorships": 0, "check_ins": 0, "households": 0}
    plan = [
        ("wetteraukreis", WETTERAU_NETWORKS, "WK"),
        ("hochtaunuskreis", HOCHTAUNUS_NETWORKS, "HT"),
    ]
    for slug, specs, code in plan:
        center = centers.get(slug)
        if center is None:
            continue
        taken: set[int] = set()
        for index, spec in enumerate(specs):
            counts = _seed_network(
                center=center, spec=spec, prefix=f"{code}{index + 1}", rng=rng, taken=taken
            )
            for key, value in counts.items():
                totals[key] += value
    wetterau = centers.get("wetteraukreis")
    if with_accounts and wetterau is not None:
        friedberg = Network.objects.get(center=wetterau, name=WETTERAU_NETWORKS[0].name)
        _seed_network_lead(wetterau, friedberg)
    if stdout is not None:
        stdout.write(
            "Networks: {households} households, {sponsorships} sponsorships, "
            "{check_ins} check-ins.".format(**totals)
        )
