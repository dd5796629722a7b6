"""``POST /api/v1/requests/`` with any JSON values in its fields (hypothesis): a 400 with
field errors and no row stored, or (for a valid body) a 201 and one row; never a 500. And
start/end written with any offset, across the DST changes of Europe/Berlin: stored as the
same instant, or refused with a field error."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from requests.models import InterpreterRequest
from tests.api.test_requests import LIST, payload

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "department", "language", "min_level", "start", "end", "mode", "place", "topic",
    "minors_involved", "gender_preference", "client_ref", "priority", "notes", "urgency_reason",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "\x00",
            "ar",
            "B2",
            "2026-13-45",
            "2026-03-29T02:30:00+01:00",
            "urgent",
            "phone",
            "max@example.org",
            "0151 23456789",
            "-1",
            "99999999999999999999",
        ]
    )  # fmt: skip
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture
def caseworker(tenant) -> APIClient:
    client = APIClient()
    client.force_authenticate(tenant.users["caseworker"])
    return client


def _post(client: APIClient, body: Any) -> Any:
    return client.post(LIST, json.dumps(body), content_type="application/json")


@PROPERTY
@given(changes=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=4))
def test_any_values_are_a_field_error_or_one_stored_request(tenant, caseworker, changes):
    before = InterpreterRequest.objects.count()
    response = _post(caseworker, payload(tenant, **changes))
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        errors = response.json()
        assert isinstance(errors, dict) and errors
        assert all(isinstance(v, list | dict | str) for v in errors.values())
        assert InterpreterRequest.objects.count() == before
    else:
        assert InterpreterRequest.objects.count() == before + 1


@PROPERTY
@given(body=values)
def test_any_json_document_is_refused_without_storing(tenant, caseworker, body):
    response = _post(caseworker, body)
    assert response.status_code == 400, response.content
    assert InterpreterRequest.objects.count() == 0


#: The nights the clocks change in 2027 (ahead of any lead time): spring, autumn.
DST_DAYS = [dt.date(2027, 3, 28), dt.date(2027, 10, 31)]


@PROPERTY
@given(
    day=st.sampled_from(DST_DAYS),
    minute=st.integers(0, 6 * 60),
    length=st.integers(-30, 9 * 60),
    offset=st.sampled_from([0, 60, 120, -300]),
)
def test_start_and_end_across_dst_are_stored_as_the_instant_given(
    tenant, caseworker, day, minute, length, offset
):
    zone = dt.timezone(dt.timedelta(minutes=offset))
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone) + dt.timedelta(minutes=minute)
    end = start + dt.timedelta(minutes=length)
    body = payload(tenant, start=start.isoformat(), end=end.isoformat(), priority="normal")
    response = _post(caseworker, body)
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        stored = InterpreterRequest.objects.get(pk=response.json()["id"])
        assert (stored.start, stored.end) == (start, end)
        assert dt.timedelta(minutes=15) <= stored.end - stored.start <= dt.timedelta(hours=8)
    else:
        assert set(response.json()) & {"start", "end", "__all__", "non_field_errors"}
