"""factory_boy factories of the volunteer registry."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
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


def days_ago(days: int) -> dt.date:
    """A date relative to today, so that rules measured from today (the 5-year certificate,
    "no future date") hold whatever day the suite runs on."""
    return timezone.localdate() - dt.timedelta(days=days)


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
    start_date = factory.LazyFunction(lambda: days_ago(-30))
    end_date = factory.LazyAttribute(lambda a: a.start_date + dt.timedelta(days=2))


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = Consent.Kind.PRIVACY
    version = "2026-11"
    given_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=300))


class PoliceCertificateFactory(DjangoModelFactory):
    class Meta:
        model = PoliceCertificate

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = PoliceCertificate.Kind.STANDARD
    issued_on = factory.LazyFunction(lambda: days_ago(640))
    seen_on = factory.LazyAttribute(lambda c: c.issued_on + dt.timedelta(days=14))
    listed_offence = False


class PledgeSignatureFactory(DjangoModelFactory):
    class Meta:
        model = PledgeSignature

    volunteer = factory.SubFactory(VolunteerFactory)
    version = "2026-01"
    signed_on = factory.LazyFunction(lambda: days_ago(640))


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = Training.Kind.BASIC_COURSE
    title = "Basisqualifizierung Sprachmittlung"
    lessons = 24
    attended_on = factory.LazyFunction(lambda: days_ago(610))
