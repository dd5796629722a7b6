"""The audit trail in words: labels, links, field names, German dates, filters and search."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from core.models import AuditEvent
from core.services import audit_log
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def _kind(model) -> str:
    """The German label of a kind of object, as the volunteers' catalog words it."""
    with translation.override("de"):
        return str(capfirst(model._meta.verbose_name))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user, **params) -> str:
    with translation.override("de"):
        response = _client(user).get(reverse("audit-list"), params, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return response.content.decode()


def _at(event: AuditEvent, when: datetime) -> None:
    """Backdate an entry; the app cannot change entries (AuditEvent's queryset refuses), so
    the test goes around it with Django's plain queryset."""
    QuerySet(model=AuditEvent).filter(pk=event.pk).update(at=when)


def test_an_entry_names_the_object_by_kind_and_number_with_a_link(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    audit_log(actor=tenant.users["coordinator"], action="view", obj=volunteer)
    html = _page(tenant.users["coordinator"])
    url = reverse("volunteer-detail", args=[volunteer.pk])
    assert f'<a href="{url}">{_kind(Volunteer)} Nr. {volunteer.pk}</a>' in html
    assert "volunteers.volunteer #" not in html


def test_an_object_outside_the_readers_scope_is_named_without_link(tenant, other_tenant):
    foreign = VolunteerFactory(center=other_tenant.center)
    # An event of the reader's center about an object the reader may not open.
    audit_log(actor=tenant.users["coordinator"], action="view", obj=foreign, center=tenant.center)
    html = _page(tenant.users["coordinator"])
    assert f"{_kind(Volunteer)} Nr. {foreign.pk}" in html
    assert reverse("volunteer-detail", args=[foreign.pk]) not in html


def test_changed_fields_are_shown_by_their_labels(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    audit_log(
        actor=tenant.users["coordinator"],
        action="update",
        obj=volunteer,
        detail={"fields": ["consents.withdrawn_at", "phone"]},
    )
    html = _page(tenant.users["coordinator"])
    assert "consents.withdrawn_at" not in html
    assert "Einwilligungen: widerrufen am" in html


def test_a_status_change_shows_the_status_labels(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    audit_log(
        actor=tenant.users["coordinator"],
        action="transition",
        obj=volunteer,
        detail={"from": "approved", "to": "active", "action": "activate"},
    )
    html = _page(tenant.users["coordinator"])
    assert "Status:" in html
    assert "Status: freigegeben → aktiv" in html


def test_times_are_shown_in_german_format(tenant):
    event = audit_log(actor=tenant.users["coordinator"], action="login", center=tenant.center)
    _at(event, datetime(2026, 3, 5, 14, 30, tzinfo=BERLIN))
    html = _page(tenant.users["coordinator"])
    assert "05.03.2026 14:30" in html


def test_the_system_is_named_as_actor(tenant):
    audit_log(actor=None, action="update", obj=tenant.department)
    assert "System" in _page(tenant.users["coordinator"], actor="system")


def test_filter_by_actor_kind_action_and_period(tenant):
    coordinator = tenant.users["coordinator"]
    volunteer = VolunteerFactory(center=tenant.center)
    early = audit_log(actor=coordinator, action="view", obj=volunteer)
    _at(early, datetime(2026, 1, 10, 9, 0, tzinfo=BERLIN))
    late = audit_log(actor=None, action="update", obj=tenant.department)
    _at(late, datetime(2026, 2, 10, 9, 0, tzinfo=BERLIN))

    by_actor = _page(coordinator, actor=str(coordinator.pk))
    assert f"Nr. {volunteer.pk}" in by_actor and "Fachdienst Nr." not in by_actor
    by_kind = _page(coordinator, object_type="core.department")
    assert "Fachdienst Nr." in by_kind and f"{_kind(Volunteer)} Nr." not in by_kind
    by_action = _page(coordinator, action="view")
    assert f"{_kind(Volunteer)} Nr." in by_action and "Fachdienst Nr." not in by_action
    by_period = _page(coordinator, since="2026-02-01", until="2026-02-28")
    assert "Fachdienst Nr." in by_period and f"{_kind(Volunteer)} Nr." not in by_period


def test_a_period_ending_before_it_starts_is_refused_with_a_message(tenant):
    html = _page(tenant.users["coordinator"], since="2026-02-01", until="2026-01-01")
    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in html


def test_search_finds_an_object_by_number_and_kind(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    audit_log(actor=tenant.users["coordinator"], action="view", obj=volunteer)
    audit_log(actor=tenant.users["coordinator"], action="update", obj=tenant.department)
    by_number = _page(tenant.users["coordinator"], q=f"Nr. {volunteer.pk}")
    assert f"{_kind(Volunteer)} Nr. {volunteer.pk}" in by_number
    by_kind = _page(tenant.users["coordinator"], q="fachdienst")
    assert "Fachdienst Nr." in by_kind and f"{_kind(Volunteer)} Nr." not in by_kind


def test_the_trail_is_paginated_and_pages_keep_the_filters(tenant):
    for _ in range(55):
        audit_log(actor=tenant.users["coordinator"], action="update", obj=tenant.department)
    html = _page(tenant.users["coordinator"], action="update")
    assert "Seite 1 von 2" in html
    assert "action=update&amp;page=2" in html


def test_other_roles_may_not_read_the_trail(tenant):
    response = _client(tenant.users["caseworker"]).get(reverse("audit-list"))
    assert response.status_code == 403


def test_a_foreign_centers_events_stay_hidden(tenant, other_tenant):
    audit_log(actor=other_tenant.users["coordinator"], action="update", obj=other_tenant.place)
    html = _page(tenant.users["coordinator"])
    assert f"Ort Nr. {other_tenant.place.pk}" not in html
