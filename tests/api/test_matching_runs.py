"""``/api/v1/matching/runs/``: coordinators list their centers' runs, start one now (201 with
the finished run, offers made), read one with instance, result and explanations; everyone
else is refused and nothing runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from matching.models import MatchingRun
from requests.models import InterpreterRequest, Offer
from tests.factories import CenterFactory, MembershipFactory
from tests.requests.factories import InterpreterRequestFactory, next_week_at
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import WeeklySlotFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api-matching-runs")
STATS = {
    "requests",
    "filled",
    "unfilled",
    "offers_created",
    "build_seconds",
    "solve_seconds",
    "write_seconds",
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def detail(run: MatchingRun) -> str:
    return reverse("api-matching-run-detail", args=[run.pk])


def stored_run(center: Any, **fields: Any) -> MatchingRun:
    values: dict[str, Any] = {
        "trigger": MatchingRun.Trigger.SCHEDULED,
        "status": MatchingRun.Status.FINISHED,
        "started_at": timezone.now(),
        "finished_at": timezone.now(),
        "stats": dict.fromkeys(STATS, 0),
    }
    values.update(fields)
    return MatchingRun.objects.create(center=center, **values)


def fillable(tenant: Any) -> InterpreterRequest:
    """An open phone request and an interpreter free at that time."""
    start = next_week_at(10, days=7)
    profile = interpreter(center=tenant.center)
    WeeklySlotFactory(
        volunteer=profile.volunteer,
        weekday=start.weekday(),
        start_time=dt.time(8, 0),
        end_time=dt.time(14, 0),
    )
    return InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        mode="phone",
        place=None,
        start=start,
        end=start + dt.timedelta(hours=1),
    )


def counts() -> tuple[int, int, list[str]]:
    statuses = list(InterpreterRequest.objects.order_by("pk").values_list("status", flat=True))
    return MatchingRun.objects.count(), Offer.objects.count(), statuses


# --------------------------------------------------------------------------- list


@pytest.mark.parametrize(
    ("role", "status"),
    [("coordinator", 200), ("caseworker", 403), ("volunteer", 403), ("network_lead", 403)],
)
def test_list_per_role(api_as, tenant, other_tenant, role, status) -> None:
    own = stored_run(tenant.center)
    stored_run(other_tenant.center)

    response = api_as(role).get(LIST)

    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert [row["id"] for row in body["results"]] == [own.pk]
        assert body["count"] == 1


def test_list_anonymous_is_401(db) -> None:
    assert APIClient().get(LIST).status_code == 401


def test_run_json_is_the_contract(api_as, tenant) -> None:
    run = stored_run(
        tenant.center,
        stats={
            "requests": 3,
            "filled": 2,
            "unfilled": 1,
            "offers_created": 2,
            "build_seconds": 0.01,
            "solve_seconds": 0.002,
            "write_seconds": 0.004,
        },
    )

    (row,) = api_as("coordinator").get(LIST).json()["results"]

    assert {"id", "center", "trigger", "status", "started_at", "finished_at", "stats"} <= set(row)
    assert "instance" not in row
    assert row["id"] == run.pk
    assert row["center"] == tenant.center.pk
    assert row["trigger"] == "scheduled"
    assert row["status"] == "finished"
    assert row["stats"] == {
        "requests": 3,
        "filled": 2,
        "unfilled": 1,
        "offers_created": 2,
        "build_seconds": 0.01,
        "solve_seconds": 0.002,
        "write_seconds": 0.004,
    }
    assert dt.datetime.fromisoformat(row["started_at"]).utcoffset() is not None


def test_running_run_has_no_figures_yet(api_as, tenant) -> None:
    stored_run(tenant.center, status=MatchingRun.Status.RUNNING, finished_at=None, stats={})

    (row,) = api_as("coordinator").get(LIST).json()["results"]

    assert row["status"] == "running"
    assert row["finished_at"] is None
    assert row["stats"] == dict.fromkeys(STATS)


def test_list_filters_by_center(api_as, tenant) -> None:
    second = CenterFactory(slug="zweit")
    MembershipFactory(user=tenant.users["coordinator"], center=second)
    stored_run(tenant.center)
    theirs = stored_run(second)

    response = api_as("coordinator").get(LIST, {"center": second.pk})

    assert [row["id"] for row in response.json()["results"]] == [theirs.pk]


@pytest.mark.parametrize("query", [{"center": "x"}, {"center": str(10**30)}, {"center": "-1"}])
def test_bad_center_filter_is_a_400(api_as, tenant, query) -> None:
    response = api_as("coordinator").get(LIST, query)

    assert response.status_code == 400
    assert "center" in response.json()


# --------------------------------------------------------------------------- run now


def test_coordinator_runs_the_engine_now(api_as, tenant) -> None:
    request = fillable(tenant)

    response = api_as("coordinator").post(LIST, {}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "finished"
    assert body["trigger"] == "manual"
    assert body["center"] == tenant.center.pk
    assert body["finished_at"] is not None
    assert set(body["stats"]) == STATS
    assert body["stats"]["requests"] == 1
    assert body["stats"]["filled"] == 1
    assert body["stats"]["offers_created"] == 1
    offer = Offer.objects.get(request=request)
    assert offer.status == Offer.Status.PENDING
    assert offer.run_id == body["id"]
    run = MatchingRun.objects.get(pk=body["id"])
    assert run.requested_by == tenant.users["coordinator"]
    assert body["instance"]["format"] == "wir-matching/1"
    assert [row["request"] for row in body["explanations"]] == [request.pk]
    assert body["explanations"][0]["outcome"] == "filled"


def test_run_with_nothing_open_is_finished_and_empty(api_as, tenant) -> None:
    response = api_as("coordinator").post(LIST, format="json")

    assert response.status_code == 201
    assert response.json()["stats"]["requests"] == 0
    assert response.json()["explanations"] == []


def test_unfilled_request_is_explained(api_as, tenant) -> None:
    request = InterpreterRequestFactory(
        center=tenant.center, department=tenant.department, mode="phone", place=None
    )

    body = api_as("coordinator").post(LIST, {}, format="json").json()

    assert body["stats"]["unfilled"] == 1
    (row,) = body["explanations"]
    assert row["request"] == request.pk
    assert row["outcome"] == "unfilled"
    assert row["reasons"]


def test_coordinator_names_one_of_their_centers(api_as, tenant) -> None:
    second = CenterFactory(slug="zweit")
    MembershipFactory(user=tenant.users["coordinator"], center=second)
    client = api_as("coordinator")

    unnamed = client.post(LIST, {}, format="json")
    named = client.post(LIST, {"center": second.pk}, format="json")

    assert unnamed.status_code == 400
    assert "center" in unnamed.json()
    assert named.status_code == 201
    assert named.json()["center"] == second.pk
    assert MatchingRun.objects.count() == 1


@pytest.mark.parametrize("center", ["x", 10**30, -1, True, [1], {"id": 1}, "other"])
def test_bad_or_foreign_center_is_a_400_and_nothing_runs(
    api_as, tenant, other_tenant, center
) -> None:
    fillable(tenant)
    before = counts()

    response = api_as("coordinator").post(
        LIST, {"center": other_tenant.center.pk if center == "other" else center}, format="json"
    )

    assert response.status_code == 400
    assert "center" in response.json()
    assert counts() == before


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_other_roles_cannot_run(api_as, tenant, role) -> None:
    fillable(tenant)
    before = counts()

    response = api_as(role).post(LIST, {}, format="json")

    assert response.status_code == 403
    assert counts() == before


def test_coordinator_of_the_other_center_runs_only_theirs(api_as, tenant, other_tenant) -> None:
    request = fillable(tenant)

    response = api_as("coordinator", of=other_tenant).post(LIST, {}, format="json")

    assert response.status_code == 201
    assert response.json()["center"] == other_tenant.center.pk
    assert not Offer.objects.filter(request=request).exists()


def test_anonymous_cannot_run(tenant) -> None:
    fillable(tenant)
    before = counts()

    assert APIClient().post(LIST, {}, format="json").status_code == 401
    assert counts() == before


@pytest.mark.parametrize("body", ["[]", "{not json", '{"center": "\\ud800"}'])
def test_malformed_body_is_a_400(api_as, tenant, body) -> None:
    before = counts()

    response = api_as("coordinator").generic("POST", LIST, body, content_type="application/json")

    assert response.status_code == 400
    assert counts() == before


# --------------------------------------------------------------------------- detail


def test_detail_has_instance_result_and_explanations(api_as, tenant) -> None:
    fillable(tenant)
    run_id = api_as("coordinator").post(LIST, {}, format="json").json()["id"]

    response = api_as("coordinator").get(reverse("api-matching-run-detail", args=[run_id]))

    assert response.status_code == 200
    body = response.json()
    assert {"instance", "result", "explanations", "stats"} <= set(body)
    assert len(body["instance"]["requests"]) == 1
    assert len(body["result"]["assignments"]) == 1
    (row,) = body["explanations"]
    assert {"request", "outcome", "interpreter", "reasons", "hints", "runner_up"} <= set(row)


@pytest.mark.parametrize(
    ("role", "of_other", "status"),
    [
        ("coordinator", False, 200),
        ("caseworker", False, 404),
        ("volunteer", False, 404),
        ("network_lead", False, 404),
        ("coordinator", True, 404),
        ("caseworker", True, 404),
    ],
)
def test_detail_per_role_and_center(api_as, tenant, other_tenant, role, of_other, status) -> None:
    run = stored_run(tenant.center)

    response = api_as(role, of=other_tenant if of_other else tenant).get(detail(run))

    assert response.status_code == status


def test_detail_anonymous_is_401(tenant) -> None:
    assert APIClient().get(detail(stored_run(tenant.center))).status_code == 401


def test_detail_of_unknown_and_huge_ids_is_404(api_as, tenant) -> None:
    client = api_as("coordinator")

    assert client.get("/api/v1/matching/runs/99999/").status_code == 404
    assert client.get(f"/api/v1/matching/runs/{10**30}/").status_code == 404
