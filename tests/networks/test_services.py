"""The services of the networks: sponsorship workflow, validation, audit, nothing stored on
bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from core.models import AuditEvent, Membership, Role
from networks import services
from networks.models import CheckIn, Household, Network, NetworkLead, NetworkMember, Sponsorship
from tests.factories import MembershipFactory, UserFactory
from tests.networks.factories import (
    HouseholdFactory,
    NetworkFactory,
    NetworkMemberFactory,
    SponsorshipFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

Status = Sponsorship.Status
D = dt.date


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids)."""
    with translation.override("en"):
        yield


def run_to(sponsorship: Sponsorship, status: str, actor=None) -> Sponsorship:
    """Take a requested sponsorship through the legal path up to ``status``."""
    if status in (Status.MATCHED, Status.TRIAL, Status.ACTIVE):
        sponsorship = services.sponsorship_match(actor=actor, sponsorship=sponsorship)
    if status in (Status.TRIAL, Status.ACTIVE):
        sponsorship = services.sponsorship_start_trial(
            actor=actor,
            sponsorship=sponsorship,
            intro_talk_on=D(2025, 2, 1),
            first_meeting_on=D(2025, 2, 8),
        )
    if status == Status.ACTIVE:
        services.sponsorship_update(actor=actor, sponsorship=sponsorship, trial_meetings=3)
        sponsorship = services.sponsorship_activate(actor=actor, sponsorship=sponsorship)
    return sponsorship


# --- workflow -------------------------------------------------------------------------


def test_legal_path_runs_from_requested_to_ended(tenant):
    actor = tenant.users["coordinator"]
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.ACTIVE, actor)
    assert sponsorship.status == Status.ACTIVE
    assert sponsorship.started_on == D(2025, 2, 8)
    ended = services.sponsorship_end(
        actor=actor, sponsorship=sponsorship, reason="goals_reached", ended_on=D(2025, 9, 1)
    )
    assert (ended.status, ended.end_reason, ended.ended_on) == (
        Status.ENDED,
        "goals_reached",
        D(2025, 9, 1),
    )
    transitions = AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION, object_id=str(sponsorship.pk)
    )
    assert [e.detail["to"] for e in transitions.order_by("id")] == [
        "matched",
        "trial",
        "active",
        "ended",
    ]
    assert all(e.center_id == tenant.center.pk for e in transitions)


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (Status.REQUESTED, "start_trial"),
        (Status.REQUESTED, "activate"),
        (Status.MATCHED, "match"),
        (Status.MATCHED, "activate"),
        (Status.TRIAL, "match"),
        (Status.TRIAL, "start_trial"),
        (Status.ACTIVE, "match"),
        (Status.ACTIVE, "start_trial"),
        (Status.ACTIVE, "activate"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(tenant, start, action):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), start)
    function = getattr(services, f"sponsorship_{action}")
    kwargs = {"intro_talk_on": D(2025, 2, 1)} if action == "start_trial" else {}
    with pytest.raises(ValidationError) as exc:
        function(actor=None, sponsorship=sponsorship, **kwargs)
    assert "status" in exc.value.message_dict
    sponsorship.refresh_from_db()
    assert sponsorship.status == start


def test_ending_an_ended_sponsorship_is_refused(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    services.sponsorship_end(actor=None, sponsorship=sponsorship, reason="moved_away")
    with pytest.raises(ValidationError, match="already ended"):
        services.sponsorship_end(actor=None, sponsorship=sponsorship, reason="other")


def test_activating_before_the_first_meeting_is_recorded_is_refused(tenant):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.MATCHED)
    sponsorship = services.sponsorship_start_trial(
        actor=None, sponsorship=sponsorship, intro_talk_on=D(2025, 2, 1), started_on=D(2025, 2, 3)
    )
    Sponsorship.objects.filter(pk=sponsorship.pk).update(trial_meetings=4)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_activate(actor=None, sponsorship=sponsorship)
    assert "intro talk and the moderated first meeting" in exc.value.message_dict["status"][0]
    sponsorship.refresh_from_db()
    assert sponsorship.status == Status.TRIAL


