"""``/api/v1/offers/``: an interpreter's own offers, a coordinator's center's; accept and
decline by the offered interpreter only; 409 and nothing changed once an offer is no longer
pending; never the client reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from core.models import Center
from requests.models import Assignment, InterpreterRequest, Offer, RequestExclusion
from sprachpool.models import InterpreterProfile
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, OfferFactory
from tests.sprachpool.factories import interpreter

pytestmark = pytest.mark.django_db

LIST = reverse("api-offers")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def detail(offer: Offer) -> str:
    return reverse("api-offer-detail", args=[offer.pk])


def accept(offer: Offer) -> str:
    return reverse("api-offer-accept", args=[offer.pk])


def decline(offer: Offer) -> str:
    return reverse("api-offer-decline", args=[offer.pk])


@pytest.fixture
def me(tenant: Any) -> InterpreterProfile:
    """The tenant's volunteer user is an interpreter."""
    return interpreter(center=tenant.center, user=tenant.users["volunteer"])


def offer_to(profile: InterpreterProfile, tenant: Any, **fields: Any) -> Offer:
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        status=InterpreterRequest.Status.OFFERED,
        client_ref="K-4711",
    )
    return OfferFactory(request=request, interpreter=profile, **fields)


@pytest.fixture
def mine(me: InterpreterProfile, tenant: Any) -> Offer:
    return offer_to(me, tenant)


@pytest.fixture
def colleagues(tenant: Any) -> Offer:
    return offer_to(interpreter(center=tenant.center), tenant)


@pytest.fixture
def foreign(other_tenant: Any) -> Offer:
    return offer_to(interpreter(center=other_tenant.center), other_tenant)


def snapshot() -> tuple[list[Any], ...]:
    return (
        list(Offer.objects.order_by("pk").values_list()),
        list(Assignment.objects.order_by("pk").values_list()),
        list(InterpreterRequest.objects.order_by("pk").values_list()),
        list(RequestExclusion.objects.order_by("pk").values_list()),
    )


# --------------------------------------------------------------------------- list, detail


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("volunteer", 200, {"mine"}),
        ("coordinator", 200, {"mine", "colleagues"}),
        ("caseworker", 403, None),
        ("network_lead", 403, None),
    ],
)
def test_list_per_role(api_as, mine, colleagues, foreign, role, status, expected) -> None:
    names = {mine.pk: "mine", colleagues.pk: "colleagues", foreign.pk: "foreign"}

    response = api_as(role).get(LIST)

    assert response.status_code == status
    if expected is not None:
        body = response.json()
        assert {names[row["id"]] for row in body["results"]} == expected
        assert body["count"] == len(expected)


def test_coordinator_of_the_other_center_sees_only_its_offers(
    api_as, other_tenant, mine, foreign
) -> None:
    response = api_as("coordinator", of=other_tenant).get(LIST)

    assert [row["id"] for row in response.json()["results"]] == [foreign.pk]


def test_list_anonymous_is_401(db) -> None:
    assert APIClient().get(LIST).status_code == 401


def test_offer_json_is_the_contract_without_client_ref(api_as, mine) -> None:
    response = api_as("volunteer").get(detail(mine))

    assert response.status_code == 200
    body = response.json()
    assert {"id", "request", "status", "expires_at"} <= set(body)
    assert body["id"] == mine.pk
    assert body["status"] == "pending"
    assert dt.datetime.fromisoformat(body["expires_at"]) == mine.expires_at
    request = mine.request
    assert body["request"] == {
        "id": request.pk,
        "language": "ar",
        "start": timezone.localtime(request.start).isoformat(),
        "end": timezone.localtime(request.end).isoformat(),
        "mode": "in_person",
        "place": {"city": request.city},
        "topic": "health",
        "minors_involved": False,
    }
    assert "K-4711" not in response.content.decode()
    assert "street" not in response.content.decode()


def test_phone_offer_has_no_place(api_as, me, tenant) -> None:
    request = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        status=InterpreterRequest.Status.OFFERED,
        mode="phone",
        place=None,
    )
    offer = OfferFactory(request=request, interpreter=me)

    assert api_as("volunteer").get(detail(offer)).json()["request"]["place"] is None


