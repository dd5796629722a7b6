"""The summary report: ``/api/v1/reports/summary/``, the page ``/reports/summary/`` and its
CSV download; exact figures, small counts suppressed for the state, bad periods, scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.choices import Mode
from core.models import AuditEvent
from matching.models import MatchingRun
from networks.models import Sponsorship
from reports import selectors
from tests.conftest import Tenant
from tests.factories import DepartmentFactory
from tests.networks.factories import NetworkFactory, SponsorshipFactory
from tests.reports.data import Status, active_interpreter, filled_request, past_request

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/summary/"


def _run(tenant: Tenant, *, at: dt.datetime, unfilled: list[tuple[int, list[str]]]) -> None:
    MatchingRun.objects.create(
        center=tenant.center,
        trigger=MatchingRun.Trigger.SCHEDULED,
        status=MatchingRun.Status.FINISHED,
        started_at=at,
        result={
            "assignments": [],
            "unfilled": [{"request": f"r-{pk}", "reasons": codes} for pk, codes in unfilled],
        },
    )


@pytest.fixture
def seeded(tenant: Tenant, other_tenant: Tenant) -> Tenant:
    """Arabic: 5 filled (4 × 60 + 90 minutes = 5.5 h), 2 unfilled, 1 cancelled, in person,
    Gesundheitsamt. Farsi: 2 unfilled by phone, Jugendamt. Reasons: one Arabic "not
    available", one Farsi "no interpreter" (its later run's first reason), two without any
    run. Sponsorships: 2 started and 1 ended in the period, 1 started before it. One
    active interpreter. The other center: 3 filled requests, never counted."""
    for minutes in (60, 60, 60, 60, 90):
        filled_request(tenant, days=10, accepted_after_hours=2, minutes=minutes)
    ar_unfilled = [
        past_request(tenant, days=d, status=Status.UNFILLED, filed_days_before=7) for d in (11, 12)
    ]
    past_request(tenant, days=13, status=Status.CANCELLED)
    youth = DepartmentFactory(center=tenant.center, name="Jugendamt")
    fa_unfilled = [
        past_request(
            tenant,
            days=d,
            status=Status.UNFILLED,
            language="fa",
            department=youth,
            mode=Mode.PHONE,
            filed_days_before=7,
        )
        for d in (14, 15)
    ]
    # Both runs after the filing (18+ days ago) and before the appointments (15- days ago).
    first = timezone.now() - dt.timedelta(days=17)
    _run(tenant, at=first, unfilled=[(fa_unfilled[0].pk, ["too_far"])])
    _run(
        tenant,
        at=first + dt.timedelta(hours=1),
        unfilled=[
            (ar_unfilled[0].pk, ["not_available"]),
            (fa_unfilled[0].pk, ["no_interpreter_for_language", "too_far"]),
        ],
    )
    today = timezone.localdate()
    network = NetworkFactory(center=tenant.center)
    recent = today - dt.timedelta(days=20)
    SponsorshipFactory(network=network, status=Sponsorship.Status.ACTIVE, started_on=recent)
    SponsorshipFactory(
        network=network,
        status=Sponsorship.Status.ENDED,
        started_on=recent,
        ended_on=today - dt.timedelta(days=5),
    )
    SponsorshipFactory(
        network=network,
        status=Sponsorship.Status.ACTIVE,
        started_on=today - dt.timedelta(days=400),
    )
    active_interpreter(tenant)
    for _ in range(3):
        filled_request(other_tenant, days=10, accepted_after_hours=1)
    return tenant


def test_the_totals_and_hours(api_as: Callable[..., Any], seeded: Tenant) -> None:
    body = api_as("coordinator").get(URL).json()
    assert body["requests"] == {
        "requests": 9,
        "filled": 5,
        "unfilled": 4,
        "cancelled": 1,
        "hours": "5.5",
        "fill_rate": round(5 / 9, 4),
        "suppressed": False,
    }
    assert body["centers"] == [seeded.center.pk]
    assert body["for_state"] is False


def test_by_language_department_mode_and_month(api_as: Callable[..., Any], seeded: Tenant) -> None:
    body = api_as("coordinator").get(URL).json()
    languages = {
        r["language"]: (r["requests"], r["filled"], r["unfilled"]) for r in body["by_language"]
    }
    assert languages == {"ar": (7, 5, 2), "fa": (2, 0, 2)}
    departments = {r["label"]: r["requests"] for r in body["by_department"]}
    assert departments == {"Gesundheitsamt": 7, "Jugendamt": 2}
    assert {r["mode"]: r["requests"] for r in body["by_mode"]} == {"in_person": 7, "phone": 2}
    assert sum(r["requests"] for r in body["by_month"]) == 9
    assert sum(r["cancelled"] for r in body["by_month"]) == 1


def test_unfilled_by_reason(api_as: Callable[..., Any], seeded: Tenant) -> None:
    body = api_as("coordinator").get(URL).json()
    reasons = {r["reason"]: r["count"] for r in body["unfilled_reasons"]}
    assert reasons == {"no_run": 2, "no_interpreter_for_language": 1, "not_available": 1}


def test_sponsorships_and_the_pool(api_as: Callable[..., Any], seeded: Tenant) -> None:
    body = api_as("coordinator").get(URL).json()
    assert body["sponsorships"] == {"started": 2, "ended": 1}
    assert body["active_interpreters"] == 1
    # The 5 interpreters of the assignments, the 3 Paten and the active interpreter.
    assert body["active_volunteers"] == 9


def test_for_the_state_counts_of_one_and_two_are_null(
    api_as: Callable[..., Any], seeded: Tenant
) -> None:
    body = api_as("coordinator").get(URL, {"state": "1"}).json()
    assert body["for_state"] is True
    assert body["suppressed"] is True
    farsi = next(r for r in body["by_language"] if r["language"] == "fa")
    assert farsi["requests"] is None and farsi["unfilled"] is None
    assert farsi["filled"] == 0  # zero is no small count
    assert farsi["hours"] is None and farsi["suppressed"] is True
    arabic = next(r for r in body["by_language"] if r["language"] == "ar")
    assert (arabic["requests"], arabic["filled"], arabic["unfilled"]) == (7, 5, None)
    assert body["requests"]["requests"] == 9
    assert body["requests"]["cancelled"] is None
    assert {r["reason"]: r["count"] for r in body["unfilled_reasons"]} == {
        "no_run": None,
        "no_interpreter_for_language": None,
        "not_available": None,
    }
    assert body["sponsorships"] == {"started": None, "ended": None}
    assert body["active_interpreters"] is None


def test_another_center_is_never_counted(
    api_as: Callable[..., Any], seeded: Tenant, other_tenant: Tenant
) -> None:
    assert api_as("coordinator").get(URL).json()["requests"]["requests"] == 9
    other = api_as("coordinator", of=other_tenant).get(URL).json()
    assert other["requests"]["requests"] == 3
    response = api_as("coordinator").get(URL, {"center": other_tenant.center.pk})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-05-01", "to": "2026-04-30"}, "from"),
        ({"from": "2020-01-01", "to": "2023-01-02"}, "to"),
        ({"center": "abc"}, "center"),
    ],
)
def test_bad_periods_are_400_naming_the_parameter(
    api_as: Callable[..., Any], tenant: Tenant, query: dict[str, str], field: str
) -> None:
    response = api_as("coordinator").get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not AuditEvent.objects.filter(object_type="reports.summary").exists()


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_only_coordinators(api_as: Callable[..., Any], tenant: Tenant, role: str) -> None:
    assert api_as(role).get(URL).status_code == 403


def test_a_download_is_audited_as_an_export(api_as: Callable[..., Any], seeded: Tenant) -> None:
    api_as("coordinator").get(URL, {"from": "2026-01-01", "to": "2026-06-30", "state": "1"})
    event = AuditEvent.objects.get(object_type="reports.summary")
    assert event.action == AuditEvent.Action.EXPORT
    assert event.center_id == seeded.center.pk
    assert event.detail == {
        "from": "2026-01-01",
        "to": "2026-06-30",
        "for_state": True,
        "format": "json",
    }


def test_no_personal_data_in_the_body(api_as: Callable[..., Any], seeded: Tenant) -> None:
    text = api_as("coordinator").get(URL).content.decode()
    assert "K-" not in text  # client references
    assert "@" not in text


# --- the page and the CSV -------------------------------------------------------------------


def test_the_page_shows_the_figures_and_the_charts(client: Client, seeded: Tenant) -> None:
    client.force_login(seeded.users["coordinator"])
    response = client.get(reverse("reports-summary"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["data"]["requests"]["requests"] == 9
    html = response.content.decode()
    assert html.count('role="img"') == 4
    assert "style=" not in html
    assert not AuditEvent.objects.filter(object_type="reports.summary").exists()


def test_the_page_for_the_state_shows_less_than_three(client: Client, seeded: Tenant) -> None:
    client.force_login(seeded.users["coordinator"])
    response = client.get(reverse("reports-summary"), {"state": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "&lt;3" in response.content.decode()


def test_the_page_shows_a_bad_period_on_the_form(client: Client, tenant: Tenant) -> None:
    client.force_login(tenant.users["coordinator"])
    response = client.get(
        reverse("reports-summary"),
        {"from": "2026-05-01", "to": "2026-04-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The start of the period must not be after its end." in response.content.decode()


def test_the_csv_download_is_audited_and_suppressed_for_the_state(
    client: Client, seeded: Tenant
) -> None:
    client.force_login(seeded.users["coordinator"])
    date_from, date_to = selectors.default_period()
    response = client.get(
        reverse("reports-summary-download"),
        {"from": date_from.isoformat(), "to": date_to.isoformat(), "state": "1"},
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["total", "", "", "9", "5", "4", "<3", "5.5"]
    farsi = next(r for r in rows if r[:2] == ["by_language", "fa"])
    assert farsi[3:] == ["<3", "0", "<3", "0", "<3"]
    event = AuditEvent.objects.get(object_type="reports.summary")
    assert event.action == AuditEvent.Action.EXPORT
    assert event.detail["format"] == "csv"


def test_the_csv_refuses_a_bad_period(client: Client, tenant: Tenant) -> None:
    client.force_login(tenant.users["coordinator"])
    response = client.get(reverse("reports-summary-download"), {"from": "2019-01-01"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(object_type="reports.summary").exists()


def test_the_body_has_exactly_the_documented_keys(
    api_as: Callable[..., Any], seeded: Tenant
) -> None:
    from api.reports import SummaryOutputSerializer

    body = api_as("coordinator").get(URL).json()
    fields = SummaryOutputSerializer().fields
    assert set(body) == set(fields)
    assert set(body["requests"]) == set(fields["requests"].fields)
    for name in ("by_language", "by_department", "by_mode", "by_month", "unfilled_reasons"):
        documented = set(fields[name].child.fields)
        assert all(set(row) == documented for row in body[name]), name