def test_trial_cannot_start_without_the_intro_talk(tenant):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.MATCHED)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_start_trial(actor=None, sponsorship=sponsorship)
    assert "intro_talk_on" in exc.value.message_dict
    sponsorship.refresh_from_db()
    assert sponsorship.status == Status.MATCHED


def test_messages_are_german_by_default(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        services.sponsorship_activate(actor=None, sponsorship=sponsorship)
    assert "Nur eine Patenschaft in der Probezeit kann aktiv werden" in str(exc.value)


def test_activating_needs_three_trial_meetings(tenant):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.TRIAL)
    services.sponsorship_update(actor=None, sponsorship=sponsorship, trial_meetings=2)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_activate(actor=None, sponsorship=sponsorship)
    assert "2 of at least 3" in exc.value.message_dict["trial_meetings"][0]


def test_more_than_four_trial_meetings_are_refused(tenant):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.TRIAL)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_update(actor=None, sponsorship=sponsorship, trial_meetings=5)
    assert "trial_meetings" in exc.value.message_dict


def test_first_meeting_before_intro_talk_is_refused(tenant):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.MATCHED)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_start_trial(
            actor=None,
            sponsorship=sponsorship,
            intro_talk_on=D(2025, 2, 10),
            first_meeting_on=D(2025, 2, 1),
        )
    assert "first_meeting_on" in exc.value.message_dict


