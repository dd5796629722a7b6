"""Dashboard lists and scoping of the networks' selectors, with hand-built data and fixed dates."""

from __future__ import annotations

import datetime as dt

import pytest

from networks import selectors
from networks.models import Sponsorship
from tests.networks.factories import (
    CheckInFactory,
    HouseholdFactory,
    NetworkFactory,
    NetworkMemberFactory,
    SponsorshipFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 6, 30)
START = D(2025, 1, 1)
Status = Sponsorship.Status


def running(network, *, status=Status.ACTIVE, started_on=START):
    return SponsorshipFactory(
        network=network,
        status=status,
        intro_talk_on=started_on,
        first_meeting_on=started_on,
        started_on=started_on,
    )


@pytest.fixture
def network(tenant):
    return NetworkFactory(center=tenant.center)


@pytest.fixture
def coordinator(tenant):
    return tenant.users["coordinator"]


def test_waiting_households_longest_first_with_days(network, coordinator):
    later = HouseholdFactory(network=network, waiting_since=D(2025, 6, 1))
    earlier = HouseholdFactory(network=network, waiting_since=D(2025, 5, 1))
    dashboard = selectors.network_dashboard(user=coordinator, network=network, today=TODAY)
    assert dashboard.waiting == [earlier, later]
    assert [h.days_waiting for h in dashboard.waiting] == [60, 29]


@pytest.mark.parametrize(
    ("status", "waiting"),
    [
        (Status.REQUESTED, False),
        (Status.MATCHED, False),
        (Status.TRIAL, False),
        (Status.ACTIVE, False),
        (Status.ENDED, True),
    ],
)
def test_household_waits_only_without_an_open_sponsorship(network, coordinator, status, waiting):
    sponsorship = SponsorshipFactory(network=network, status=status)
    dashboard = selectors.network_dashboard(user=coordinator, network=network, today=TODAY)
    assert (sponsorship.household in dashboard.waiting) is waiting


def test_household_that_is_done_does_not_wait(network, coordinator):
    HouseholdFactory(network=network, is_active=False)
    assert selectors.network_dashboard(user=coordinator, network=network, today=TODAY).waiting == []


@pytest.mark.parametrize(
    ("last_check_in", "quiet"),
    [
        (TODAY - dt.timedelta(days=57), True),
        (TODAY - dt.timedelta(days=56), False),
        (TODAY - dt.timedelta(days=3), False),
    ],
)
def test_quiet_means_more_than_eight_weeks_since_the_last_check_in(
    network, coordinator, last_check_in, quiet
):
    sponsorship = running(network)
    CheckInFactory(sponsorship=sponsorship, date=D(2025, 1, 15))
    CheckInFactory(sponsorship=sponsorship, date=last_check_in)
    dashboard = selectors.network_dashboard(user=coordinator, network=network, today=TODAY)
    assert (sponsorship in dashboard.quiet) is quiet
    if quiet:
        assert dashboard.quiet[0].days_quiet == 57


def test_quiet_counts_from_the_start_without_check_ins(network, coordinator):
    old = running(network, status=Status.TRIAL, started_on=TODAY - dt.timedelta(days=60))
    fresh = running(network, status=Status.TRIAL, started_on=TODAY - dt.timedelta(days=20))
    quiet = selectors.network_dashboard(user=coordinator, network=network, today=TODAY).quiet
    assert quiet == [old]
    assert fresh not in quiet


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.MATCHED, Status.ENDED])
def test_only_running_sponsorships_can_be_quiet(network, coordinator, status):
    SponsorshipFactory(network=network, status=status, started_on=D(2024, 1, 1))
    assert selectors.network_dashboard(user=coordinator, network=network, today=TODAY).quiet == []


def test_quiet_filter_on_the_sponsorship_list(network, coordinator):
    quiet = running(network)
    lively = running(network)
    CheckInFactory(sponsorship=lively, date=TODAY - dt.timedelta(days=10))
    found = selectors.sponsorship_list(user=coordinator, quiet=True, today=TODAY)
    assert list(found) == [quiet]


def test_active_list_holds_only_active_sponsorships(network, coordinator):
    active = running(network)
    running(network, status=Status.TRIAL)
    SponsorshipFactory(network=network, status=Status.ENDED)
    assert selectors.network_dashboard(user=coordinator, network=network).active == [active]


def test_paten_without_a_sponsorship(network, coordinator):
    busy = running(network)
    idle = NetworkMemberFactory(network=network)
    done = SponsorshipFactory(network=network, status=Status.ENDED)
    NetworkMemberFactory(network=network, active=False)
    idle_paten = selectors.network_dashboard(user=coordinator, network=network).idle_paten
    volunteers = {m.volunteer for m in idle_paten}
    assert volunteers == {idle.volunteer, done.pate}
    assert busy.pate not in volunteers


def test_figures_per_network(network, coordinator):
    HouseholdFactory(network=network)
    running(network)
    rows = selectors.network_figures(user=coordinator, today=TODAY)
    assert rows == [{"network": network, "waiting": 1, "active": 1, "quiet": 1, "idle_paten": 0}]


def test_search_and_status_filters(network, coordinator):
    match = SponsorshipFactory(network=network, household__reference="FB-777")
    SponsorshipFactory(network=network, household__reference="FB-123", status=Status.ENDED)
    assert list(selectors.sponsorship_list(user=coordinator, search="777")) == [match]
    assert list(selectors.sponsorship_list(user=coordinator, status="open")) == [match]
    assert list(selectors.household_list(user=coordinator, search="fb-7", waiting=False)) == [
        match.household
    ]


def test_network_lead_sees_only_own_networks(tenant, own, unled, foreign):
    lead = tenant.users["network_lead"]
    assert list(selectors.network_list(user=lead)) == [own.network]
    assert set(selectors.sponsorship_list(user=lead)) == {own.sponsorship}
    assert set(selectors.household_list(user=lead)) == {own.household, own.sponsorship.household}
    members = selectors.network_member_list(user=lead)
    assert {m.network_id for m in members} == {own.network.pk}


def test_lead_of_a_network_without_the_role_sees_nothing(tenant, own):
    # A leftover lead link without the role network lead in that center grants nothing.
    caseworker = tenant.users["caseworker"]
    own.network.lead_links.create(user=caseworker)
    assert not selectors.network_list(user=caseworker).exists()


def test_coordinator_sees_every_network_of_own_center_only(tenant, own, unled, foreign):
    coordinator = tenant.users["coordinator"]
    assert set(selectors.network_list(user=coordinator)) == {own.network, unled.network}


@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_other_roles_see_no_network(tenant, own, role):
    assert not selectors.network_list(user=tenant.users[role]).exists()
    assert not selectors.sponsorship_list(user=tenant.users[role]).exists()
