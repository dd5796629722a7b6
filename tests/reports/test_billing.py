"""The monthly allowance statement: per interpreter and per department cost centre, totals
that reconcile to the allowance entries to the cent, as a page, CSV and XLSX; closing a
month from the page; scope and roles."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent
from reports import billing
from requests.models import AllowanceEntry, BillingMonth
from tests.conftest import Tenant
from tests.factories import DepartmentFactory
from tests.requests.conftest import client_for
from tests.requests.helpers_after_match import ended
from tests.sprachpool.factories import interpreter as make_interpreter

BERLIN = ZoneInfo("Europe/Berlin")
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def person(tenant: Tenant, first: str, last: str) -> Any:
    profile = make_interpreter(center=tenant.center)
    profile.volunteer.first_name, profile.volunteer.last_name = first, last
    profile.volunteer.save()
    return profile


def book(
    tenant: Tenant,
    profile: Any,
    department: Any,
    amount: str,
    *,
    minutes: int,
    km: str | None = None,
    month: dt.date = OCTOBER,
    corrects: AllowanceEntry | None = None,
) -> AllowanceEntry:
    """An entry as allowance_book stores it (a correction on the original's assignment)."""
    if corrects is None:
        assignment = ended(
            tenant,
            profile,
            department=department,
            start=dt.datetime(month.year, month.month, 5, 8, tzinfo=BERLIN)
            + dt.timedelta(hours=3 * AllowanceEntry.objects.count()),
        )
    else:
        assignment = corrects.assignment
    return AllowanceEntry.objects.create(
        center=tenant.center,
        interpreter=profile,
        assignment=assignment,
        kind="correction" if corrects else "assignment",
        basis="took_place",
        rule="hourly",
        minutes=minutes,
        travel_km=Decimal(km) if km is not None else None,
        amount=Decimal(amount),
        month=month,
        corrects=corrects,
    )


@pytest.fixture
def october(tenant: Tenant) -> dict[str, Any]:
    """Seven entries of October whose cents add up only when summed as decimals
    (0.10 + 0.20, three thirds of 100, a negative correction), and noise around them."""
    health = tenant.department  # "Gesundheitsamt"
    health.cost_centre = "4711-GA"
    health.save()
    youth = DepartmentFactory(center=tenant.center, name="Jugendamt", cost_centre="")
    amal, bilal = person(tenant, "Amal", "Haddad"), person(tenant, "Bilal", "Yusuf")
    book(tenant, amal, health, "33.33", minutes=60, km="12.5")
    book(tenant, amal, health, "33.33", minutes=61, km="0.3")
    book(tenant, amal, health, "33.34", minutes=45)
    book(tenant, bilal, youth, "0.10", minutes=30, km="0.1")
    book(tenant, bilal, youth, "0.20", minutes=20, km="0.2")
    travel = book(tenant, amal, youth, "3.75", minutes=100, km="12.5")
    book(tenant, amal, youth, "-0.05", minutes=100, km="12.5", corrects=travel)
    book(tenant, amal, health, "20.00", minutes=60, month=dt.date(2026, 11, 1))  # November
    return {"amal": amal, "bilal": bilal, "health": health, "youth": youth}


def statement_of(tenant: Tenant) -> billing.Statement:
    return billing.billing_statement(
        user=tenant.users["coordinator"], center=tenant.center, month=OCTOBER
    )


@pytest.mark.django_db
def test_the_statement_reconciles_to_the_entries_to_the_cent(
    tenant: Tenant, october: dict[str, Any]
) -> None:
    statement = statement_of(tenant)
    booked = AllowanceEntry.objects.filter(center=tenant.center, month=OCTOBER).aggregate(
        total=Sum("amount")
    )["total"]
    assert statement.total.amount == booked == Decimal("104.00")
    assert sum((r.amount for r in statement.interpreters), Decimal("0")) == Decimal("104.00")
    assert sum((r.amount for r in statement.departments), Decimal("0")) == Decimal("104.00")
    bilal = next(r for r in statement.interpreters if r.label == "Bilal Yusuf")
    assert bilal.amount == Decimal("0.30")  # 0.1 + 0.2 as floats is 0.30000000000000004


@pytest.mark.django_db
def test_the_statement_per_interpreter(tenant: Tenant, october: dict[str, Any]) -> None:
    rows = [
        (r.label, r.assignments, r.corrections, r.minutes, r.hours, r.km, r.amount)
        for r in statement_of(tenant).interpreters
    ]
    assert rows == [
        ("Amal Haddad", 4, 1, 266, Decimal("4.43"), Decimal("25.3"), Decimal("103.70")),
        ("Bilal Yusuf", 2, 0, 50, Decimal("0.83"), Decimal("0.3"), Decimal("0.30")),
    ]


@pytest.mark.django_db
def test_the_statement_per_department_cost_centre(tenant: Tenant, october: dict[str, Any]) -> None:
    rows = [
        (r.label, r.cost_centre, r.assignments, r.corrections, r.hours, r.km, r.amount)
        for r in statement_of(tenant).departments
    ]
    assert rows == [
        ("Gesundheitsamt", "4711-GA", 3, 0, Decimal("2.77"), Decimal("12.8"), Decimal("100.00")),
        ("Jugendamt", "", 3, 1, Decimal("2.50"), Decimal("12.8"), Decimal("4.00")),
    ]
    total = statement_of(tenant).total
    assert (total.assignments, total.corrections, total.minutes, total.km) == (
        6,
        1,
        316,
        Decimal("25.6"),
    )


@pytest.mark.django_db
def test_another_centers_entries_are_not_in_the_statement(
    tenant: Tenant, other_tenant: Tenant, october: dict[str, Any]
) -> None:
    stranger = make_interpreter(center=other_tenant.center)
    book(other_tenant, stranger, other_tenant.department, "20.00", minutes=60)
    assert statement_of(tenant).total.amount == Decimal("104.00")


def coordinator(tenant: Tenant) -> Client:
    return client_for(tenant.users["coordinator"])


def url(name: str, *args: str) -> str:
    return reverse(name, args=args)


@pytest.mark.django_db
def test_the_page_shows_the_months_statement(tenant: Tenant, october: dict[str, Any]) -> None:
    response = coordinator(tenant).get(url("reports-billing"), {"month": "2026-10"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="statement-total">104.00<' in text
    assert "Amal Haddad" in text and "4711-GA" in text
    assert "Close this month" in text


@pytest.mark.django_db
def test_the_statements_queries_do_not_grow_with_its_entries(
    tenant: Tenant, october: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = coordinator(tenant)
    with django_assert_max_num_queries(12):
        client.get(url("reports-billing"), {"month": "2026-10"})
    for _n in range(10):
        book(tenant, october["bilal"], october["youth"], "1.00", minutes=30)
    with django_assert_max_num_queries(12):
        response = client.get(url("reports-billing"), {"month": "2026-10"})
    assert 'id="statement-total">114.00<' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_only_coordinators_see_the_billing(tenant: Tenant, role: str) -> None:
    client = client_for(tenant.users[role])
    for name, args in [
        ("reports-billing", ()),
        ("reports-billing-export", ("csv",)),
        ("reports-billing-close", ()),
    ]:
        assert client.get(url(name, *args)).status_code == 403


@pytest.mark.django_db
def test_another_centers_statement_is_not_found(
    tenant: Tenant, other_tenant: Tenant, october: dict[str, Any]
) -> None:
    client = coordinator(tenant)
    query = {"center": other_tenant.center.pk, "month": "2026-10"}
    assert client.get(url("reports-billing"), query).status_code == 404
    assert client.get(url("reports-billing-export", "xlsx"), query).status_code == 404
    assert client.post(url("reports-billing-close"), query).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
    assert not BillingMonth.objects.exists()


@pytest.mark.django_db
def test_an_unknown_format_is_not_found(tenant: Tenant) -> None:
    assert coordinator(tenant).get(url("reports-billing-export", "pdf")).status_code == 404


@pytest.mark.django_db
def test_the_csv_is_for_excel_and_audited(tenant: Tenant, october: dict[str, Any]) -> None:
    response = coordinator(tenant).get(
        url("reports-billing-export", "csv"), {"month": "2026-10", "by": "departments"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "Department;Cost centre;Assignments;Corrections;Hours;Km;Amount (EUR)"
    assert lines[1:] == [
        "Gesundheitsamt;4711-GA;3;0;2.77;12.8;100.00",
        "Jugendamt;;3;1;2.50;12.8;4.00",
        "Total;;6;1;5.27;25.6;104.00",
    ]
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.center_id, event.object_type) == (
        tenant.users["coordinator"],
        tenant.center.pk,
        "reports.billing_statement",
    )
    assert event.detail["format"] == "csv" and event.detail["month"] == "2026-10-01"


@pytest.mark.django_db
def test_the_csv_in_german_has_decimal_commas(tenant: Tenant, october: dict[str, Any]) -> None:
    client = Client(headers={"accept-language": "de"})
    client.force_login(tenant.users["coordinator"])
    response = client.get(url("reports-billing-export", "csv"), {"month": "2026-10"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "Amal Haddad;4;1;4,43;25,3;103,70"


@pytest.mark.django_db
def test_a_name_that_looks_like_a_formula_is_written_as_text(
    tenant: Tenant, october: dict[str, Any]
) -> None:
    october["bilal"].volunteer.first_name = '=HYPERLINK("http://x.example","Bilal")'
    october["bilal"].volunteer.last_name = "@Yusuf"
    october["bilal"].volunteer.save()
    client = coordinator(tenant)
    csv_text = client.get(
        url("reports-billing-export", "csv"), {"month": "2026-10", "by": "entries"}
    ).content.decode("utf-8-sig")
    assert ';"\'=HYPERLINK(""http://x.example"",""Bilal"") @Yusuf";' in csv_text
    book_ = load_workbook(
        io.BytesIO(client.get(url("reports-billing-export", "xlsx"), {"month": "2026-10"}).content)
    )
    names = [row[0] for row in book_["Interpreters"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x.example","Bilal") @Yusuf' in names
    assert book_["Interpreters"]["A3"].data_type == "s"


@pytest.mark.django_db
def test_the_xlsx_has_the_three_tables_with_numbers(
    tenant: Tenant, october: dict[str, Any]
) -> None:
    response = coordinator(tenant).get(url("reports-billing-export", "xlsx"), {"month": "2026-10"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Interpreters", "Departments", "Entries"]
    totals = list(workbook["Departments"].iter_rows(min_row=4, values_only=True))
    assert totals == [("Total", None, 6, 1, 5.27, 25.6, 104)]
    amounts = [row[10] for row in workbook["Entries"].iter_rows(min_row=2, values_only=True)]
    assert sorted(Decimal(str(a)) for a in amounts) == sorted(
        Decimal(a) for a in ["33.33", "33.33", "33.34", "0.10", "0.20", "3.75", "-0.05"]
    )
    assert AuditEvent.objects.get(action="export").detail["format"] == "xlsx"


@pytest.mark.django_db
def test_closing_from_the_page_asks_first_then_closes(
    tenant: Tenant, october: dict[str, Any]
) -> None:
    client = coordinator(tenant)
    page = client.get(url("reports-billing-close"), {"month": "2026-10"})
    assert page.status_code == 200
    assert "What follows" in page.content.decode()
    assert not BillingMonth.objects.exists()
    response = client.post(url("reports-billing-close"), {"month": "2026-10"})
    assert response.status_code == 302
    closing = BillingMonth.objects.get()
    assert (closing.center, closing.month, closing.closed_by) == (
        tenant.center,
        OCTOBER,
        tenant.users["coordinator"],
    )
    page = client.get(url("reports-billing"), {"month": "2026-10"})
    assert "Closed for billing on" in page.content.decode()
    assert "Close this month" not in page.content.decode()


@pytest.mark.django_db
def test_closing_twice_from_the_page_says_so_and_changes_nothing(
    tenant: Tenant, october: dict[str, Any]
) -> None:
    client = coordinator(tenant)
    client.post(url("reports-billing-close"), {"month": "2026-10"})
    before = list(BillingMonth.objects.values_list("pk", "closed_at"))
    events = AuditEvent.objects.count()
    response = client.post(url("reports-billing-close"), {"month": "2026-10"})
    assert response.status_code == 400
    assert "was closed already" in response.content.decode()
    assert list(BillingMonth.objects.values_list("pk", "closed_at")) == before
    assert AuditEvent.objects.count() == events