def test_future_dates_are_refused(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_match(
            actor=None, sponsorship=sponsorship, intro_talk_on=D.today() + dt.timedelta(days=3)
        )
    assert "intro_talk_on" in exc.value.message_dict


def test_ending_needs_a_reason_from_the_list(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_end(actor=None, sponsorship=sponsorship, reason="bored")
    assert "end_reason" in exc.value.message_dict
    sponsorship.refresh_from_db()
    assert sponsorship.status == Status.REQUESTED


@pytest.mark.parametrize(
    ("reason", "waits_again"),
    [("pate_withdrew", True), ("no_fit", True), ("goals_reached", False), ("moved_away", False)],
)
def test_ending_puts_the_household_back_on_the_waiting_list_only_for_some_reasons(
    tenant, reason, waits_again
):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    services.sponsorship_end(
        actor=None, sponsorship=sponsorship, reason=reason, ended_on=D(2025, 5, 5)
    )
    household = Household.objects.get(pk=sponsorship.household_id)
    assert household.is_active is waits_again
    assert (household.waiting_since == D(2025, 5, 5)) is waits_again


def test_end_note_with_a_phone_number_is_refused(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_end(
            actor=None, sponsorship=sponsorship, reason="other", note="Ruf an: 0151 23456789"
        )
    assert "end_note" in exc.value.message_dict
    sponsorship.refresh_from_db()
    assert sponsorship.status == Status.REQUESTED


# --- create ---------------------------------------------------------------------------


def test_create_requests_a_sponsorship_for_a_waiting_household(tenant):
    member = NetworkMemberFactory(network__center=tenant.center)
    household = HouseholdFactory(network=member.network)
    sponsorship = services.sponsorship_create(
        actor=tenant.users["coordinator"],
        network=member.network,
        household=household,
        pate=member.volunteer,
    )
    assert sponsorship.status == Status.REQUESTED
    event = AuditEvent.objects.get(action="create", object_type="networks.sponsorship")
    assert event.center_id == tenant.center.pk
    assert household.reference not in str(event.detail)


def test_pate_must_be_an_active_member_of_the_network(tenant):
    network = NetworkFactory(center=tenant.center)
    household = HouseholdFactory(network=network)
    outsider = VolunteerFactory(center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_create(actor=None, network=network, household=household, pate=outsider)
    assert "pate" in exc.value.message_dict
    assert not Sponsorship.objects.exists()


def test_pate_of_another_center_is_refused(tenant, other_tenant):
    network = NetworkFactory(center=tenant.center)
    household = HouseholdFactory(network=network)
    foreign = VolunteerFactory(center=other_tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_create(actor=None, network=network, household=household, pate=foreign)
    assert "another center" in exc.value.message_dict["pate"][0]


def test_household_with_an_open_sponsorship_gets_no_second_one(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    other = NetworkMemberFactory(network=sponsorship.network)
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_create(
            actor=None,
            network=sponsorship.network,
            household=sponsorship.household,
            pate=other.volunteer,
        )
    assert "household" in exc.value.message_dict
    assert Sponsorship.objects.count() == 1


def test_household_of_another_network_is_refused(tenant):
    member = NetworkMemberFactory(network__center=tenant.center)
    elsewhere = HouseholdFactory(network=NetworkFactory(center=tenant.center))
    with pytest.raises(ValidationError) as exc:
        services.sponsorship_create(
            actor=None, network=member.network, household=elsewhere, pate=member.volunteer
        )
    assert "household" in exc.value.message_dict


# --- households -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference", ["Amina Haddad", "amina@example.org", "0151 23456789", "x" * 100_000]
)
def test_household_with_a_personal_reference_stores_nothing(tenant, reference):
    network = NetworkFactory(center=tenant.center)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.household_create(actor=None, network=network, reference=reference)
    assert "reference" in exc.value.message_dict
    assert not Household.objects.exists()
    assert AuditEvent.objects.count() == events


def test_household_with_unknown_language_or_need_stores_nothing(tenant):
    network = NetworkFactory(center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            actor=None, network=network, reference="H-1", languages=["xx"], needs=["magic"]
        )
    assert "languages" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.household_create(actor=None, network=network, reference="H-1", needs=["magic"])
    assert "needs" in exc.value.message_dict
    assert not Household.objects.exists()


@pytest.mark.parametrize("size", [0, 21])
def test_household_size_is_between_one_and_twenty(tenant, size):
    network = NetworkFactory(center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.household_create(actor=None, network=network, reference="H-1", size=size)
    assert "size" in exc.value.message_dict


def test_household_is_created_with_languages_and_audited_without_values(tenant):
    network = NetworkFactory(center=tenant.center)
    household = services.household_create(
        actor=tenant.users["coordinator"],
        network=network,
        reference=" H-77 ",
        size=4,
        languages=["ar", "ti"],
        needs=["school", "housing", "school"],
        waiting_since=D(2025, 1, 15),
    )
    assert household.reference == "H-77"
    assert household.center_id == tenant.center.pk
    assert sorted(household.languages.values_list("pk", flat=True)) == ["ar", "ti"]
    assert household.needs == ["school", "housing"]
    services.household_update(actor=None, household=household, size=5, languages=["ar"])
    event = AuditEvent.objects.filter(action="update", object_type="networks.household").get()
    assert event.detail == {"fields": ["languages", "size"]}


# --- networks, leads, members ---------------------------------------------------------


def test_network_needs_a_town_or_district(tenant):
    with pytest.raises(ValidationError) as exc:
        services.network_create(actor=None, center=tenant.center, name="Patennetzwerk Nirgends")
    assert "town" in exc.value.message_dict
    assert not Network.objects.exists()


def test_network_town_of_another_center_is_refused(tenant, other_tenant):
    with pytest.raises(ValidationError) as exc:
        services.network_create(
            actor=None, center=tenant.center, name="Patennetzwerk X", town=other_tenant.place
        )
    assert "town" in exc.value.message_dict


def test_duplicate_network_name_in_a_center_is_refused(tenant):
    services.network_create(actor=None, center=tenant.center, name="PN", district="Nord")
    with pytest.raises(ValidationError):
        services.network_create(actor=None, center=tenant.center, name="PN", district="Süd")
    assert Network.objects.count() == 1


def test_coordinator_adding_a_lead_grants_the_role(tenant):
    network = NetworkFactory(center=tenant.center)
    caseworker = tenant.users["caseworker"]
    services.network_lead_add(actor=tenant.users["coordinator"], network=network, user=caseworker)
    assert Membership.objects.filter(
        user=caseworker, center=tenant.center, role=Role.NETWORK_LEAD
    ).exists()
    assert NetworkLead.objects.filter(network=network, user=caseworker).exists()


def test_lead_must_be_a_member_of_the_center(tenant, other_tenant):
    network = NetworkFactory(center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.network_lead_add(
            actor=tenant.users["coordinator"],
            network=network,
            user=other_tenant.users["network_lead"],
        )
    assert "user" in exc.value.message_dict
    assert not NetworkLead.objects.exists()


def test_only_a_coordinator_grants_the_lead_role_on_the_way(tenant):
    network = NetworkFactory(center=tenant.center)
    user = UserFactory()
    MembershipFactory(user=user, center=tenant.center, role=Role.VOLUNTEER)
    with pytest.raises(ValidationError):
        services.network_lead_add(actor=tenant.users["network_lead"], network=network, user=user)
    assert not Membership.objects.filter(user=user, role=Role.NETWORK_LEAD).exists()


def test_unapproved_volunteer_cannot_become_a_pate(tenant):
    network = NetworkFactory(center=tenant.center)
    volunteer = VolunteerFactory(center=tenant.center, status="registered")
    with pytest.raises(ValidationError):
        services.network_member_add(actor=None, network=network, volunteer=volunteer)
    assert not network.members.exists()


def test_member_with_an_open_sponsorship_cannot_be_removed(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    member = sponsorship.network.members.get(volunteer=sponsorship.pate)
    with pytest.raises(ValidationError):
        services.network_member_remove(actor=None, member=member)
    member.refresh_from_db()
    assert member.active


def test_removed_member_can_be_added_again(tenant):
    member = NetworkMemberFactory(network__center=tenant.center)
    services.network_member_remove(actor=None, member=member)
    again = services.network_member_add(
        actor=None, network=member.network, volunteer=member.volunteer, joined_on=D(2025, 4, 1)
    )
    assert again.pk == member.pk and again.active and again.joined_on == D(2025, 4, 1)


# --- check-ins ------------------------------------------------------------------------


def test_check_in_is_recorded(tenant):
    sponsorship = run_to(SponsorshipFactory(network__center=tenant.center), Status.ACTIVE)
    check_in = services.check_in_add(
        actor=tenant.users["network_lead"],
        sponsorship=sponsorship,
        date=D(2025, 4, 1),
        note="Treffen am 28.03. lief gut.",
        follow_up_needed=True,
    )
    assert check_in.follow_up_needed and check_in.created_by == tenant.users["network_lead"]


@pytest.mark.parametrize("note", ["Mail an pate@example.org", "Handy 0151 23456789", "x" * 501])
def test_check_in_with_contact_data_or_too_long_stores_nothing(tenant, note):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    with pytest.raises(ValidationError) as exc:
        services.check_in_add(actor=None, sponsorship=sponsorship, date=D(2025, 4, 1), note=note)
    assert "note" in exc.value.message_dict
    assert not CheckIn.objects.exists()


def test_ended_sponsorship_gets_no_check_in(tenant):
    sponsorship = SponsorshipFactory(network__center=tenant.center)
    services.sponsorship_end(actor=None, sponsorship=sponsorship, reason="other")
    with pytest.raises(ValidationError):
        services.check_in_add(actor=None, sponsorship=sponsorship, date=D(2025, 4, 1))


def test_anonymising_a_pate_ends_open_sponsorships_and_memberships(tenant):
    from volunteers.services import volunteer_anonymise

    network = NetworkFactory(center=tenant.center)
    open_one = SponsorshipFactory(network=network, status=Sponsorship.Status.ACTIVE)
    pate = open_one.pate
    ended = SponsorshipFactory(
        network=network, pate=pate, status=Sponsorship.Status.ENDED, end_reason="goals_reached"
    )

    volunteer_anonymise(actor=None, volunteer=pate)

    open_one.refresh_from_db()
    ended.refresh_from_db()
    assert open_one.status == Sponsorship.Status.ENDED
    assert open_one.end_reason == Sponsorship.EndReason.PATE_WITHDREW
    assert open_one.household.waiting_since == timezone.localdate()
    assert ended.end_reason == "goals_reached"  # the history stays as it was
    assert not NetworkMember.objects.filter(volunteer=pate, active=True).exists()
