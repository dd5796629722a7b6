"""factory_boy factories, one per model, shared by every test module."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from core.models import Center, Department, Membership, Place, Role, User


class CenterFactory(DjangoModelFactory):
    class Meta:
        model = Center
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"WIR-Vielfaltszentrum Testkreis {n}")
    slug = factory.Sequence(lambda n: f"testkreis-{n}")
    county = factory.Sequence(lambda n: f"Testkreis {n}")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"Fachdienst {n}")
    kind = Department.Kind.HEALTH_OFFICE
    cost_centre = factory.Sequence(lambda n: f"KST-{n}")


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    center = factory.SubFactory(CenterFactory)
    name = factory.Sequence(lambda n: f"Ort {n}")
    kind = Place.Kind.TOWN
    postcode = "61169"
    city = "Friedberg (Hessen)"
    lat = 50.3353
    lon = 8.7550


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    center = factory.SubFactory(CenterFactory)
    role = Role.COORDINATOR
    department = factory.Maybe(
        factory.LazyAttribute(lambda m: m.role == Role.CASEWORKER),
        yes_declaration=factory.SubFactory(
            DepartmentFactory, center=factory.SelfAttribute("..center")
        ),
        no_declaration=None,
    )