def test_list_filters_by_status(api_as, me, tenant, mine) -> None:
    declined = offer_to(me, tenant, status=Offer.Status.DECLINED)

    response = api_as("volunteer").get(LIST, {"status": "declined"})

    assert [row["id"] for row in response.json()["results"]] == [declined.pk]


@pytest.mark.parametrize("query", [{"status": "maybe"}, {"status": "x" * 1000}])
def test_bad_status_filter_is_a_400(api_as, mine, query) -> None:
    response = api_as("volunteer").get(LIST, query)

    assert response.status_code == 400
    assert "status" in response.json()


@pytest.mark.parametrize(
    ("role", "which", "status"),
    [
        ("volunteer", "mine", 200),
        ("volunteer", "colleagues", 404),
        ("volunteer", "foreign", 404),
        ("coordinator", "mine", 200),
        ("coordinator", "colleagues", 200),
        ("coordinator", "foreign", 404),
        ("caseworker", "mine", 404),
        ("network_lead", "mine", 404),
    ],
)
def test_detail_per_role_and_center(api_as, mine, colleagues, foreign, role, which, status) -> None:
    offer = {"mine": mine, "colleagues": colleagues, "foreign": foreign}[which]

    assert api_as(role).get(detail(offer)).status_code == status


def test_detail_of_unknown_and_huge_ids_is_404(api_as, me) -> None:
    client = api_as("volunteer")

    assert client.get("/api/v1/offers/99999/").status_code == 404
    assert client.get(f"/api/v1/offers/{10**30}/").status_code == 404
    assert client.post(f"/api/v1/offers/{10**30}/accept/").status_code == 404


# --------------------------------------------------------------------------- accept


def test_interpreter_accepts_and_is_assigned(api_as, mine) -> None:
    response = api_as("volunteer").post(accept(mine))

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    mine.refresh_from_db()
    mine.request.refresh_from_db()
    assert mine.status == Offer.Status.ACCEPTED
    assert mine.request.status == InterpreterRequest.Status.ASSIGNED
    assignment = Assignment.objects.get(request=mine.request)
    assert assignment.interpreter_id == mine.interpreter_id
    assert assignment.status == Assignment.Status.UPCOMING


def test_caseworker_then_sees_the_interpreter(api_as, mine) -> None:
    api_as("volunteer").post(accept(mine))

    body = api_as("caseworker").get(reverse("api-request-detail", args=[mine.request_id])).json()

    assert body["interpreter"]["id"] == mine.interpreter_id


def test_where_the_coordinator_confirms_accepting_waits(api_as, tenant, mine) -> None:
    Center.objects.filter(pk=tenant.center.pk).update(confirm_mode="coordinator")

    response = api_as("volunteer").post(accept(mine))

    assert response.status_code == 200
    assert response.json()["awaiting_confirmation"] is True
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        Offer.Status.ACCEPTED,
        Offer.Status.DECLINED,
        Offer.Status.EXPIRED,
        Offer.Status.WITHDRAWN,
    ],
)
def test_accepting_an_offer_no_longer_pending_is_409_and_changes_nothing(
    api_as, me, tenant, status
) -> None:
    offer = offer_to(me, tenant, status=status)
    before = snapshot()

    response = api_as("volunteer").post(accept(offer))

    assert response.status_code == 409
    assert "detail" in response.json()
    assert snapshot() == before


def test_accepting_after_the_expiry_time_is_409(api_as, me, tenant) -> None:
    offer = offer_to(me, tenant, expires_at=timezone.now() - dt.timedelta(minutes=1))
    before = snapshot()

    response = api_as("volunteer").post(accept(offer))

    assert response.status_code == 409
    assert snapshot() == before


def test_accepting_twice_is_409_the_second_time(api_as, mine) -> None:
    client = api_as("volunteer")
    assert client.post(accept(mine)).status_code == 200
    before = snapshot()

    assert client.post(accept(mine)).status_code == 409
    assert snapshot() == before
    assert Assignment.objects.count() == 1


