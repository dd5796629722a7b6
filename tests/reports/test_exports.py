"""Registry exports for the coordinator: volunteers, interpreters, networks and
sponsorships as CSV and XLSX with the list page's filters, safe against formula injection,
audited; scope and roles."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent
from networks.models import Sponsorship
from tests.conftest import Tenant
from tests.networks.factories import NetworkFactory, SponsorshipFactory
from tests.requests.conftest import client_for
from tests.sprachpool.factories import interpreter as make_interpreter
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def export(client: Client, kind: str, fmt: str = "csv", **params: str) -> Any:
    return client.get(reverse("reports-export", args=[kind, fmt]), params)


def csv_lines(response: Any) -> list[str]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return response.content.decode("utf-8-sig").splitlines()


@pytest.fixture
def coordinator(tenant: Tenant) -> Client:
    return client_for(tenant.users["coordinator"])


@pytest.fixture
def people(tenant: Tenant, other_tenant: Tenant) -> dict[str, Any]:
    active = VolunteerFactory(
        center=tenant.center, first_name="Amal", last_name="Haddad", phone="+4915120000001"
    )
    paused = VolunteerFactory(
        center=tenant.center,
        first_name='=HYPERLINK("http://x.example")',
        last_name="-Bad",
        status=Volunteer.Status.PAUSED,
    )
    VolunteerFactory(center=other_tenant.center, first_name="Sara", last_name="Stranger")
    return {"active": active, "paused": paused}


@pytest.mark.django_db
def test_the_volunteers_csv_has_the_lists_filters(
    coordinator: Client, people: dict[str, Any]
) -> None:
    lines = csv_lines(export(coordinator, "volunteers", status="active"))
    assert lines[0].startswith("No.;First name;Last name;E-mail;Phone;Postcode;Town;Status")
    assert len(lines) == 2
    assert lines[1].startswith(f"{people['active'].pk};Amal;Haddad;")
    everyone = csv_lines(export(coordinator, "volunteers"))
    assert len(everyone) == 3  # header, Amal, the paused one; never another center's
    assert not any("Stranger" in line for line in everyone)


@pytest.mark.django_db
def test_cells_that_look_like_formulas_are_written_as_text(
    coordinator: Client, people: dict[str, Any]
) -> None:
    lines = csv_lines(export(coordinator, "volunteers", status="paused"))
    assert lines[1].startswith(
        f'{people["paused"].pk};"\'=HYPERLINK(""http://x.example"")";\'-Bad;'
    )
    workbook = load_workbook(
        io.BytesIO(export(coordinator, "volunteers", "xlsx", status="active").content)
    )
    sheet = workbook["Volunteers"]
    assert sheet["E2"].value == "'+4915120000001"
    assert sheet["A2"].value == people["active"].pk


@pytest.mark.django_db
def test_every_export_is_audited_without_the_filter_values(
    tenant: Tenant, coordinator: Client, people: dict[str, Any]
) -> None:
    export(coordinator, "volunteers", "xlsx", q="Haddad", status="active")
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.center_id, event.object_type) == (
        tenant.users["coordinator"],
        tenant.center.pk,
        "reports.volunteers",
    )
    assert event.detail["format"] == "xlsx"
    assert event.detail["rows"] == 1
    assert event.detail["filters"] == ["search", "status"]
    assert "Haddad" not in str(event.detail)


@pytest.mark.django_db
def test_the_interpreters_export_follows_the_pool_filters(
    tenant: Tenant, coordinator: Client
) -> None:
    make_interpreter(
        center=tenant.center,
        first_name="Tigist",
        last_name="Bekele",
        languages=(("de", "C1"), ("ti", "native")),
    )
    make_interpreter(center=tenant.center, first_name="Omar", last_name="Nasser")
    make_interpreter(center=tenant.center, first_name="Idle", last_name="Off", active=False)
    lines = csv_lines(export(coordinator, "interpreters", language="ti"))
    assert len(lines) == 2 and ";Tigist;Bekele;" in lines[1]
    assert lines[1].endswith(";yes;yes")
    inactive = csv_lines(export(coordinator, "interpreters", active="no"))
    assert len(inactive) == 2 and inactive[1].endswith(";no;no")


@pytest.mark.django_db
def test_networks_and_sponsorships_export_with_their_filters(
    tenant: Tenant, other_tenant: Tenant, coordinator: Client
) -> None:
    network = NetworkFactory(center=tenant.center, name="Paten Friedberg")
    NetworkFactory(center=tenant.center, name="Paten Bad Vilbel", is_active=False)
    NetworkFactory(center=other_tenant.center, name="Paten anderswo")
    SponsorshipFactory(network=network, status=Sponsorship.Status.ACTIVE)
    SponsorshipFactory(network=network, status=Sponsorship.Status.REQUESTED)
    networks = csv_lines(export(coordinator, "networks", active="1"))
    assert len(networks) == 2
    assert networks[1].startswith(f"{network.pk};Paten Friedberg;yes;")
    sponsorships = csv_lines(export(coordinator, "sponsorships", status="active"))
    assert len(sponsorships) == 2
    assert ";Paten Friedberg;" in sponsorships[1] and ";active;" in sponsorships[1]


@pytest.mark.django_db
def test_the_list_pages_link_their_export_with_the_query(
    coordinator: Client, people: dict[str, Any]
) -> None:
    page = coordinator.get(reverse("volunteer-list"), {"status": "active", "page": "1"})
    text = page.content.decode()
    assert f'href="{reverse("reports-export", args=["volunteers", "csv"])}?status=active"' in text
    assert f'href="{reverse("reports-export", args=["volunteers", "xlsx"])}?status=active"' in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_only_coordinators_export(tenant: Tenant, role: str) -> None:
    client = client_for(tenant.users[role])
    for kind in ["volunteers", "interpreters", "networks", "sponsorships"]:
        assert export(client, kind).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_an_unknown_list_or_format_is_not_found(coordinator: Client) -> None:
    assert export(coordinator, "households").status_code == 404
    assert export(coordinator, "volunteers", "pdf").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_sheet_titles_lose_the_characters_excel_refuses():
    from reports.exports import sheet_title

    assert sheet_title("Aufträge je Klient/in") == "Aufträge je Klient-in"
    assert sheet_title("a[b]:c*d?e\\f") == "a-b--c-d-e-f"
    assert len(sheet_title("x" * 40)) == 31
