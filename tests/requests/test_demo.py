"""The request flow's demo data: every state per center, the demo logins' views, idempotent."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core import demo as core_demo
from core.models import User
from core.validators import validate_no_contact_data, validate_pseudonym
from requests import demo
from requests.models import AllowanceEntry, Assignment, InterpreterRequest, Offer, RequestExclusion
from sprachpool import demo as sprachpool_demo
from volunteers import demo as volunteers_demo
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

CENTERS = ("wetteraukreis", "hochtaunuskreis")


@pytest.fixture(scope="module")
def seeded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo seeded once for this module, in a transaction rolled back at its end
    (each test runs in a savepoint inside it, so what a test changes is undone too)."""
    with django_db_blocker.unblock(), transaction.atomic():
        core_demo.seed(with_accounts=True)
        volunteers_demo.seed(with_accounts=True)
        sprachpool_demo.seed(with_accounts=True)
        demo.seed(with_accounts=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once: None, db: None) -> None:
    """The seeded demo, for one test."""


def snapshot() -> tuple[list[tuple[object, ...]], ...]:
    return (
        sorted(InterpreterRequest.objects.values_list("pk", "client_ref", "start", "status")),
        sorted(Offer.objects.values_list("pk", "request_id", "interpreter_id", "status")),
        sorted(Assignment.objects.values_list("pk", "request_id", "interpreter_id", "status")),
        sorted(RequestExclusion.objects.values_list("pk", "request_id", "interpreter_id")),
    )


@pytest.mark.parametrize("slug", CENTERS)
def test_every_state_is_present_in_each_center(seeded: None, slug: str) -> None:
    statuses = set(
        InterpreterRequest.objects.filter(center__slug=slug).values_list("status", flat=True)
    )
    assert statuses == set(InterpreterRequest.Status.values)


def test_requests_lie_in_the_coming_and_the_past_weeks_in_office_hours(seeded: None) -> None:
    now = timezone.now()
    for request in InterpreterRequest.objects.all():
        local = timezone.localtime(request.start)
        assert local.weekday() < 5 and 8 <= local.hour < 17, request
        assert abs(request.start - now) < dt.timedelta(days=28), request
        future = request.start > now
        if request.status in ("open", "offered"):
            assert future, request
        if request.status == "assigned" and not future:
            # Ended: waiting for its Einsatznachweis (or the coordinator's decision).
            assert request.assignments.get().confirmations.count() < 2 or (
                request.assignments.get().status == "disputed"
            ), request
        if request.status in ("completed", "unfilled"):
            assert not future, request


def test_the_demo_volunteer_has_a_pending_offer_and_an_upcoming_assignment(seeded: None) -> None:
    now = timezone.now()
    vera = Volunteer.objects.get(user__username="volunteer")
    offers = Offer.objects.filter(interpreter__volunteer=vera, status=Offer.Status.PENDING)
    assert offers.filter(expires_at__gt=now, request__status="offered").exists()
    upcoming = Assignment.objects.filter(
        interpreter__volunteer=vera, status=Assignment.Status.UPCOMING, start__gt=now
    )
    assert upcoming.filter(request__status="assigned").exists()
    assert Assignment.objects.filter(interpreter__volunteer=vera, status="completed").count() >= 2


@pytest.mark.parametrize(
    ("username", "slug"), [("caseworker", CENTERS[0]), ("caseworker2", CENTERS[1])]
)
def test_each_demo_caseworker_has_requests_in_several_states(
    seeded: None, username: str, slug: str
) -> None:
    mine = InterpreterRequest.objects.filter(created_by__username=username, center__slug=slug)
    assert {"open", "offered", "assigned", "completed", "cancelled"} <= set(
        mine.values_list("status", flat=True)
    )


def test_assigned_and_completed_requests_have_their_assignment(seeded: None) -> None:
    for request in InterpreterRequest.objects.filter(status__in=["assigned", "completed"]):
        expected = {"assigned": {"upcoming", "disputed"}, "completed": {"completed"}}
        statuses = list(request.assignments.values_list("status", flat=True))
        assert len(statuses) == 1 and statuses[0] in expected[request.status], request
        assert request.assignments.get().interpreter.volunteer.center_id == request.center_id
    for request in InterpreterRequest.objects.filter(status="offered"):
        assert request.offers.filter(status="pending").count() == 1


