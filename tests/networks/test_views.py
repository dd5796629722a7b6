"""Web pages of the networks: scoping (404 for foreign objects, 403 for other roles),
the workflow through the pages, bad input, German and English texts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Membership
from networks.models import CheckIn, Household, Network, Sponsorship

pytestmark = pytest.mark.django_db

Status = Sponsorship.Status


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def object_urls(setup) -> list[tuple[str, str]]:
    """(method, url) for every page of one network's objects."""
    n, s = setup.network.pk, setup.sponsorship.pk
    return [
        ("get", reverse("network-detail", args=[n])),
        ("get", reverse("network-edit", args=[n])),
        ("post", reverse("network-edit", args=[n])),
        ("get", reverse("network-leads", args=[n])),
        ("get", reverse("network-members", args=[n])),
        ("post", reverse("network-member-remove", args=[n, setup.member.pk])),
        ("get", reverse("household-edit", args=[setup.household.pk])),
        ("post", reverse("household-edit", args=[setup.household.pk])),
        ("get", reverse("sponsorship-detail", args=[s])),
        ("post", reverse("sponsorship-action", args=[s, "match"])),
        ("post", reverse("sponsorship-action", args=[s, "end"])),
        ("post", reverse("sponsorship-action", args=[s, "check-in"])),
    ]


def test_coordinator_of_the_other_center_gets_404_for_every_object(other_tenant, own):
    client = client_for(other_tenant.users["coordinator"])
    for method, url in object_urls(own):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    assert Sponsorship.objects.get(pk=own.sponsorship.pk).status == Status.REQUESTED


def test_network_lead_gets_404_for_a_network_they_do_not_lead(tenant, unled):
    client = client_for(tenant.users["network_lead"])
    for method, url in object_urls(unled):
        assert getattr(client, method)(url).status_code == 404, url


def test_network_lead_sees_own_network_only_in_the_list(tenant, own, unled):
    html = client_for(tenant.users["network_lead"]).get(reverse("network-list")).content.decode()
    assert own.network.name in html
    assert unled.network.name not in html


