"""``/api/v1/networks/``, ``/api/v1/sponsorships/`` (+ check-ins) and ``/api/v1/households/``:
status and payload per role, scoping, workflow through PATCH, bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import CheckIn, Household, Network, Sponsorship
from tests.networks.factories import CheckInFactory

pytestmark = pytest.mark.django_db

Status = Sponsorship.Status
LISTS = ["api-networks", "api-sponsorships", "api-households"]


def detail_urls(setup) -> list[str]:
    return [
        reverse("api-network-detail", args=[setup.network.pk]),
        reverse("api-sponsorship-detail", args=[setup.sponsorship.pk]),
        reverse("api-sponsorship-check-ins", args=[setup.sponsorship.pk]),
        reverse("api-household-detail", args=[setup.household.pk]),
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("coordinator", 200), ("network_lead", 200), ("caseworker", 403), ("volunteer", 403)],
)
@pytest.mark.parametrize("name", LISTS)
def test_lists_by_role(api_as, own, role, expected, name):
    response = api_as(role).get(reverse(name))
    assert response.status_code == expected
    if expected == 200:
        assert {"count", "next", "previous", "results"} <= set(response.json())
        assert response.json()["count"] >= 1


def test_network_lead_lists_only_own_networks_and_sponsorships(api_as, own, unled, foreign):
    client = api_as("network_lead")
    networks = client.get(reverse("api-networks")).json()["results"]
    assert [n["id"] for n in networks] == [own.network.pk]
    sponsorships = client.get(reverse("api-sponsorships")).json()["results"]
    assert [s["id"] for s in sponsorships] == [own.sponsorship.pk]


def test_coordinator_lists_every_network_of_own_center(api_as, own, unled, foreign):
    ids = {n["id"] for n in api_as("coordinator").get(reverse("api-networks")).json()["results"]}
    assert ids == {own.network.pk, unled.network.pk}


def test_other_centers_coordinator_gets_404_for_every_object(api_as, other_tenant, own):
    client = api_as("coordinator", of=other_tenant)
    for url in detail_urls(own):
        assert client.get(url).status_code == 404, url
    for url in detail_urls(own)[:2] + detail_urls(own)[3:]:
        response = client.patch(url, {"description": "x", "size": 2}, format="json")
        assert response.status_code == 404, url
    check_ins = reverse("api-sponsorship-check-ins", args=[own.sponsorship.pk])
    assert client.post(check_ins, {"date": "2025-04-01"}, format="json").status_code == 404
    assert Network.objects.get(pk=own.network.pk).description == ""
    assert not CheckIn.objects.exists()


def test_network_lead_gets_404_for_networks_they_do_not_lead(api_as, unled):
    client = api_as("network_lead")
    for url in detail_urls(unled):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_other_roles_get_404_for_objects(api_as, own, role):
    for url in detail_urls(own):
        assert api_as(role).get(url).status_code == 404


def test_sponsorship_payload_shows_household_only_pseudonymously(api_as, own):
    CheckInFactory(sponsorship=own.sponsorship, note="Gut.")
    data = (
        api_as("coordinator")
        .get(reverse("api-sponsorship-detail", args=[own.sponsorship.pk]))
        .json()
    )
    assert set(data["household"]) == {
        "id",
        "network",
        "reference",
        "size",
        "languages",
        "town",
        "needs",
        "children",
        "waiting_since",
        "is_active",
    }
    assert data["status"] == "requested"
    assert data["pate"]["display_name"] == own.sponsorship.pate.display_name
    assert "email" not in data["pate"] and "phone" not in data["pate"]
    assert [c["note"] for c in data["check_ins"]] == ["Gut."]


def test_coordinator_creates_a_network(api_as, tenant):
    response = api_as("coordinator").post(
        reverse("api-networks"),
        {"name": "Patennetzwerk Nidda", "town": tenant.place.pk, "description": "Neu."},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["town"] == {"id": tenant.place.pk, "name": tenant.place.name}
    assert Network.objects.filter(name="Patennetzwerk Nidda", center=tenant.center).exists()


@pytest.mark.parametrize("role", ["network_lead", "caseworker", "volunteer"])
def test_only_coordinators_create_networks(api_as, role):
    response = api_as(role).post(
        reverse("api-networks"), {"name": "X", "district": "Y"}, format="json"
    )
    assert response.status_code == 403
    assert not Network.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "N" * 100_000, "district": "Nord"}, "name"),
        ({"name": "PN"}, "town"),
        ({"name": "PN", "town": 999999}, "town"),
        ({"name": "PN", "town": "abc"}, "town"),
    ],
)
def test_bad_network_input_is_a_field_error(api_as, payload, field):
    response = api_as("coordinator").post(reverse("api-networks"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Network.objects.exists()


def test_foreign_town_is_unknown(api_as, other_tenant):
    response = api_as("coordinator").post(
        reverse("api-networks"), {"name": "PN", "town": other_tenant.place.pk}, format="json"
    )
    assert response.status_code == 400 and "town" in response.json()


def test_garbage_json_is_a_400(api_as):
    response = api_as("coordinator").generic(
        "POST", reverse("api-networks"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_lead_may_patch_own_description_but_nothing_else(api_as, own):
    client = api_as("network_lead")
    url = reverse("api-network-detail", args=[own.network.pk])
    ok = client.patch(url, {"description": "Dienstags 18 Uhr."}, format="json")
    assert ok.status_code == 200 and ok.json()["description"] == "Dienstags 18 Uhr."
    refused = client.patch(url, {"name": "Umbenannt"}, format="json")
    assert refused.status_code == 403
    assert Network.objects.get(pk=own.network.pk).name == own.network.name


def test_lead_creates_a_sponsorship_in_own_network(api_as, own):
    response = api_as("network_lead").post(
        reverse("api-sponsorships"),
        {
            "network": own.network.pk,
            "household": own.household.pk,
            "pate": own.member.volunteer.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "requested"
    assert response.json()["household"]["reference"] == own.household.reference


def test_lead_cannot_create_in_a_network_they_do_not_lead(api_as, unled):
    response = api_as("network_lead").post(
        reverse("api-sponsorships"),
        {
            "network": unled.network.pk,
            "household": unled.household.pk,
            "pate": unled.member.volunteer.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "network" in response.json()
    assert not Sponsorship.objects.filter(household=unled.household).exists()


def test_household_of_another_network_is_unknown(api_as, own, unled):
    response = api_as("coordinator").post(
        reverse("api-sponsorships"),
        {
            "network": own.network.pk,
            "household": unled.household.pk,
            "pate": own.member.volunteer.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "household" in response.json()


def test_workflow_through_patch(api_as, own):
    client = api_as("network_lead")
    url = reverse("api-sponsorship-detail", args=[own.sponsorship.pk])
    steps = [
        ({"status": "matched", "intro_talk_on": "2025-02-01"}, "matched"),
        ({"status": "trial", "first_meeting_on": "2025-02-08"}, "trial"),
        ({"status": "active", "trial_meetings": 3}, "active"),
        ({"status": "ended", "end_reason": "goals_reached", "ended_on": "2025-09-01"}, "ended"),
    ]
    for payload, status in steps:
        response = client.patch(url, payload, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status
    data = response.json()
    assert (data["started_on"], data["ended_on"], data["end_reason"]) == (
        "2025-02-08",
        "2025-09-01",
        "goals_reached",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "active"}, "status"),
        ({"status": "trial"}, "status"),
        ({"status": "flying"}, "status"),
        ({"status": "ended"}, "end_reason"),
        ({"end_reason": "other"}, "end_reason"),
        ({"trial_meetings": 9}, "trial_meetings"),
        ({"status": "ended", "end_reason": "other", "end_note": "mail: a@b.de"}, "end_note"),
    ],
)
def test_illegal_patch_is_400_and_changes_nothing(api_as, own, payload, field):
    url = reverse("api-sponsorship-detail", args=[own.sponsorship.pk])
    response = api_as("coordinator").patch(url, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    sponsorship = Sponsorship.objects.get(pk=own.sponsorship.pk)
    assert sponsorship.status == Status.REQUESTED and sponsorship.end_reason == ""


def test_going_back_to_requested_is_refused(api_as, own):
    url = reverse("api-sponsorship-detail", args=[own.sponsorship.pk])
    client = api_as("coordinator")
    client.patch(url, {"status": "matched"}, format="json")
    response = client.patch(url, {"status": "requested"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    assert Sponsorship.objects.get(pk=own.sponsorship.pk).status == Status.MATCHED


def test_activate_without_first_meeting_rolls_back_the_whole_patch(api_as, own):
    url = reverse("api-sponsorship-detail", args=[own.sponsorship.pk])
    client = api_as("coordinator")
    client.patch(url, {"status": "matched", "intro_talk_on": "2025-02-01"}, format="json")
    client.patch(url, {"status": "trial", "started_on": "2025-02-03"}, format="json")
    response = client.patch(url, {"status": "active", "trial_meetings": 4}, format="json")
    assert response.status_code == 400
    sponsorship = Sponsorship.objects.get(pk=own.sponsorship.pk)
    assert (sponsorship.status, sponsorship.trial_meetings) == (Status.TRIAL, 0)


def test_filters_on_the_sponsorship_list(api_as, own, unled):
    client = api_as("coordinator")
    by_network = client.get(reverse("api-sponsorships"), {"network": own.network.pk}).json()
    assert [s["id"] for s in by_network["results"]] == [own.sponsorship.pk]
    by_ref = client.get(
        reverse("api-sponsorships"), {"q": unled.sponsorship.household.reference}
    ).json()
    assert [s["id"] for s in by_ref["results"]] == [unled.sponsorship.pk]
    assert client.get(reverse("api-sponsorships"), {"status": "ended"}).json()["count"] == 0
    assert client.get(reverse("api-sponsorships"), {"quiet": "true"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params", [{"status": "nope"}, {"network": "abc"}, {"network": "999999"}, {"quiet": "maybe"}]
)
def test_bad_filters_are_400(api_as, own, params):
    assert api_as("coordinator").get(reverse("api-sponsorships"), params).status_code == 400


def test_check_in_through_the_api(api_as, own):
    url = reverse("api-sponsorship-check-ins", args=[own.sponsorship.pk])
    client = api_as("network_lead")
    today = timezone.localdate().isoformat()
    response = client.post(url, {"date": today, "follow_up_needed": True}, format="json")
    assert response.status_code == 201
    refused = client.post(url, {"date": today, "note": "0151 23456789"}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    assert CheckIn.objects.count() == 1
    assert client.get(url).json()["count"] == 1


def test_household_create_refuses_personal_data_and_unknown_language(api_as, own):
    client = api_as("coordinator")
    url = reverse("api-households")
    bad = client.post(
        url,
        {"network": own.network.pk, "reference": "Amina Haddad", "languages": ["xx"]},
        format="json",
    )
    assert bad.status_code == 400 and {"reference", "languages"} <= set(bad.json())
    before = Household.objects.count()
    good = client.post(
        url,
        {"network": own.network.pk, "reference": "H-9", "languages": ["ar"], "needs": ["work"]},
        format="json",
    )
    assert good.status_code == 201
    assert good.json()["languages"] == ["ar"] and good.json()["needs"] == ["work"]
    assert Household.objects.count() == before + 1


def test_sponsorship_list_queries_do_not_grow_with_the_page(api_as, own):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.networks.factories import SponsorshipFactory

    client = api_as("coordinator")
    town = own.network.town
    Household.objects.filter(pk=own.sponsorship.household_id).update(town=town)
    CheckInFactory(sponsorship=own.sponsorship)
    client.get("/api/v1/sponsorships/")  # warm the per-user membership cache
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/sponsorships/").json()["count"] == 1
    for _ in range(5):
        sponsorship = SponsorshipFactory(network=own.network, household__town=town)
        CheckInFactory(sponsorship=sponsorship)
    with CaptureQueriesContext(connection) as six:
        assert client.get("/api/v1/sponsorships/").json()["count"] == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_reading_a_sponsorship_is_recorded_as_viewed(api_as, tenant, own):
    from core.models import AuditEvent

    client = api_as("coordinator")

    response = client.get(reverse("api-sponsorship-detail", args=[own.sponsorship.pk]))

    assert response.status_code == 200
    viewed = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_type="networks.sponsorship"
    )
    assert [(e.actor, e.object_id) for e in viewed] == [
        (tenant.users["coordinator"], str(own.sponsorship.pk))
    ]
