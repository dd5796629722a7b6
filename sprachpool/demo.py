"""Demo data of the Sprachpool: interpreter profiles for the demo volunteers.

Runs after the volunteer registry's demo. Every volunteer who wants to interpret
and has signed the confidentiality pledge gets a profile (about 70 in the
Wetteraukreis, 20 in the Hochtaunuskreis, fewer if the registry has fewer).
Values come from a random generator seeded per person, so running it twice
gives the same result. Profiles are switched active where the rules allow.
"""

from __future__ import annotations

import random
from typing import Any, TextIO

from django.db import transaction

from core.choices import Mode, Topic
from core.models import Center
from sprachpool.models import InterpreterProfile
from sprachpool.services import activation_problems
from volunteers.demo import demo_gender
from volunteers.models import Volunteer

#: How many profiles each demo center gets at most.
TARGETS = {"wetteraukreis": 70, "hochtaunuskreis": 20}
#: The demo login that is an active interpreter.
DEMO_INTERPRETER_USERNAME = "volunteer"

Q = InterpreterProfile.Qualification
TIER_FOR = {
    Q.LAY: InterpreterProfile.AllowanceTier.STANDARD,
    Q.TRAINED: InterpreterProfile.AllowanceTier.STANDARD,
    Q.CERTIFIED: InterpreterProfile.AllowanceTier.CERTIFIED,
}
SENSITIVE_TOPICS = [Topic.CHILD_WELFARE, Topic.HEALTH, Topic.RESIDENCE, Topic.HOUSING]


def _profile_values(volunteer: Volunteer) -> dict[str, Any]:
    """Plausible, deterministic profile values for one volunteer."""
    rng = random.Random(f"sprachpool-demo-{volunteer.email}")
    qualification = rng.choices([Q.LAY, Q.TRAINED, Q.CERTIFIED], weights=[45, 40, 15])[0]
    modes = []
    if rng.random() < 0.85:
        modes.append(Mode.IN_PERSON)
    if rng.random() < 0.6 or not modes:
        modes.append(Mode.PHONE)
    if rng.random() < 0.35:
        modes.append(Mode.VIDEO)
    tier = TIER_FOR[qualification]
    if qualification == Q.TRAINED and rng.random() < 0.4:
        tier = InterpreterProfile.AllowanceTier.EXPERIENCED
    gender = ""
    if rng.random() < 0.75:
        # Consistent with the first name (volunteers.demo.demo_gender).
        gender = demo_gender(volunteer.first_name)
    declined: list[str] = []
    if rng.random() < 0.25:
        picked = rng.sample(SENSITIVE_TOPICS, k=rng.choice([1, 1, 2]))
        declined = [code for code in Topic.values if code in picked]
    excluded: list[str] = []
    if rng.random() < 0.08:
        excluded = [f"K-{rng.randint(1000, 9999)}"]
    kind = InterpreterProfile.Kind.VOLUNTEER
    if qualification == Q.CERTIFIED and rng.random() < 0.5:
        kind = InterpreterProfile.Kind.HONORARY
    return {
        "kind": kind,
        "qualification": qualification,
        "modes": modes,
        "max_travel_km": rng.choice([10, 15, 20, 25, 25, 30, 40, 50]),
        "gender": gender,
        "declined_topics": declined,
        "excluded_clients": excluded,
        "allowance_tier": tier,
        "wants_active": rng.random() < 0.9,
    }


def _save_profile(volunteer: Volunteer, values: dict[str, Any]) -> InterpreterProfile:
    values = dict(values)
    wants_active = values.pop("wants_active")
    profile = InterpreterProfile.objects.filter(volunteer=volunteer).first()
    if profile is None:
        profile = InterpreterProfile(volunteer=volunteer)
    values["is_active"] = wants_active and not activation_problems(volunteer=volunteer)
    if profile.pk and all(getattr(profile, name) == value for name, value in values.items()):
        return profile
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


def _candidates(center: Center, limit: int) -> list[Volunteer]:
    """Volunteers of the center who want to interpret and signed the pledge."""
    volunteers = (
        Volunteer.objects.filter(center=center, pledges__isnull=False)
        .exclude(status=Volunteer.Status.LEFT)
        .exclude(user__username=DEMO_INTERPRETER_USERNAME)
        .distinct()
        .order_by("email")
    )
    chosen = [v for v in volunteers if "interpreting" in (v.interests or [])]
    return chosen[:limit]


def _seed_demo_interpreter(stdout: TextIO | None) -> InterpreterProfile | None:
    """The demo login ``volunteer``: an active, trained interpreter (in person, phone, video)."""
    volunteer = Volunteer.objects.filter(user__username=DEMO_INTERPRETER_USERNAME).first()
    if volunteer is None:
        return None
    profile = _save_profile(
        volunteer,
        {
            "kind": InterpreterProfile.Kind.VOLUNTEER,
            "qualification": Q.TRAINED,
            "modes": [Mode.IN_PERSON, Mode.PHONE, Mode.VIDEO],
            "max_travel_km": 25,
            "gender": "",
            "declined_topics": [],
            "excluded_clients": [],
            "allowance_tier": InterpreterProfile.AllowanceTier.STANDARD,
            "wants_active": True,
        },
    )
    if not profile.is_active and stdout is not None:
        problems = activation_problems(volunteer=volunteer)
        stdout.write(
            "  Sprachpool: the demo login 'volunteer' could not be activated: "
            + "; ".join(m for msgs in problems.values() for m in msgs)
        )
    return profile


@transaction.atomic
def seed(*, with_accounts: bool, stdout: TextIO | None = None) -> dict[str, int]:
    """Create or update the demo interpreter profiles (idempotent).

    :return: center slug → number of profiles.
    """
    counts: dict[str, int] = {}
    for slug, target in TARGETS.items():
        center = Center.objects.filter(slug=slug).first()
        if center is None:
            continue
        for volunteer in _candidates(center, target):
            _save_profile(volunteer, _profile_values(volunteer))
        counts[slug] = InterpreterProfile.objects.filter(volunteer__center=center).count()
    if with_accounts:
        _seed_demo_interpreter(stdout)
        for slug in counts:
            counts[slug] = InterpreterProfile.objects.filter(volunteer__center__slug=slug).count()
    if stdout is not None:
        active = InterpreterProfile.objects.filter(is_active=True).count()
        summary = ", ".join(f"{slug}: {n}" for slug, n in counts.items())
        stdout.write(f"  Sprachpool: interpreter profiles {summary} ({active} active)")
    return counts
