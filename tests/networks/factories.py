"""factory_boy factories of the networks app (and a minimal volunteer factory)."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from core.models import Place
from networks.models import CheckIn, Household, Network, NetworkLead, NetworkMember, Sponsorship
from tests.factories import CenterFactory, PlaceFactory, UserFactory
from volunteers.models import LanguageSkill, Volunteer


class VolunteerFactory(DjangoModelFactory):
    class Meta:
        model = Volunteer

    center = factory.SubFactory(CenterFactory)
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.Sequence(lambda n: f"pate{n}@example.org")
    status = Volunteer.Status.ACTIVE
    interests = factory.LazyFunction(lambda: ["sponsorship"])


class LanguageSkillFactory(DjangoModelFactory):
    class Meta:
        model = LanguageSkill

    volunteer = factory.SubFactory(VolunteerFactory)
    language_id = "ar"
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
