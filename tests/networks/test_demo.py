"""The networks' demo data: idempotent, every state present, the demo network lead."""

from __future__ import annotations

from io import StringIO

import pytest

from core import demo as core_demo
from core.models import Center, Place, User
from networks import demo, selectors
from networks.models import CheckIn, Household, Network, NetworkMember, Sponsorship
from tests.networks.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Network, NetworkMember, Household, Sponsorship, CheckIn, User)
    }


@pytest.fixture
def centers(db):
    return core_demo.seed(with_accounts=True)


@pytest.fixture
def paten(centers):
    """Demo-like volunteers who want to be Paten, spread over the centers' towns."""
    for slug, number in (("wetteraukreis", 40), ("hochtaunuskreis", 8)):
        center = centers[slug]
        towns = list(Place.objects.filter(center=center, kind="town"))
        for index in range(number):
            VolunteerFactory(
                center=center,
                home_place=towns[index % len(towns)],
                interests=["sponsorship"] if index % 5 else ["sponsorship", "interpreting"],
            )
        VolunteerFactory(center=center, interests=["interpreting"])


def test_demo_runs_twice_with_the_same_counts(paten):
    demo.seed(with_accounts=True, stdout=StringIO())
    first = counts()
    demo.seed(with_accounts=True, stdout=StringIO())
    assert counts() == first
    wetterau = Sponsorship.objects.filter(network__center__slug="wetteraukreis")
    assert 35 <= wetterau.count() <= 45
    assert Network.objects.filter(center__slug="wetteraukreis").count() == 3
    assert Network.objects.filter(center__slug="hochtaunuskreis").count() == 1


def test_demo_has_every_state_quiet_ones_and_waiting_households(paten):
    demo.seed(with_accounts=False)
    assert set(Sponsorship.objects.values_list("status", flat=True)) == set(
        Sponsorship.Status.values
    )
    assert Sponsorship.objects.exclude(end_reason="").values("end_reason").distinct().count() >= 3
    admin = User.objects.create_superuser("root", "root@example.org", "x")
    figures = selectors.network_figures(user=admin)
    assert all(row["waiting"] >= 1 for row in figures)
    assert sum(row["quiet"] for row in figures) >= 4
    assert sum(row["idle_paten"] for row in figures) >= 3
    assert not Sponsorship.objects.filter(pate__interests=[]).exists()


def test_demo_network_lead_sees_only_friedberg(paten):
    demo.seed(with_accounts=True)
    lead = User.objects.get(username="networklead")
    assert lead.check_password("demo")
    assert [n.name for n in selectors.network_list(user=lead)] == ["Patennetzwerk Friedberg"]


def test_demo_without_accounts_creates_no_login(paten):
    demo.seed(with_accounts=False)
    assert not User.objects.filter(username="networklead").exists()


def test_demo_copes_without_any_paten(centers):
    demo.seed(with_accounts=True)
    assert Network.objects.count() == 4
    assert not Sponsorship.objects.exists()
    assert Household.objects.filter(center=Center.objects.get(slug="wetteraukreis")).exists()
