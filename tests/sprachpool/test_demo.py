"""The Sprachpool demo: profiles for volunteers who want to interpret and signed the pledge;
idempotent; the demo login becomes an active interpreter."""

from __future__ import annotations

import pytest

from core.models import User
from sprachpool import demo
from sprachpool.models import InterpreterProfile
from tests.factories import CenterFactory
from tests.sprachpool.factories import ready_volunteer
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_needs_interest_and_pledge() -> None:
    center = CenterFactory(slug="wetteraukreis")
    for n in range(5):
        ready_volunteer(center=center, email=f"p{n}@example.org")
    ready_volunteer(center=center, pledge=False)
    VolunteerFactory(center=center, interests=["sponsorship"])
    login = User.objects.create(username="volunteer")
    mine = ready_volunteer(
        center=center, user=login, languages=(("de", "C1"), ("ar", "native"), ("uk", "B2"))
    )

    first = demo.seed(with_accounts=True)
    snapshot = list(InterpreterProfile.objects.order_by("pk").values())
    second = demo.seed(with_accounts=True)

    assert first == second == {"wetteraukreis": 6}
    assert list(InterpreterProfile.objects.order_by("pk").values()) == snapshot
    profile = InterpreterProfile.objects.get(volunteer=mine)
    assert profile.is_active is True
    assert profile.modes == ["in_person", "phone", "video"]
    assert (profile.qualification, profile.max_travel_km) == ("trained", 25)
