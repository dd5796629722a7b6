"""factory_boy factories of the request flow: one per model of ``requests``.

The related objects stay in one center: an offer's interpreter and an assignment's
interpreter are volunteers of the request's center, the request's department and place
belong to its center. Times are in the future (a week ahead, 09:00–10:00 Europe/Berlin)
unless given.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.choices import Level, Mode, Topic
from core.models import Place
from requests.models import Assignment, InterpreterRequest, Offer, Priority, RequestExclusion
from tests.factories import CenterFactory, DepartmentFactory, PlaceFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import VolunteerFactory

BERLIN = ZoneInfo("Europe/Berlin")


def next_week_at(hour: int = 9, minute: int = 0, *, days: int = 7) -> dt.datetime:
    """A Berlin wall-clock time ``days`` from today (aware)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


class InterpreterRequestFactory(DjangoModelFactory):
    class Meta:
        model = InterpreterRequest

    center = factory.SubFactory(CenterFactory)
    department = factory.SubFactory(DepartmentFactory, center=factory.SelfAttribute("..center"))
    language_id = "ar"
    min_level = Level.B1
    start = factory.LazyFunction(next_week_at)
    end = factory.LazyAttribute(lambda r: r.start + dt.timedelta(hours=1))
    mode = Mode.IN_PERSON
    place = factory.SubFactory(
        PlaceFactory,
        center=factory.SelfAttribute("..center"),
        kind=Place.Kind.OFFICE,
        street="Europaplatz 1",
    )
    place_name = factory.LazyAttribute(lambda r: r.place.name if r.place else "")
    street = factory.LazyAttribute(lambda r: r.place.street if r.place else "")
    postcode = factory.LazyAttribute(lambda r: r.place.postcode if r.place else "")
    city = factory.LazyAttribute(lambda r: r.place.city if r.place else "")
    lat = factory.LazyAttribute(lambda r: r.place.lat if r.place else None)
    lon = factory.LazyAttribute(lambda r: r.place.lon if r.place else None)
    topic = Topic.HEALTH
    minors_involved = False
    gender_preference = ""
    client_ref = factory.Sequence(lambda n: f"K-{1000 + n}")
    priority = Priority.NORMAL
    notes = ""
    status = InterpreterRequest.Status.OPEN


def _interpreter_of_request_center() -> factory.SubFactory:
    """An active interpreter whose volunteer belongs to the request's center."""
    return factory.SubFactory(
        InterpreterProfileFactory,
        is_active=True,
        volunteer=factory.SubFactory(
            VolunteerFactory, center=factory.SelfAttribute("...request.center")
        ),
    )


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    request = factory.SubFactory(
        InterpreterRequestFactory, status=InterpreterRequest.Status.OFFERED
    )
    interpreter = _interpreter_of_request_center()
    status = Offer.Status.PENDING
    source = Offer.Source.ENGINE
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=24))


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    request = factory.SubFactory(
        InterpreterRequestFactory, status=InterpreterRequest.Status.ASSIGNED
    )
    interpreter = _interpreter_of_request_center()
    offer = factory.SubFactory(
        OfferFactory,
        request=factory.SelfAttribute("..request"),
        interpreter=factory.SelfAttribute("..interpreter"),
        status=Offer.Status.ACCEPTED,
        responded_at=factory.LazyFunction(timezone.now),
    )
    start = factory.SelfAttribute("request.start")
    end = factory.SelfAttribute("request.end")
    blocked_start = factory.LazyAttribute(
        lambda a: a.start - dt.timedelta(minutes=a.request.center.gap_minutes / 2)
    )
    blocked_end = factory.LazyAttribute(
        lambda a: a.end + dt.timedelta(minutes=a.request.center.gap_minutes / 2)
    )
    status = Assignment.Status.UPCOMING


class RequestExclusionFactory(DjangoModelFactory):
    class Meta:
        model = RequestExclusion

    request = factory.SubFactory(InterpreterRequestFactory)
    interpreter = _interpreter_of_request_center()
    reason = RequestExclusion.Reason.DECLINED
