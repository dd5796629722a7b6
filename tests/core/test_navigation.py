"""The main menu: one current item, every page reachable, a menu that works on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from core.navigation import current_index

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", 0),
        ("/volunteers/", 1),
        ("/volunteers/12/", 1),
        ("/volunteers/approvals/", 2),
        ("/elsewhere/", None),
    ],
)
def test_the_longest_matching_link_is_the_only_current_one(path, expected):
    assert current_index(path, ["/", "/volunteers/", "/volunteers/approvals/"]) == expected


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_page_below_two_menu_links_marks_only_one_current(tenant):
    response = _client(tenant.users["coordinator"]).get(reverse("volunteer-approvals"))
    active = [item for item in response.context["nav_items"] if item["active"]]
    assert [item["url"] for item in active] == [reverse("volunteer-approvals")]


@pytest.mark.django_db
def test_the_overview_is_not_current_on_other_pages(tenant):
    response = _client(tenant.users["coordinator"]).get(reverse("place-list"))
    active = [str(item["label"]) for item in response.context["nav_items"] if item["active"]]
    assert len(active) == 1
    assert reverse("home") not in [i["url"] for i in response.context["nav_items"] if i["active"]]


@pytest.mark.django_db
def test_coordinators_reach_departments_places_members_and_the_audit_trail_from_the_menu(
    tenant,
):
    response = _client(tenant.users["coordinator"]).get(reverse("home"))
    urls = {item["url"] for item in response.context["nav_items"]}
    for name in ("department-list", "place-list", "member-list", "audit-list"):
        assert reverse(name) in urls


@pytest.mark.django_db
def test_a_volunteer_does_not_get_the_coordinators_pages(tenant):
    response = _client(tenant.users["volunteer"]).get(reverse("home"))
    urls = {item["url"] for item in response.context["nav_items"]}
    assert reverse("member-list") not in urls
    assert reverse("audit-list") not in urls


@pytest.mark.django_db
def test_the_phone_menu_is_a_disclosure_listing_every_item(tenant):
    response = _client(tenant.users["coordinator"]).get(reverse("home"))
    html = response.content.decode()
    phone = html[html.index('<details class="nav-phone">') : html.index("</details>")]
    assert "<summary>" in phone
    for item in response.context["nav_items"]:
        assert f'href="{item["url"]}"' in phone
    assert "<script" not in html and "style=" not in html


def test_the_users_name_stays_visible_on_a_phone():
    css = CSS.read_text()
    assert ".who { display: none; }" not in css


@pytest.mark.django_db
def test_the_coverage_table_scrolls_in_a_focusable_labelled_region(rf, tenant):
    from types import SimpleNamespace

    row = SimpleNamespace(
        language=SimpleNamespace(name="Tigrinya"), scarce=True, total=1, cells=[1]
    )
    coverage = SimpleNamespace(rows=[row], towns=[tenant.place], interpreters=1, scarce_count=1)
    request = rf.get("/pool/coverage/")
    request.user = tenant.users["coordinator"]
    html = render_to_string(
        "sprachpool/language_coverage.html",
        {"coverage": coverage, "scarce_below": 2, "grand_total": 1, "town_rows": [(None, 1)]},
        request=request,
    )
    assert "<style" not in html
    assert 'role="region" tabindex="0" aria-labelledby="coverage-caption"' in html
    assert '<caption id="coverage-caption">' in html


class _Groups(forms.Form):
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")], widget=forms.CheckboxSelectMultiple
    )


def test_a_checkbox_group_puts_each_label_beside_its_box():
    html = render_to_string("includes/field.html", {"field": _Groups()["days"]})
    assert '<div class="choice"><input type="checkbox"' in html
    css = CSS.read_text()
    assert ".field .choice label { display: inline;" in css


@pytest.mark.parametrize(
    ("role", "linked"),
    [("coordinator", True), ("caseworker", True), ("volunteer", False), ("network_lead", False)],
)
def test_the_footer_links_the_api_documentation_for_staff_only(tenant, role, linked):
    client = Client()
    client.force_login(tenant.users[role])
    page = client.get(reverse("news-list")).content.decode()
    assert (f'href="{reverse("api-docs")}"' in page) is linked


def test_public_pages_do_not_link_the_api_documentation():
    page = Client().get(reverse("login")).content.decode()
    assert reverse("api-docs") not in page