@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
@pytest.mark.parametrize("name", ["network-list", "sponsorship-list", "household-list"])
def test_other_roles_are_forbidden(tenant, role, name):
    assert client_for(tenant.users[role]).get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login():
    response = Client().get(reverse("network-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "name", ["network-list", "sponsorship-list", "household-list", "sponsorship-create"]
)
def test_list_pages_show_for_coordinator_and_lead(tenant, own, name):
    for role in ("coordinator", "network_lead"):
        assert client_for(tenant.users[role]).get(reverse(name)).status_code == 200


def test_network_dashboard_shows_the_four_lists_with_empty_states(tenant, own):
    html = (
        client_for(tenant.users["coordinator"])
        .get(reverse("network-detail", args=[own.network.pk]))
        .content.decode()
    )
    assert own.household.reference in html  # waiting
    assert "Every running sponsorship has had a check-in within the last 8 weeks." in html
    assert "No active sponsorships yet." in html
    assert "Every Pate of this network has a sponsorship." not in html
    assert own.member.volunteer.display_name in html  # Pate without a sponsorship


def test_pages_are_german_by_default_and_english_on_request(tenant, own):
    client = Client()
    client.force_login(tenant.users["coordinator"])
    url = reverse("network-detail", args=[own.network.pk])
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Haushalte, die auf eine Patenschaft warten" in german
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Households waiting for a Pate" in english


def test_coordinator_creates_a_network(tenant):
    client = client_for(tenant.users["coordinator"])
    response = client.post(
        reverse("network-create"),
        {"center": tenant.center.pk, "name": "Patennetzwerk Nidda", "district": "Nidda"},
    )
    network = Network.objects.get(name="Patennetzwerk Nidda")
    assert response.status_code == 302
    assert response["Location"] == reverse("network-detail", args=[network.pk])


def test_network_lead_cannot_create_a_network(tenant):
    client = client_for(tenant.users["network_lead"])
    before = Network.objects.count()
    assert client.get(reverse("network-create")).status_code == 403
    response = client.post(
        reverse("network-create"),
        {"center": tenant.center.pk, "name": "Patennetzwerk Nidda", "district": "Nidda"},
    )
    assert response.status_code == 403
    assert Network.objects.count() == before
    assert not Network.objects.filter(name="Patennetzwerk Nidda").exists()


def test_network_lead_edits_only_the_description(tenant, own):
    client = client_for(tenant.users["network_lead"])
    url = reverse("network-edit", args=[own.network.pk])
    client.post(url, {"description": "Treffen jeden Dienstag.", "name": "Umbenannt"})
    network = Network.objects.get(pk=own.network.pk)
    assert network.description == "Treffen jeden Dienstag."
    assert network.name == own.network.name


def test_network_lead_cannot_add_leads(tenant, own):
    client = client_for(tenant.users["network_lead"])
    leads, memberships = list(own.network.leads.all()), Membership.objects.count()
    response = client.post(
        reverse("network-leads", args=[own.network.pk]), {"user": tenant.users["caseworker"].pk}
    )
    assert response.status_code == 403
    assert list(own.network.leads.all()) == leads
    assert Membership.objects.count() == memberships


def test_household_with_a_name_as_reference_stores_nothing(tenant, own):
    client = client_for(tenant.users["network_lead"])
    before = Household.objects.count()
    response = client.post(
        reverse("household-create"),
        {
            "network": own.network.pk,
            "reference": "Amina Haddad",
            "size": "3",
            "waiting_since": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "looks like a name" in response.content.decode()
    assert Household.objects.count() == before


def test_household_with_a_100kb_reference_gets_a_field_error(tenant, own):
    client = client_for(tenant.users["coordinator"])
    response = client.post(
        reverse("household-create"),
        {"network": own.network.pk, "reference": "H" * 100_000, "size": "3"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_sponsorship_runs_through_the_pages(tenant, own):
    client = client_for(tenant.users["network_lead"])
    response = client.post(
        reverse("sponsorship-create") + f"?network={own.network.pk}",
        {"household": own.household.pk, "pate": own.member.volunteer.pk},
    )
    sponsorship = Sponsorship.objects.get(household=own.household)
    assert response["Location"] == reverse("sponsorship-detail", args=[sponsorship.pk])

    def act(action, data):
        url = reverse("sponsorship-action", args=[sponsorship.pk, action])
        return client.post(url, {f"{action}-{k}": v for k, v in data.items()})

    act("match", {"intro_talk_on": "2025-03-01"})
    act("trial", {"first_meeting_on": "2025-03-08"})
    act(
        "details",
        {"intro_talk_on": "2025-03-01", "first_meeting_on": "2025-03-08", "trial_meetings": "3"},
    )
    client.post(reverse("sponsorship-action", args=[sponsorship.pk, "activate"]))
    act("check-in", {"date": "2025-04-01", "note": "Gut.", "follow_up_needed": "on"})
    sponsorship.refresh_from_db()
    assert sponsorship.status == Status.ACTIVE
    assert sponsorship.started_on == dt.date(2025, 3, 8)
    assert CheckIn.objects.get(sponsorship=sponsorship).follow_up_needed


def test_activating_too_early_shows_why_and_changes_nothing(tenant, own):
    client = client_for(tenant.users["coordinator"])
    sponsorship = own.sponsorship
    Sponsorship.objects.filter(pk=sponsorship.pk).update(
        status=Status.TRIAL, intro_talk_on=dt.date(2025, 3, 1), started_on=dt.date(2025, 3, 1)
    )
    response = client.post(
        reverse("sponsorship-action", args=[sponsorship.pk, "activate"]), follow=True
    )
    assert "moderated first meeting are recorded" in response.content.decode()
    sponsorship.refresh_from_db()
    assert sponsorship.status == Status.TRIAL


def test_check_in_with_a_phone_number_is_refused_on_the_page(tenant, own):
    client = client_for(tenant.users["coordinator"])
    response = client.post(
        reverse("sponsorship-action", args=[own.sponsorship.pk, "check-in"]),
        {"check-in-date": "2025-04-01", "check-in-note": "Tel 0151 23456789"},
    )
    assert response.status_code == 400
    assert "phone numbers" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_unknown_action_is_404(tenant, own):
    client = client_for(tenant.users["coordinator"])
    url = reverse("sponsorship-action", args=[own.sponsorship.pk, "explode"])
    assert client.post(url).status_code == 404


def test_sponsorship_list_filters_by_status_and_quiet(tenant, own):
    client = client_for(tenant.users["coordinator"])
    ended = own.sponsorship.household.reference
    Sponsorship.objects.filter(pk=own.sponsorship.pk).update(status=Status.ENDED)
    html = client.get(reverse("sponsorship-list"), {"status": "open"}).content.decode()
    assert ended not in html and "No sponsorship matches your filters." in html
    html = client.get(reverse("sponsorship-list"), {"status": "ended"}).content.decode()
    assert ended in html


def test_landing_page_lists_the_leads_networks(tenant, own, unled):
    html = client_for(tenant.users["network_lead"]).get(reverse("home")).content.decode()
    assert own.network.name in html
    assert unled.network.name not in html


def test_create_page_shows_paten_languages_and_marks_a_shared_one(tenant, own):
    own.household.languages.set(["uk"])
    client = client_for(tenant.users["coordinator"])
    url = reverse("sponsorship-create")
    html = client.get(url, {"network": own.network.pk, "household": own.household.pk})
    html = html.content.decode()
    assert "Ukrainian (native speaker)" in html
    assert "speaks the household's language" in html
    assert f'value="{own.household.pk}" checked' in html


@pytest.mark.parametrize(
    ("name", "query", "data"),
    [
        ("network-create", "", {"name": "N" * 100_000, "town": "abc", "center": "x"}),
        ("household-create", "", {"network": "x", "size": "many", "languages": ["zz"]}),
        ("household-create", "", {"reference": "H-1", "needs": ["magic"], "waiting_since": "3"}),
        ("sponsorship-create", "?network={n}", {"household": "abc", "pate": "999999"}),
    ],
)
def test_garbage_in_forms_is_a_form_error_and_stores_nothing(tenant, own, name, query, data):
    client = client_for(tenant.users["coordinator"])
    counts = (Network.objects.count(), Household.objects.count(), Sponsorship.objects.count())
    url = reverse(name) + query.format(n=own.network.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert counts == (
        Network.objects.count(),
        Household.objects.count(),
        Sponsorship.objects.count(),
    )


def test_opening_a_sponsorship_is_recorded_as_viewed(tenant, own):
    from core.models import AuditEvent

    lead = tenant.users["network_lead"]

    response = client_for(lead).get(reverse("sponsorship-detail", args=[own.sponsorship.pk]))

    assert response.status_code == 200
    viewed = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW,
        object_type="networks.sponsorship",
        object_id=str(own.sponsorship.pk),
    )
    assert [(e.actor, e.center_id) for e in viewed] == [(lead, tenant.center.pk)]
