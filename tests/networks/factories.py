"""factory_boy factories of the networks app."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from core.models import Place
from networks.models import CheckIn, Household, Network, NetworkLead, NetworkMember, Sponsorship
from tests.factories import CenterFactory, PlaceFactory, UserFactory
from tests.volunteers import factories as volunteer_factories


class VolunteerFactory(volunteer_factories.VolunteerFactory):
    """A volunteer who would like to be a Pate."""

    interests = factory.LazyFunction(lambda: ["sponsorship"])


class LanguageSkillFactory(volunteer_factories.LanguageSkillFactory):
    volunteer = factory.SubFactory(VolunteerFactory)
    level = "C1"


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"Patennetzwerk {n}")
    town = factory.SubFactory(
        PlaceFactory, center=factory.SelfAttribute("..center"), kind=Place.Kind.TOWN
    )


class NetworkLeadFactory(DjangoModelFactory):
    class Meta:
        model = NetworkLead

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)


class NetworkMemberFactory(DjangoModelFactory):
    class Meta:
        model = NetworkMember

    network = factory.SubFactory(NetworkFactory)
    volunteer = factory.SubFactory(
        VolunteerFactory, center=factory.SelfAttribute("..network.center")
    )
    joined_on = dt.date(2025, 1, 1)


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    network = factory.SubFactory(NetworkFactory)
    center = factory.SelfAttribute("network.center")
    reference = factory.Sequence(lambda n: f"H-{1000 + n}")
    size = 3
    needs = factory.LazyFunction(lambda: ["authorities"])
    waiting_since = dt.date(2025, 1, 1)


class SponsorshipFactory(DjangoModelFactory):
    """A sponsorship whose Pate is a member of the network (made on the way)."""

    class Meta:
        model = Sponsorship

    network = factory.SubFactory(NetworkFactory)
    household = factory.SubFactory(HouseholdFactory, network=factory.SelfAttribute("..network"))
    pate = factory.LazyAttribute(lambda o: NetworkMemberFactory(network=o.network).volunteer)
    status = Sponsorship.Status.REQUESTED


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    sponsorship = factory.SubFactory(SponsorshipFactory)
    date = dt.date(2025, 3, 1)
    note = "Alles gut."
