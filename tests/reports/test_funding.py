"""The funding report (Verwendungsnachweis figures): assignments per language and per
client, clients by number of assignments, the pool and its languages, the amounts paid in
a period; small counts suppressed in what goes to the state; scope and roles."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent
from reports import billing
from requests.models import Assignment, InterpreterRequest
from tests.conftest import Tenant
from tests.reports.test_billing import book
from tests.requests.conftest import client_for
from tests.requests.helpers_after_match import ended
from tests.sprachpool.factories import interpreter as make_interpreter

BERLIN = ZoneInfo("Europe/Berlin")
START, END = dt.date(2026, 10, 1), dt.date(2026, 10, 31)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def held(
    tenant: Tenant,
    profile: Any,
    language: str,
    client_ref: str,
    start: dt.datetime,
    *,
    status: str = Assignment.Status.COMPLETED,
    took_place: bool | None = True,
) -> Assignment:
    """A settled assignment in ``language`` for ``client_ref``."""
    assignment = ended(tenant, profile, start=start, client_ref=client_ref)
    InterpreterRequest.objects.filter(pk=assignment.request_id).update(language_id=language)
    Assignment.objects.filter(pk=assignment.pk).update(status=status, took_place=took_place)
    return assignment


@pytest.fixture
def october(tenant: Tenant, other_tenant: Tenant) -> None:
    """Eight assignments that took place in October 2026 (Tigrinya 4 for two clients,
    Farsi 3 for three, Arabic 1 without reference) and those that do not count."""
    arabic = make_interpreter(center=tenant.center)
    tigrinya = make_interpreter(center=tenant.center, languages=(("de", "C1"), ("ti", "native")))
    farsi = make_interpreter(center=tenant.center, languages=(("de", "B2"), ("fa", "native")))
    make_interpreter(center=tenant.center, active=False, languages=(("de", "C1"), ("so", "C1")))

    def day(n: int, hour: int = 9) -> dt.datetime:
        return dt.datetime(2026, 10, n, hour, tzinfo=BERLIN)

    for n, ref in enumerate(["K-1", "K-1", "K-1", "K-2"], start=1):
        held(tenant, tigrinya, "ti", ref, day(n))
    for n, ref in enumerate(["K-3", "K-4", "K-5"], start=10):
        held(tenant, farsi, "fa", ref, day(n))
    held(tenant, arabic, "ar", "", dt.datetime(2026, 10, 31, 23, 15, tzinfo=BERLIN))
    # Not counted: before and after the period (Berlin days), did not take place, cancelled,
    # another center.
    held(tenant, arabic, "ar", "K-9", dt.datetime(2026, 9, 30, 23, 30, tzinfo=BERLIN))
    held(tenant, arabic, "ar", "K-9", dt.datetime(2026, 11, 1, 3, 0, tzinfo=BERLIN))
    held(tenant, arabic, "ar", "K-9", day(20), took_place=False)
    held(tenant, arabic, "ar", "K-9", day(21), status=Assignment.Status.CANCELLED, took_place=None)
    stranger = make_interpreter(center=other_tenant.center)
    held(other_tenant, stranger, "ar", "K-1", day(22))
    # Paid: entries booked in October (a correction included) and one in November.
    for amount in ["20.00", "20.00", "0.10"]:
        book(tenant, tigrinya, tenant.department, amount, minutes=60)
    first = book(tenant, farsi, tenant.department, "20.00", minutes=60)
    book(tenant, farsi, tenant.department, "-20.00", minutes=60, corrects=first)
    book(tenant, farsi, tenant.department, "20.00", minutes=60, month=dt.date(2026, 11, 1))
    book(other_tenant, stranger, other_tenant.department, "20.00", minutes=60)


def report_of(tenant: Tenant) -> billing.FundingReport:
    return billing.funding_report(
        user=tenant.users["coordinator"], center=tenant.center, start=START, end=END
    )


@pytest.mark.django_db
def test_the_figures_of_the_period(tenant: Tenant, october: None) -> None:
    report = report_of(tenant)
    assert (report.assignments, report.clients, report.without_client_ref) == (8, 5, 1)
    assert [(f.language, f.assignments, f.clients) for f in report.languages] == [
        ("Tigrinya", 4, 2),
        ("Persian (Farsi)", 3, 3),
        ("Arabic (Modern Standard)", 1, 0),
    ]
    assert report.clients_by_assignments == {"1": 4, "2": 0, "3": 1, "4": 0, "5": 0, "6+": 0}


@pytest.mark.django_db
def test_the_pool_and_the_amounts_paid(tenant: Tenant, october: None) -> None:
    report = report_of(tenant)
    # Active interpreters: the three who worked and the stranger's is another center's;
    # the Somali speaker is switched off.
    assert report.pool_size == 3
    assert sorted(report.languages_covered) == [
        "Arabic (Modern Standard)",
        "Persian (Farsi)",
        "Tigrinya",
    ]
    assert report.amount_paid == Decimal("40.10")


def coordinator(tenant: Tenant) -> Any:
    return client_for(tenant.users["coordinator"])


PERIOD = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.mark.django_db
def test_the_xlsx_suppresses_small_counts_and_is_audited(tenant: Tenant, october: None) -> None:
    response = coordinator(tenant).get(reverse("reports-funding-export"), PERIOD)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    languages = list(workbook["Languages"].iter_rows(min_row=2, values_only=True))
    assert languages == [
        ("Tigrinya", 4, "<3"),
        ("Persian (Farsi)", 3, 3),
        ("Arabic (Modern Standard)", "<3", 0),
    ]
    buckets = list(workbook["Clients by assignments"].iter_rows(min_row=2, values_only=True))
    assert buckets == [("1", 4), ("2", 0), ("3", "<3"), ("4", 0), ("5", 0), ("6+", 0)]
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Assignments that took place"] == 8
    assert summary["Assignments without client reference"] == "<3"
    assert summary["Allowances paid (EUR)"] == 40.1
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.detail["start"], event.detail["end"]) == (
        "reports.funding_report",
        "2026-10-01",
        "2026-10-31",
    )


@pytest.mark.django_db
def test_the_page_shows_the_figures_suppressed(tenant: Tenant, october: None) -> None:
    response = coordinator(tenant).get(reverse("reports-funding"), PERIOD)
    assert response.status_code == 200
    text = response.content.decode()
    assert '<th scope="row">Tigrinya</th><td class="num">4</td><td class="num">&lt;3</td>' in text
    assert "40.10 €" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01", "to": "2026-10-31"}, "YYYY-MM-DD"),
        ({"from": "1.10.2026", "to": "2026-10-31"}, "YYYY-MM-DD"),
        ({"from": "2026-11-01", "to": "2026-10-31"}, "after its end"),
        ({"from": "2020-01-01", "to": "2026-10-31"}, "at most three years"),
    ],
)
def test_a_bad_period_is_a_message_not_an_error(
    tenant: Tenant, params: dict[str, str], message: str
) -> None:
    client = coordinator(tenant)
    page = client.get(reverse("reports-funding"), params)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert client.get(reverse("reports-funding-export"), params).status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_only_coordinators_see_the_funding_report(tenant: Tenant, role: str) -> None:
    client = client_for(tenant.users[role])
    assert client.get(reverse("reports-funding")).status_code == 403
    assert client.get(reverse("reports-funding-export")).status_code == 403


@pytest.mark.django_db
def test_another_centers_report_is_not_found(tenant: Tenant, other_tenant: Tenant) -> None:
    client = coordinator(tenant)
    query = {"center": other_tenant.center.pk, **PERIOD}
    assert client.get(reverse("reports-funding"), query).status_code == 404
    assert client.get(reverse("reports-funding-export"), query).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