def test_no_contact_data_or_names_in_free_text(seeded: None) -> None:
    names = {
        name.casefold()
        for first, last in Volunteer.objects.values_list("first_name", "last_name")
        for name in (first, last, f"{first} {last}")
        if len(name) > 3
    }
    for request in InterpreterRequest.objects.all():
        validate_pseudonym(request.client_ref)
        for text in (request.notes, request.urgency_reason, request.cancel_reason):
            validate_no_contact_data(text)
            words = {w.strip(".,;:()").casefold() for w in text.split()}
            assert not (words & names), (request.client_ref, text)


def test_requests_come_after_the_sprachpool_in_seed_demo() -> None:
    apps = [name.split(".")[0] for name in settings.INSTALLED_APPS]
    assert apps.index("sprachpool") < apps.index("requests")


def test_seed_demo_twice_changes_nothing(seeded: None) -> None:
    call_command("seed_demo", "--with-accounts", stdout=io.StringIO())
    first = snapshot()
    assert len(first[0]) == len(demo.WETTERAU) + len(demo.HOCHTAUNUS)
    call_command("seed_demo", "--with-accounts", stdout=io.StringIO())
    assert snapshot() == first


def test_a_request_changed_since_is_rebuilt_in_its_planned_state(seeded: None) -> None:
    vera = Volunteer.objects.get(user__username="volunteer")
    offer = Offer.objects.get(interpreter__volunteer=vera, status="pending")
    Offer.objects.filter(pk=offer.pk).update(status="declined")
    InterpreterRequest.objects.filter(pk=offer.request_id).update(status="open")
    demo.seed(with_accounts=True)
    assert Offer.objects.filter(interpreter__volunteer=vera, status="pending").count() == 1
    assert not InterpreterRequest.objects.filter(pk=offer.request_id).exists()


def test_demo_requests_of_an_earlier_day_are_replaced(seeded: None) -> None:
    count = InterpreterRequest.objects.count()
    InterpreterRequest.objects.filter(status="open").update(
        start=dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC),
        end=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
    )
    demo.seed(with_accounts=True)
    assert InterpreterRequest.objects.count() == count
    assert not InterpreterRequest.objects.filter(start__year=2026, start__month=1).exists()


@pytest.mark.parametrize("slug", CENTERS)
def test_each_completed_assignment_has_both_confirmations_and_its_allowance(
    seeded: None, slug: str
) -> None:
    completed = Assignment.objects.filter(request__center__slug=slug, status="completed")
    assert completed.exists()
    for assignment in completed:
        sides = set(assignment.confirmations.values_list("side", flat=True))
        assert sides == {"requester", "interpreter"}, assignment
        assert assignment.allowance_entries.filter(kind="assignment").count() == 1, assignment


@pytest.mark.parametrize("slug", CENTERS)
def test_each_center_has_a_disputed_einsatznachweis_for_the_coordinator(
    seeded: None, slug: str
) -> None:
    disputed = Assignment.objects.filter(request__center__slug=slug, status="disputed")
    assert disputed.count() == 1
    assert not disputed.get().allowance_entries.exists()


def test_the_demo_volunteer_has_an_ended_assignment_waiting_for_confirmation(
    seeded: None,
) -> None:
    waiting = Assignment.objects.filter(
        interpreter__volunteer__user__username="volunteer",
        status="upcoming",
        end__lt=timezone.now(),
    )
    assert waiting.count() == 1
    assert not waiting.get().confirmations.exists()


def test_without_the_demo_logins_nothing_is_created(seeded: None) -> None:
    AllowanceEntry.objects.all().delete()
    InterpreterRequest.objects.all().delete()
    User.objects.filter(username__in=["caseworker", "caseworker2"]).delete()
    assert demo.seed(with_accounts=False) == {}
    assert not InterpreterRequest.objects.exists()
