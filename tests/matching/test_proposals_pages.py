"""Pate proposals of a network (``/networks/<id>/proposals/``): who may see and act (own
network's lead and the center's coordinators; 404 outside the scope, 403 for other roles),
confirm (a sponsorship in "matched", once), reject (reason required, never proposed again)
and the adapter's rules on real rows (volunteer status, membership, certificates, capacity
across networks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEvent
from matching.core.sponsorship import NEED_INTERESTS
from matching.sponsorship import network_proposals, pate_engine_id, proposal_instance_build
from networks.models import Household, Need, Network, ProposalRejection, Sponsorship
from tests.conftest import Tenant
from tests.networks.factories import (
    HouseholdFactory,
    LanguageSkillFactory,
    NetworkFactory,
    NetworkLeadFactory,
    NetworkMemberFactory,
    SponsorshipFactory,
    VolunteerFactory,
)
from tests.volunteers.factories import PoliceCertificateFactory
from volunteers.models import Interest, PoliceCertificate, Volunteer

pytestmark = pytest.mark.django_db

Status = Sponsorship.Status


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def make_pate(network: Network, last_name: str, **fields) -> Volunteer:
    town = network.town
    volunteer = VolunteerFactory(
        center=network.center,
        last_name=last_name,
        home_lat=town.lat + 0.01,
        home_lon=town.lon,
        **fields,
    )
    LanguageSkillFactory(volunteer=volunteer, language_id="ar", level="native")
    NetworkMemberFactory(network=network, volunteer=volunteer)
    return volunteer


def make_household(network: Network, reference: str, **fields) -> Household:
    household = HouseholdFactory(network=network, reference=reference, town=network.town, **fields)
    household.languages.set(["ar"])
    return household


@dataclass
class World:
    network: Network
    pate: Volunteer
    household: Household

    def urls(self) -> list[tuple[str, str]]:
        n, h, p = self.network.pk, self.household.pk, self.pate.pk
        return [
            ("get", reverse("network-proposals", args=[n])),
            ("get", reverse("network-proposal-confirm", args=[n, h, p])),
            ("post", reverse("network-proposal-confirm", args=[n, h, p])),
            ("get", reverse("network-proposal-reject", args=[n, h, p])),
            ("post", reverse("network-proposal-reject", args=[n, h, p])),
        ]


def make_world(tenant: Tenant, *, lead: bool = True, reference: str = "H-4711") -> World:
    network = NetworkFactory(center=tenant.center)
    if lead:
        NetworkLeadFactory(network=network, user=tenant.users["network_lead"])
    pate = make_pate(network, "Haddad")
    household = make_household(
        network, reference, needs=["school"], waiting_since=timezone.localdate()
    )
    return World(network, pate, household)


@pytest.fixture
def world(tenant: Tenant) -> World:
    return make_world(tenant)


def nothing_changed(world: World) -> bool:
    return (
        not Sponsorship.objects.filter(household=world.household).exists()
        and not ProposalRejection.objects.exists()
    )


# --------------------------------------------------------------------------- who may


@pytest.mark.parametrize("role", ["coordinator", "network_lead"])
def test_coordinator_and_own_lead_see_the_proposal_with_reasons(tenant, world, role):
    response = client_for(tenant.users[role]).get(
        reverse("network-proposals", args=[world.network.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "H-4711" in html
    assert world.pate.display_name in html
    assert "1.1 km apart" in html
    assert (
        reverse(
            "network-proposal-confirm", args=[world.network.pk, world.household.pk, world.pate.pk]
        )
        in html
    )


def test_lead_of_another_network_gets_404_and_nothing_changes(tenant):
    unled = make_world(tenant, lead=False, reference="H-4800")
    client = client_for(tenant.users["network_lead"])

    for method, url in unled.urls():
        assert getattr(client, method)(url, {"reason": "x"}).status_code == 404, url
    assert nothing_changed(unled)


def test_coordinator_of_another_center_gets_404(other_tenant, world):
    client = client_for(other_tenant.users["coordinator"])

    for method, url in world.urls():
        assert getattr(client, method)(url, {"reason": "x"}).status_code == 404, url
    assert nothing_changed(world)


@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_other_roles_get_403(tenant, world, role):
    client = client_for(tenant.users[role])

    for method, url in world.urls():
        assert getattr(client, method)(url, {"reason": "x"}).status_code == 403, url
    assert nothing_changed(world)


def test_a_household_of_another_network_is_404_in_this_one(tenant, world):
    elsewhere = make_world(tenant, reference="H-4801")
    url = reverse(
        "network-proposal-confirm", args=[world.network.pk, elsewhere.household.pk, world.pate.pk]
    )

    assert client_for(tenant.users["coordinator"]).post(url).status_code == 404
    assert not Sponsorship.objects.exists()


def test_the_network_page_links_to_the_proposals_with_the_waiting_count(tenant, world):
    html = (
        client_for(tenant.users["network_lead"])
        .get(reverse("network-detail", args=[world.network.pk]))
        .content.decode()
    )

    assert reverse("network-proposals", args=[world.network.pk]) in html
    assert "Pate proposals (1 household waiting)" in html


# --------------------------------------------------------------------------- confirm


def test_confirm_asks_first_and_changes_nothing_on_get(tenant, world):
    url = reverse(
        "network-proposal-confirm", args=[world.network.pk, world.household.pk, world.pate.pk]
    )

    response = client_for(tenant.users["network_lead"]).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirm proposal" in html
    assert "matched" in html
    assert nothing_changed(world)


def test_confirm_creates_a_matched_sponsorship_once(tenant, world):
    url = reverse(
        "network-proposal-confirm", args=[world.network.pk, world.household.pk, world.pate.pk]
    )
    client = client_for(tenant.users["network_lead"])

    first = client.post(url, follow=True)

    sponsorship = Sponsorship.objects.get(household=world.household)
    assert sponsorship.status == Status.MATCHED
    assert sponsorship.pate == world.pate
    assert sponsorship.network == world.network
    assert (
        AuditEvent.objects.filter(
            object_type="networks.sponsorship", object_id=str(sponsorship.pk)
        ).count()
        == 2
    )  # created, then requested → matched
    assert "is now the Pate of household H-4711" in first.content.decode()

    second = client.post(url, follow=True)

    assert Sponsorship.objects.filter(household=world.household).count() == 1
    assert Sponsorship.objects.get(pk=sponsorship.pk).status == Status.MATCHED
    assert "no longer waits for a Pate" in second.content.decode()


def test_confirm_refuses_a_pair_that_broke_a_rule_meanwhile(tenant, world):
    world.household.children = True
    world.household.save()
    url = reverse(
        "network-proposal-confirm", args=[world.network.pk, world.household.pk, world.pate.pk]
    )

    response = client_for(tenant.users["coordinator"]).post(url, follow=True)

    assert "No valid extended police certificate" in response.content.decode()
    assert nothing_changed(world)


# --------------------------------------------------------------------------- reject


def test_reject_stores_the_reason_and_the_pair_is_not_proposed_again(tenant, world):
    url = reverse(
        "network-proposal-reject", args=[world.network.pk, world.household.pk, world.pate.pk]
    )
    client = client_for(tenant.users["network_lead"])

    response = client.post(url, {"reason": "  Wohnt im selben Haus, lieber nicht.  "})

    assert response.status_code == 302
    rejection = ProposalRejection.objects.get()
    assert (rejection.household, rejection.pate) == (world.household, world.pate)
    assert rejection.reason == "Wohnt im selben Haus, lieber nicht."
    assert rejection.rejected_by == tenant.users["network_lead"]
    assert AuditEvent.objects.filter(object_type="networks.proposalrejection").count() == 1
    page = network_proposals(user=tenant.users["network_lead"], network=world.network)
    assert page.rows == []
    assert page.unproposed[0].reasons == ["Rejected before: 1 Pate"]
    html = client.get(reverse("network-proposals", args=[world.network.pk])).content.decode()
    assert "Rejected before: 1 Pate" in html
    assert url not in html


@pytest.mark.parametrize("reason", ["", "   ", "Bitte anrufen: 0151 23456789"])
def test_reject_without_a_usable_reason_changes_nothing(tenant, world, reason):
    url = reverse(
        "network-proposal-reject", args=[world.network.pk, world.household.pk, world.pate.pk]
    )

    response = client_for(tenant.users["coordinator"]).post(url, {"reason": reason})

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert nothing_changed(world)
    page = network_proposals(user=tenant.users["coordinator"], network=world.network)
    assert [(r.household, r.pate) for r in page.rows] == [(world.household, world.pate)]


# --------------------------------------------------------------------------- the adapter


def proposed(tenant: Tenant, network: Network) -> dict[str, str]:
    page = network_proposals(user=tenant.users["coordinator"], network=network)
    return {row.household.reference: row.pate.last_name for row in page.rows}


def test_only_active_volunteers_who_are_active_members_are_candidates(tenant, world):
    world.pate.status = Volunteer.Status.PAUSED
    world.pate.save()
    outsider = VolunteerFactory(center=tenant.center, home_lat=50.34, home_lon=8.755)
    LanguageSkillFactory(volunteer=outsider, language_id="ar", level="native")
    former = make_pate(world.network, "Former")
    former.network_memberships.update(active=False)

    built = proposal_instance_build(user=tenant.users["coordinator"], network=world.network)

    assert built.instance["paten"] == []
    assert proposed(tenant, world.network) == {}


def test_children_need_a_current_extended_certificate(tenant, world):
    world.household.children = True
    world.household.save()
    assert proposed(tenant, world.network) == {}

    PoliceCertificateFactory(
        volunteer=world.pate,
        kind=PoliceCertificate.Kind.EXTENDED,
        issued_on=timezone.localdate() - dt.timedelta(days=6 * 365),
    )  # expired
    assert proposed(tenant, world.network) == {}

    PoliceCertificateFactory(volunteer=world.pate, kind=PoliceCertificate.Kind.EXTENDED)
    assert proposed(tenant, world.network) == {"H-4711": "Haddad"}


def test_open_sponsorships_in_another_network_count_against_the_capacity(tenant, world):
    other = NetworkFactory(center=tenant.center)
    NetworkMemberFactory(network=other, volunteer=world.pate)
    SponsorshipFactory(network=other, pate=world.pate, status=Status.ACTIVE)
    assert proposed(tenant, world.network) == {}

    world.pate.sponsorship_capacity = 2
    world.pate.save()
    assert proposed(tenant, world.network) == {"H-4711": "Haddad"}


def test_a_pate_with_capacity_gets_several_proposals(tenant, world):
    world.pate.sponsorship_capacity = 3
    world.pate.save()
    make_household(world.network, "H-4712")

    assert proposed(tenant, world.network) == {"H-4711": "Haddad", "H-4712": "Haddad"}


def test_the_longest_waiting_household_gets_the_only_pate(tenant, world):
    make_household(
        world.network, "H-0001", waiting_since=timezone.localdate() - dt.timedelta(days=70)
    )

    assert proposed(tenant, world.network) == {"H-0001": "Haddad"}


def test_the_instance_names_paten_and_households_by_engine_ids(tenant, world):
    built = proposal_instance_build(user=tenant.users["coordinator"], network=world.network)

    (pate,) = built.instance["paten"]
    assert pate["id"] == pate_engine_id(world.pate.pk)
    assert pate["languages"] == {"ar": "native"}
    assert pate["interests"] == ["sponsorship"]
    assert built.instance["households"][0]["needs"] == ["school"]


def test_every_need_maps_to_known_interests():
    assert set(NEED_INTERESTS) == set(Need.values)
    for interests in NEED_INTERESTS.values():
        assert interests <= set(Interest.values)


# --------------------------------------------------------------------------- forms


def test_the_household_form_stores_children(tenant, world):
    response = client_for(tenant.users["coordinator"]).post(
        reverse("household-create"),
        {
            "network": world.network.pk,
            "reference": "H-5000",
            "size": "4",
            "languages": ["ar"],
            "children": "on",
            "waiting_since": "2025-01-01",
        },
    )

    assert response.status_code == 302
    assert Household.objects.get(reference="H-5000").children is True


def test_the_api_reads_and_writes_children(tenant, world):
    client = APIClient()
    client.force_authenticate(tenant.users["coordinator"])

    response = client.patch(
        f"/api/v1/households/{world.household.pk}/", {"children": True}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["children"] is True
    assert Household.objects.get(pk=world.household.pk).children is True


def test_the_coordinator_sets_the_sponsorship_capacity(tenant, world):
    client = client_for(tenant.users["coordinator"])
    url = reverse("volunteer-edit", args=[world.pate.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        place=world.pate.home_place_id or "",
        interests=["sponsorship"],
        sponsorship_capacity="3",
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    assert Volunteer.objects.get(pk=world.pate.pk).sponsorship_capacity == 3
