"""Volunteers near (80 %) or over the yearly tax-free limit: the figures of the
coordinator's warning, the year chooser, scope and roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reports import billing
from requests import selectors
from tests.conftest import Tenant
from tests.reports.test_billing import book, person
from tests.requests.conftest import client_for

YEAR = 2026


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def year(tenant: Tenant, other_tenant: Tenant) -> dict[str, Any]:
    """2026 (limit 960 €): exactly 80 % (768 €, with a correction), one cent below, over the
    limit, another year, another center."""
    near, below = person(tenant, "Nora", "Near"), person(tenant, "Bert", "Below")
    over, last_year = person(tenant, "Olga", "Over"), person(tenant, "Lars", "Last")
    dept = tenant.department
    first = book(tenant, near, dept, "500.00", minutes=60, month=dt.date(YEAR, 1, 1))
    book(tenant, near, dept, "-0.01", minutes=60, month=dt.date(YEAR, 2, 1), corrects=first)
    book(tenant, near, dept, "268.01", minutes=60, month=dt.date(YEAR, 12, 1))
    book(tenant, below, dept, "767.99", minutes=60, month=dt.date(YEAR, 3, 1))
    book(tenant, over, dept, "600.00", minutes=60, month=dt.date(YEAR, 4, 1))
    book(tenant, over, dept, "400.50", minutes=60, month=dt.date(YEAR, 5, 1))
    book(tenant, last_year, dept, "990.00", minutes=60, month=dt.date(YEAR - 1, 12, 1))
    stranger = person(other_tenant, "Sara", "Stranger")
    book(
        other_tenant,
        stranger,
        other_tenant.department,
        "990.00",
        minutes=60,
        month=dt.date(YEAR, 6, 1),
    )
    return {"near": near, "below": below, "over": over}


def listed(tenant: Tenant, year: int = YEAR) -> list[billing.LimitRow]:
    return billing.tax_free_list(user=tenant.users["coordinator"], center=tenant.center, year=year)


@pytest.mark.django_db
def test_those_at_80_percent_or_over_the_limit_are_listed(
    tenant: Tenant, year: dict[str, Any]
) -> None:
    rows = [(r.name, r.total, r.share, r.over, r.remaining, r.over_by) for r in listed(tenant)]
    assert rows == [
        ("Olga Over", Decimal("1000.50"), 104, True, Decimal("0.00"), Decimal("40.50")),
        ("Nora Near", Decimal("768.00"), 80, False, Decimal("192.00"), Decimal("0.00")),
    ]


@pytest.mark.django_db
def test_the_list_agrees_with_the_coordinators_warning(
    tenant: Tenant, year: dict[str, Any]
) -> None:
    on = dt.date(YEAR, 12, 31)
    for row, profile in zip(listed(tenant), [year["over"], year["near"]], strict=True):
        assert selectors.allowance_year_total(interpreter=profile, year=YEAR) == row.total
        warned = selectors.allowance_limit_warning(interpreter=profile, extra=Decimal(0), on=on)
        assert (warned is not None) is row.over


@pytest.mark.django_db
def test_the_year_has_its_own_limit(tenant: Tenant, year: dict[str, Any]) -> None:
    rows = listed(tenant, YEAR - 1)
    assert [(r.name, r.limit, r.over) for r in rows] == [("Lars Last", Decimal("840.00"), True)]


def coordinator(tenant: Tenant) -> Any:
    return client_for(tenant.users["coordinator"])


@pytest.mark.django_db
def test_the_page_lists_them_for_the_chosen_year(
    tenant: Tenant, year: dict[str, Any], settings: Any
) -> None:
    this_year = timezone.localdate().year
    response = coordinator(tenant).get(reverse("reports-tax-free"), {"year": str(YEAR)})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Olga Over" in text and "over the limit by 40.50 €" in text
    assert "Nora Near" in text and "near the limit: 192.00 € left" in text
    assert "Bert Below" not in text and "Sara Stranger" not in text
    assert f"year={this_year - 1}" in text or this_year == YEAR


@pytest.mark.django_db
def test_a_year_outside_the_chooser_falls_back_to_this_year(tenant: Tenant) -> None:
    response = coordinator(tenant).get(reverse("reports-tax-free"), {"year": "1999"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["caseworker", "volunteer"])
def test_only_coordinators_see_the_list(tenant: Tenant, role: str) -> None:
    assert client_for(tenant.users[role]).get(reverse("reports-tax-free")).status_code == 403


@pytest.mark.django_db
def test_another_centers_list_is_not_found(tenant: Tenant, other_tenant: Tenant) -> None:
    response = coordinator(tenant).get(
        reverse("reports-tax-free"), {"center": other_tenant.center.pk}
    )
    assert response.status_code == 404