def test_accepting_when_booked_at_that_time_is_409(api_as, me, tenant, mine) -> None:
    AssignmentFactory(
        interpreter=me,
        request=InterpreterRequestFactory(
            center=tenant.center,
            department=tenant.department,
            status=InterpreterRequest.Status.ASSIGNED,
            start=mine.request.start,
            end=mine.request.end,
        ),
    )
    before = snapshot()

    response = api_as("volunteer").post(accept(mine))

    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "which", "status"),
    [
        ("coordinator", "mine", 403),
        ("volunteer", "colleagues", 404),
        ("volunteer", "foreign", 404),
        ("coordinator", "foreign", 404),
        ("caseworker", "mine", 404),
        ("network_lead", "mine", 404),
    ],
)
@pytest.mark.parametrize("action", [accept, decline])
def test_only_the_offered_interpreter_answers(
    api_as, mine, colleagues, foreign, role, which, status, action
) -> None:
    offer = {"mine": mine, "colleagues": colleagues, "foreign": foreign}[which]
    before = snapshot()

    response = api_as(role).post(action(offer), {}, format="json")

    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.parametrize("action", [accept, decline])
def test_anonymous_cannot_answer(mine, action) -> None:
    before = snapshot()

    assert APIClient().post(action(mine)).status_code == 401
    assert snapshot() == before


# --------------------------------------------------------------------------- decline


def test_interpreter_declines_with_a_reason(api_as, mine) -> None:
    response = api_as("volunteer").post(decline(mine), {"reason": "Bin verreist"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "declined"
    mine.refresh_from_db()
    mine.request.refresh_from_db()
    assert mine.status == Offer.Status.DECLINED
    assert mine.decline_reason == "Bin verreist"
    assert mine.request.status == InterpreterRequest.Status.OPEN
    assert RequestExclusion.objects.filter(
        request=mine.request, interpreter=mine.interpreter
    ).exists()


def test_decline_without_a_body(api_as, mine) -> None:
    response = api_as("volunteer").post(decline(mine))

    assert response.status_code == 200
    assert response.json()["status"] == "declined"


@pytest.mark.parametrize(
    "reason", ["x" * 501, "Ruf mich an: 0151 23456789", "a@b.de", ["list"], {"x": 1}, "\x00"]
)
def test_bad_decline_reason_is_a_400_and_changes_nothing(api_as, mine, reason) -> None:
    before = snapshot()

    response = api_as("volunteer").post(decline(mine), {"reason": reason}, format="json")

    assert response.status_code == 400
    assert set(response.json()) & {"reason", "detail"}
    assert snapshot() == before


@pytest.mark.parametrize("status", [Offer.Status.ACCEPTED, Offer.Status.EXPIRED])
def test_declining_an_offer_no_longer_pending_is_409(api_as, me, tenant, status) -> None:
    offer = offer_to(me, tenant, status=status)
    before = snapshot()

    response = api_as("volunteer").post(decline(offer), {"reason": "zu spät"}, format="json")

    assert response.status_code == 409
    assert snapshot() == before


@pytest.mark.parametrize("body", ["[]", "{not json", '{"reason": "\\ud800"}'])
def test_malformed_decline_body_is_a_400(api_as, mine, body) -> None:
    before = snapshot()

    response = api_as("volunteer").generic(
        "POST", decline(mine), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_list_reads_in_a_fixed_number_of_queries(api_as, me, tenant) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("volunteer")
    offer_to(me, tenant)
    client.get(LIST)  # warm up (the caller's memberships are read once)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(4):
        offer_to(me, tenant)
    with CaptureQueriesContext(connection) as five:
        response = client.get(LIST)

    assert response.json()["count"] == 5
    assert len(five) == len(one)


# --------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_accepts_racing_over_the_api_exactly_one_wins(tenant) -> None:
    import threading

    from django.db import connections

    profile = interpreter(center=tenant.center, user=tenant.users["volunteer"])
    offer = offer_to(profile, tenant)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def accept_now() -> None:
        client = APIClient()
        client.force_authenticate(tenant.users["volunteer"])
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(accept(offer)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [200, 409]
    assert Assignment.objects.filter(request=offer.request).count() == 1
