"""Fixtures of the networks tests: a network of the own center led by the tenant's network
lead, a second network of the same center the lead does not lead, and one of the other center."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from networks.models import Household, Network, NetworkMember, Sponsorship
from tests.conftest import Tenant
from tests.networks.factories import (
    HouseholdFactory,
    LanguageSkillFactory,
    NetworkFactory,
    NetworkLeadFactory,
    NetworkMemberFactory,
    SponsorshipFactory,
)


@dataclass
class NetworkSetup:
    """A network with a lead, one Pate, a waiting household and a requested sponsorship."""

    network: Network
    member: NetworkMember
    household: Household
    sponsorship: Sponsorship


def make_setup(tenant: Tenant, *, lead: bool) -> NetworkSetup:
    network = NetworkFactory(center=tenant.center)
    if lead:
        NetworkLeadFactory(network=network, user=tenant.users["network_lead"])
    member = NetworkMemberFactory(network=network)
    LanguageSkillFactory(volunteer=member.volunteer, language_id="uk", level="native")
    household = HouseholdFactory(network=network)
    sponsorship = SponsorshipFactory(network=network)
    return NetworkSetup(network, member, household, sponsorship)


@pytest.fixture
def own(tenant: Tenant) -> NetworkSetup:
    """A network of the caller's center, led by the tenant's network lead."""
    return make_setup(tenant, lead=True)


@pytest.fixture
def unled(tenant: Tenant) -> NetworkSetup:
    """A network of the caller's center that the tenant's network lead does not lead."""
    return make_setup(tenant, lead=False)


@pytest.fixture
def foreign(other_tenant: Tenant) -> NetworkSetup:
    """A network of the other center, led by that center's network lead."""
    return make_setup(other_tenant, lead=True)
