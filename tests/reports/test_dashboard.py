"""The coordinator's dashboard (``/reports/``): each figure against a crafted data set, its
link, the scope, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from networks.models import Sponsorship
from reports import selectors
from requests.models import Assignment, InterpreterRequest, Offer
from tests.conftest import Tenant
from tests.factories import MembershipFactory, UserFactory
from tests.networks.factories import (
    CheckInFactory,
    HouseholdFactory,
    NetworkFactory,
    SponsorshipFactory,
)
from tests.reports.data import past_request
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, OfferFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
Status = InterpreterRequest.Status

EXPECTED = {
    "open": 2,
    "offered": 2,
    "assigned": 3,
    "at_risk": 2,
    "unfilled": 2,
    "expiring": 1,
    "disputed": 1,
    "registrations": 2,
    # The 6 interpreters made for offers and assignments and the 2 Paten have no pledge,
    # and one paused volunteer: 9; the volunteer with everything in order does not count.
    "paperwork": 9,
    "households_waiting": 2,
    "sponsorships_quiet": 1,
}


def seed(tenant: Tenant) -> None:
    """Data whose figures are :data:`EXPECTED`."""
    now = timezone.now()
    center = tenant.center
    make = {"center": center, "department": tenant.department}
    InterpreterRequestFactory(**make, status=Status.OPEN)  # next week
    InterpreterRequestFactory(  # at risk: in 24 hours
        **make, status=Status.OPEN, start=now + dt.timedelta(hours=24)
    )
    OfferFactory(  # expires within 6 hours
        request=InterpreterRequestFactory(**make, status=Status.OFFERED),
        expires_at=now + dt.timedelta(hours=3),
    )
    OfferFactory(  # at risk (in 30 hours), its offer expires later than 6 hours
        request=InterpreterRequestFactory(
            **make, status=Status.OFFERED, start=now + dt.timedelta(hours=30)
        ),
        expires_at=now + dt.timedelta(hours=20),
    )
    for _ in range(3):
        AssignmentFactory(request=InterpreterRequestFactory(**make, status=Status.ASSIGNED))
    for days in (2, 6):
        past_request(tenant, days=days, status=Status.UNFILLED)
    past_request(tenant, days=10, status=Status.UNFILLED)  # longer ago than 7 days
    disputed = past_request(tenant, days=3, status=Status.ASSIGNED)
    AssignmentFactory(request=disputed, status=Assignment.Status.DISPUTED)
    # Past requests of the figures above (unfilled, the dispute) are not upcoming.
    VolunteerFactory(center=center, status=Volunteer.Status.REGISTERED)
    VolunteerFactory(center=center, status=Volunteer.Status.CONFIRMED)
    VolunteerFactory(center=center, status=Volunteer.Status.PAUSED)
    network = NetworkFactory(center=center)
    HouseholdFactory(network=network)
    HouseholdFactory(network=network)
    started = timezone.localdate() - dt.timedelta(days=100)
    SponsorshipFactory(network=network, status=Sponsorship.Status.ACTIVE, started_on=started)
    talking = SponsorshipFactory(
        network=network, status=Sponsorship.Status.ACTIVE, started_on=started
    )
    CheckInFactory(sponsorship=talking, date=timezone.localdate() - dt.timedelta(days=3))


@pytest.fixture
def seeded(tenant: Tenant, other_tenant: Tenant) -> Tenant:
    seed(tenant)
    seed(other_tenant)  # never counted for the tenant
    return tenant


def test_every_figure_has_its_exact_count(seeded: Tenant) -> None:
    counts = selectors.dashboard_counts(user=seeded.users["coordinator"], center=seeded.center)
    assert counts == EXPECTED


def test_an_empty_center_has_zeros(tenant: Tenant) -> None:
    counts = selectors.dashboard_counts(user=tenant.users["coordinator"], center=tenant.center)
    assert set(counts.values()) == {0}


def test_the_page_links_each_figure_to_its_list(client: Client, seeded: Tenant) -> None:
    client.force_login(seeded.users["coordinator"])
    response = client.get(reverse("reports-dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    figures = {
        f.key: f for f in response.context["requests_figures"] + response.context["people_figures"]
    }
    assert {key: f.value for key, f in figures.items()} == EXPECTED
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert figures["open"].url == "/requests/?status=open"
    assert figures["unfilled"].url == f"/requests/?status=unfilled&date_from={since}"
    assert figures["at_risk"].url == "/matching/#soon"
    assert figures["disputed"].url == reverse("confirmation-queue")
    assert figures["sponsorships_quiet"].url == reverse("sponsorship-list") + "?quiet=1"
    html = response.content.decode()
    assert 'href="/requests/?status=unfilled&amp;date_from=' in html
    assert "style=" not in html


def test_the_unfilled_list_behind_the_figure_shows_as_many(client: Client, seeded: Tenant) -> None:
    client.force_login(seeded.users["coordinator"])
    response = client.get(reverse("reports-dashboard"))
    figure = next(f for f in response.context["requests_figures"] if f.key == "unfilled")
    listed = client.get(figure.url)
    assert listed.context["page"].paginator.count == figure.value == 2


def _coordinator_of_both(tenant: Tenant, other: Tenant) -> Any:
    user = UserFactory(username="coordinator-both")
    for t in (tenant, other):
        MembershipFactory(user=user, center=t.center, role=Role.COORDINATOR)
    return user


def test_a_coordinator_of_two_centers_chooses_one(
    client: Client, seeded: Tenant, other_tenant: Tenant
) -> None:
    other_tenant.center.refresh_from_db()
    InterpreterRequestFactory(
        center=other_tenant.center, department=other_tenant.department, status=Status.OPEN
    )
    client.force_login(_coordinator_of_both(seeded, other_tenant))
    response = client.get(reverse("reports-dashboard"), {"center": other_tenant.center.pk})
    assert response.context["center"] == other_tenant.center
    open_ = next(f for f in response.context["requests_figures"] if f.key == "open")
    assert open_.value == 3
    assert open_.url == f"/requests/?status=open&center={other_tenant.center.pk}"
    assert client.get(open_.url).context["page"].paginator.count == 3
    counts = {
        f.key: f.value
        for f in response.context["requests_figures"] + response.context["people_figures"]
    }
    assert counts == {**EXPECTED, "open": 3}  # the other center's, once
    assert 'name="center"' in response.content.decode()


def test_a_center_not_coordinated_is_not_shown(
    client: Client, seeded: Tenant, other_tenant: Tenant
) -> None:
    client.force_login(seeded.users["coordinator"])
    response = client.get(reverse("reports-dashboard"), {"center": other_tenant.center.pk})
    assert response.context["center"] == seeded.center
    assert 'name="center"' not in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_other_roles_are_refused(client: Client, tenant: Tenant, role: str) -> None:
    client.force_login(tenant.users[role])
    assert client.get(reverse("reports-dashboard")).status_code == 403


def test_anonymous_visitors_go_to_the_login(client: Client) -> None:
    response = client.get(reverse("reports-dashboard"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queries_are_bounded_whatever_the_data(
    client: Client, seeded: Tenant, django_assert_max_num_queries: Any
) -> None:
    client.force_login(seeded.users["coordinator"])
    client.get(reverse("reports-dashboard"))  # warm the session
    with django_assert_max_num_queries(30):
        client.get(reverse("reports-dashboard"))
    seed(seeded)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reports-dashboard"))
    figures = {f.key: f.value for f in response.context["requests_figures"]}
    assert figures["assigned"] == 6


def test_the_offers_counted_as_expiring_are_pending_ones(seeded: Tenant) -> None:
    Offer.objects.filter(request__center=seeded.center, status=Offer.Status.PENDING).update(
        status=Offer.Status.DECLINED
    )
    counts = selectors.dashboard_counts(user=seeded.users["coordinator"], center=seeded.center)
    assert counts["expiring"] == 0


def test_the_home_page_has_a_card_for_coordinators_only(client: Client, tenant: Tenant) -> None:
    url = reverse("reports-dashboard")
    client.force_login(tenant.users["coordinator"])
    assert f'href="{url}"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode().replace(
        'href="/reports/" aria-current', ""
    )
    assert any(card.url == url for card in client.get("/").context["home_cards"])
    client.force_login(tenant.users["caseworker"])
    assert not any(card.url == url for card in client.get("/").context["home_cards"])
