"""factory_boy factories of the volunteer registry."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from tests.factories import CenterFactory
from volunteers.models import (
    Absence,
    Consent,
    LanguageSkill,
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
    WeeklySlot,
)


class VolunteerFactory(DjangoModelFactory):
    class Meta:
        model = Volunteer

    center = factory.SubFactory(CenterFactory)
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.Sequence(lambda n: f"ehrenamt{n}@example.org")
    phone = factory.Sequence(lambda n: f"+49151{2000000 + n:08d}")
    status = Volunteer.Status.ACTIVE
    interests = factory.LazyFunction(lambda: ["interpreting"])


class LanguageSkillFactory(DjangoModelFactory):
    class Meta:
        model = LanguageSkill

    volunteer = factory.SubFactory(VolunteerFactory)
    language_id = "ar"
    level = "native"


class WeeklySlotFactory(DjangoModelFactory):
    class Meta:
        model = WeeklySlot

    volunteer = factory.SubFactory(VolunteerFactory)
    weekday = 0
    start_time = dt.time(9, 0)
    end_time = dt.time(12, 0)


class AbsenceFactory(DjangoModelFactory):
    class Meta:
        model = Absence

    volunteer = factory.SubFactory(VolunteerFactory)
    start_date = dt.date(2026, 12, 1)
    end_date = dt.date(2026, 12, 3)


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = Consent.Kind.PRIVACY
    version = "2026-11"
    given_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC))


class PoliceCertificateFactory(DjangoModelFactory):
    class Meta:
        model = PoliceCertificate

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = PoliceCertificate.Kind.STANDARD
    issued_on = dt.date(2025, 3, 1)
    seen_on = factory.LazyAttribute(lambda c: c.issued_on + dt.timedelta(days=14))
    listed_offence = False


class PledgeSignatureFactory(DjangoModelFactory):
    class Meta:
        model = PledgeSignature

    volunteer = factory.SubFactory(VolunteerFactory)
    version = "2026-01"
    signed_on = dt.date(2025, 3, 1)


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = Training.Kind.BASIC_COURSE
    title = "Basisqualifizierung Sprachmittlung"
    lessons = 24
    attended_on = dt.date(2025, 4, 1)
