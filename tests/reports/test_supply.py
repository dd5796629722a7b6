"""Supply and demand by language (``/reports/supply/``): every figure against crafted data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports import selectors
from tests.conftest import Tenant
from tests.reports.data import (
    BUEDINGEN,
    Status,
    active_interpreter,
    filled_request,
    past_request,
)
from tests.sprachpool.factories import interpreter

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tenant: Tenant, other_tenant: Tenant) -> Tenant:
    """Own center: 7 Arabic requests (5 filled, accepted after 1, 2, 3, 4 and 10 hours:
    median 3, mean 4; 2 unfilled), one cancelled and one outside the period; 2 Farsi
    in-person requests in Büdingen, which no interpreter reaches; one active Arabic
    interpreter in Friedberg, one inactive. The other center: 3 filled Arabic requests and
    an active Farsi interpreter."""
    for hours in (1, 2, 3, 4, 10):
        filled_request(tenant, days=10 + hours, accepted_after_hours=hours)
    past_request(tenant, days=20, status=Status.UNFILLED)
    past_request(tenant, days=21, status=Status.UNFILLED)
    past_request(tenant, days=22, status=Status.CANCELLED)
    filled_request(tenant, days=120, accepted_after_hours=100)
    for days in (5, 6):
        past_request(
            tenant, days=days, status=Status.UNFILLED, language="fa", town=("Büdingen", BUEDINGEN)
        )
    active_interpreter(tenant, language="ar")
    interpreter(languages=(("de", "C1"), ("ar", "native")), center=tenant.center, active=False)
    for hours in (1, 1, 1):
        filled_request(other_tenant, days=12, accepted_after_hours=hours)
    active_interpreter(other_tenant, language="fa", home=BUEDINGEN)
    return tenant


def _rows(tenant: Tenant) -> dict[str, selectors.LanguageSupply]:
    date_from, date_to = selectors.default_period()
    rows = selectors.supply_by_language(
        user=tenant.users["coordinator"], center=tenant.center, date_from=date_from, date_to=date_to
    )
    return {row.code: row for row in rows}


def test_requests_filled_and_fill_rate_per_language(seeded: Tenant) -> None:
    rows = _rows(seeded)
    arabic = rows["ar"]
    assert (arabic.requests, arabic.filled, arabic.unfilled) == (7, 5, 2)
    assert arabic.fill_rate == pytest.approx(5 / 7)
    farsi = rows["fa"]
    assert (farsi.requests, farsi.filled, farsi.fill_rate) == (2, 0, 0.0)


def test_median_time_from_filing_to_acceptance(seeded: Tenant) -> None:
    rows = _rows(seeded)
    assert rows["ar"].median_hours_to_accept == 3.0
    assert rows["fa"].median_hours_to_accept is None


def test_active_interpreters_count_only_active_ones_of_the_center(seeded: Tenant) -> None:
    rows = _rows(seeded)
    assert rows["ar"].active_interpreters == 1
    assert rows["fa"].active_interpreters == 0


def test_towns_without_an_interpreter_in_reach(seeded: Tenant) -> None:
    rows = _rows(seeded)
    assert [(g.town, g.requests) for g in rows["fa"].towns_without_reach] == [("Büdingen", 2)]
    assert rows["ar"].towns_without_reach == []


def test_an_interpreter_within_the_radius_closes_the_gap(seeded: Tenant) -> None:
    active_interpreter(seeded, language="fa", home=BUEDINGEN)
    assert _rows(seeded)["fa"].towns_without_reach == []


def test_an_interpreter_beyond_the_radius_does_not(seeded: Tenant) -> None:
    active_interpreter(seeded, language="fa", max_travel_km=10)  # Friedberg: 27 km away
    rows = _rows(seeded)
    assert rows["fa"].active_interpreters == 1
    assert [(g.town, g.requests) for g in rows["fa"].towns_without_reach] == [("Büdingen", 2)]


def test_the_page_shows_the_figures_and_links_the_requests(client: Client, seeded: Tenant) -> None:
    client.force_login(seeded.users["coordinator"])
    response = client.get(reverse("reports-supply"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    date_from, date_to = selectors.default_period()
    assert f"?language=ar&amp;date_from={date_from:%Y-%m-%d}&amp;date_to={date_to:%Y-%m-%d}" in html
    assert "71 %" in html
    assert "3.0 h" in html
    assert "Büdingen (2)" in html
    assert 'role="img"' in html
    assert "style=" not in html


def test_a_chosen_period_counts_only_its_appointments(client: Client, seeded: Tenant) -> None:
    today = timezone.localdate()
    client.force_login(seeded.users["coordinator"])
    response = client.get(
        reverse("reports-supply"),
        {"from": (today - dt.timedelta(days=7)).isoformat(), "to": today.isoformat()},
    )
    rows = {row.code: row for row in response.context["rows"]}
    assert rows["fa"].requests == 2
    assert rows["ar"].requests == 0


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01"},
        {"from": "2026-05-01", "to": "2026-04-01"},
        {"from": "2020-01-01", "to": "2023-01-02"},
    ],
)
def test_a_bad_period_is_a_400_with_the_message_on_the_form(
    client: Client, tenant: Tenant, query: dict[str, str]
) -> None:
    client.force_login(tenant.users["coordinator"])
    response = client.get(reverse("reports-supply"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "rows" not in response.context


def test_three_years_exactly_is_allowed() -> None:
    assert selectors.period_problem(dt.date(2020, 1, 1), dt.date(2023, 1, 1)) is None
    assert selectors.period_problem(dt.date(2020, 1, 1), dt.date(2023, 1, 2)) is not None


def test_the_replay_slot_is_there(client: Client, tenant: Tenant) -> None:
    client.force_login(tenant.users["coordinator"])
    response = client.get(reverse("reports-supply"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="replay-heading"' in response.content.decode()


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_other_roles_are_refused(client: Client, tenant: Tenant, role: str) -> None:
    client.force_login(tenant.users[role])
    assert client.get(reverse("reports-supply")).status_code == 403
