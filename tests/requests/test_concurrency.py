"""No double booking under real concurrency: parallel transactions in threads, each with its
own database connection, on SQLite and on PostgreSQL (``make test`` runs both)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from requests import services
from requests.models import Assignment, InterpreterRequest, Offer
from tests.conftest import Tenant
from tests.factories import UserFactory
from tests.requests.factories import InterpreterRequestFactory
from tests.sprachpool.factories import interpreter

# serialized_rollback: the flush after each test would drop the seeded languages.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions at the same moment in threads; each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def worker(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _setup(tenant: Tenant) -> tuple[Any, InterpreterRequest]:
    profile = interpreter(center=tenant.center, user=UserFactory())
    request = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    return profile, request


def _fresh_offer(pk: int) -> Offer:
    return Offer.objects.select_related("interpreter__volunteer").get(pk=pk)


def test_two_accepts_of_one_offer_exactly_one_wins(tenant: Tenant) -> None:
    profile, request = _setup(tenant)
    offer = services.offer_create(request=request, interpreter=profile)
    user = profile.volunteer.user

    results = race(*[lambda: services.offer_accept(actor=user, offer=_fresh_offer(offer.pk))] * 2)
    conflicts = [r for r in results if isinstance(r, services.OfferConflict)]
    wins = [r for r in results if isinstance(r, Offer)]
    assert (len(wins), len(conflicts)) == (1, 1), results
    assert Assignment.objects.count() == 1


def test_two_accepts_of_overlapping_requests_by_one_interpreter(tenant: Tenant) -> None:
    profile, first = _setup(tenant)
    second = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        start=first.start + dt.timedelta(minutes=30),
        end=first.end + dt.timedelta(minutes=30),
    )
    offers = [services.offer_create(request=r, interpreter=profile) for r in (first, second)]
    user = profile.volunteer.user

    results = race(
        *[
            (lambda pk=o.pk: services.offer_accept(actor=user, offer=_fresh_offer(pk)))
            for o in offers
        ]
    )
    assert sum(isinstance(r, Offer) for r in results) == 1, results
    assert sum(isinstance(r, services.OfferConflict) for r in results) == 1, results
    assert Assignment.objects.holding().filter(interpreter=profile).count() == 1


def test_accept_racing_with_cancel_leaves_no_booking_of_a_cancelled_request(
    tenant: Tenant,
) -> None:
    profile, request = _setup(tenant)
    offer = services.offer_create(request=request, interpreter=profile)
    caseworker = tenant.users["caseworker"]

    results = race(
        lambda: services.offer_accept(actor=profile.volunteer.user, offer=_fresh_offer(offer.pk)),
        lambda: services.request_cancel(
            actor=caseworker,
            request=InterpreterRequest.objects.get(pk=request.pk),
            reason="Moved",
        ),
    )
    assert not any(
        isinstance(r, Exception) and not isinstance(r, services.OfferConflict) for r in results
    ), results
    request.refresh_from_db()
    assert request.status == InterpreterRequest.Status.CANCELLED
    assert not Assignment.objects.holding().filter(request=request).exists()


def test_accept_racing_with_expiry_is_either_accepted_or_expired(tenant: Tenant) -> None:
    profile, request = _setup(tenant)
    offer = services.offer_create(request=request, interpreter=profile)
    at_expiry = offer.expires_at

    results = race(
        lambda: services.offer_accept(
            actor=profile.volunteer.user,
            offer=_fresh_offer(offer.pk),
            now=at_expiry - dt.timedelta(seconds=1),
        ),
        lambda: services.offer_expire(offer=_fresh_offer(offer.pk), now=at_expiry),
    )
    assert not any(
        isinstance(r, Exception) and not isinstance(r, services.OfferConflict) for r in results
    ), results
    offer.refresh_from_db()
    held = Assignment.objects.holding().filter(request=request).count()
    assert (offer.status, held) in {("accepted", 1), ("expired", 0)}


@pytest.mark.postgres
def test_the_database_refuses_an_overlapping_assignment_past_the_service(tenant: Tenant) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    profile, request = _setup(tenant)
    start = timezone.now() + dt.timedelta(days=3)
    Assignment.objects.create(
        request=request,
        interpreter=profile,
        start=start,
        end=start + dt.timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + dt.timedelta(hours=1),
    )
    other = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            request=other,
            interpreter=profile,
            start=start + dt.timedelta(minutes=30),
            end=start + dt.timedelta(minutes=90),
            blocked_start=start + dt.timedelta(minutes=30),
            blocked_end=start + dt.timedelta(minutes=90),
        )
    # A cancelled one does not hold the time, so the same slot can be booked again.
    Assignment.objects.filter(request=request).update(status=Assignment.Status.CANCELLED)
    Assignment.objects.create(
        request=other,
        interpreter=profile,
        start=start,
        end=start + dt.timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + dt.timedelta(hours=1),
    )
    assert Assignment.objects.holding().count() == 1
