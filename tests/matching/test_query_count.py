"""A matching run reads and writes in a fixed number of queries, whatever its size.

The same test runs on SQLite and, under ``scripts/with_postgres.py``, on PostgreSQL; the
end-to-end benchmark (``bench/run_e2e.py``) checks the same for 50 and 500 requests.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Center
from matching.models import MatchingRun
from matching.services import run_for_center
from requests.models import Assignment, InterpreterRequest, Offer
from tests.conftest import Tenant
from tests.requests.factories import (
    AssignmentFactory,
    InterpreterRequestFactory,
    RequestExclusionFactory,
)
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import WeeklySlotFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
LANGUAGES = ("ar", "uk", "tr")


def populate(center: Center, place: object, *, requests: int, interpreters: int) -> None:
    """``requests`` open requests next week and a pool of ``interpreters`` for them, with
    one past completed assignment (continuity), one booked interpreter and one exclusion,
    so that every branch of the build is taken whatever the size."""
    pool = []
    for k in range(interpreters):
        code = LANGUAGES[k % len(LANGUAGES)]
        profile = interpreter(
            center=center,
            languages=(("de", "C1"), (code, "native")),
            home_lat=50.3356,
            home_lon=8.7555,
            profile={"modes": ["in_person", "phone", "video"], "max_travel_km": 50},
        )
        for weekday in range(7):
            WeeklySlotFactory(
                volunteer=profile.volunteer,
                weekday=weekday,
                start_time=dt.time(8),
                end_time=dt.time(17),
            )
        pool.append(profile)
    day = timezone.localdate() + dt.timedelta(days=7)
    made = []
    for k in range(requests):
        start = dt.datetime.combine(
            day + dt.timedelta(days=k % 5), dt.time(8 + k // 5 % 8), tzinfo=BERLIN
        )
        made.append(
            InterpreterRequestFactory(
                center=center,
                department__center=center,
                place=place,
                language_id=LANGUAGES[k % len(LANGUAGES)],
                start=start,
                end=start + dt.timedelta(minutes=45),
                client_ref=f"K-{2000 + k}",
            )
        )
    past = timezone.now() - dt.timedelta(days=3)
    AssignmentFactory(
        request__center=center,
        request__department__center=center,
        request__place=place,
        request__client_ref=made[0].client_ref,
        request__start=past,
        request__end=past + dt.timedelta(hours=1),
        request__status=InterpreterRequest.Status.COMPLETED,
        interpreter=pool[0],
        status=Assignment.Status.COMPLETED,
    )
    AssignmentFactory(
        request__center=center,
        request__department__center=center,
        request__place=place,
        request__start=made[-1].start,
        request__end=made[-1].end,
        interpreter=pool[1],
    )
    RequestExclusionFactory(request=made[1], interpreter=pool[1])


def queries_of_a_run(tenant: Tenant, *, requests: int, interpreters: int) -> int:
    populate(tenant.center, tenant.place, requests=requests, interpreters=interpreters)
    with CaptureQueriesContext(connection) as captured:
        run = run_for_center(center=tenant.center)
    assert run.status == MatchingRun.Status.FINISHED, run.error
    assert run.stats["requests"] == requests
    assert run.stats["offers_created"] > 0
    assert Offer.objects.filter(run_id=run.pk).count() == run.stats["offers_created"]
    return len(captured)


@pytest.fixture
def small_run(tenant: Tenant) -> int:
    return queries_of_a_run(tenant, requests=5, interpreters=4)


@pytest.fixture
def large_run(other_tenant: Tenant) -> int:
    return queries_of_a_run(other_tenant, requests=25, interpreters=15)


def test_a_run_takes_as_many_queries_for_25_requests_as_for_5(
    small_run: int, large_run: int
) -> None:
    assert large_run == small_run
