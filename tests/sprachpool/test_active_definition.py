"""One definition of an active interpreter who can receive requests, asked by every page."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from sprachpool.models import InterpreterProfile
from sprachpool.selectors import (
    BLOCKER_STATUS,
    active_profiles,
    can_receive_requests,
    interpreter_candidates,
    language_coverage,
    receive_blockers,
)
from tests.sprachpool.factories import interpreter
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def _dashboard_count(user) -> int:
    cards = apps.get_app_config("sprachpool").home_cards(user)
    return cards[0].figure


def test_dashboard_and_coverage_count_the_same_interpreters(tenant) -> None:
    interpreter(center=tenant.center)
    # Active and cleared, but the other language is below B1: still an interpreter.
    interpreter(center=tenant.center, languages=(("de", "C1"), ("ar", "A2")))
    # Switched active, but paused: receives no requests, so not counted anywhere.
    interpreter(center=tenant.center, status=Volunteer.Status.PAUSED)
    coordinator = tenant.users["coordinator"]

    dashboard = _dashboard_count(coordinator)
    coverage = language_coverage(user=coordinator).interpreters

    assert dashboard == coverage == 2


def test_paused_interpreter_cannot_receive_requests(tenant) -> None:
    profile = interpreter(center=tenant.center, status=Volunteer.Status.PAUSED)

    assert not can_receive_requests(profile=profile)
    assert receive_blockers(profile=profile) == [BLOCKER_STATUS]
    assert interpreter_candidates(center=tenant.center) == []


def test_blockers_are_empty_exactly_when_the_interpreter_can_receive(tenant) -> None:
    ready = interpreter(center=tenant.center)
    no_pledge = interpreter(center=tenant.center, pledge=False)
    only_german = interpreter(center=tenant.center, languages=(("de", "native"),))
    switched_off = interpreter(center=tenant.center, active=False)

    receivable = set(active_profiles(InterpreterProfile.objects.all()))

    assert receivable == {ready}
    for profile in (ready, no_pledge, only_german, switched_off):
        assert (receive_blockers(profile=profile) == []) == (profile in receivable)


def test_own_page_of_a_paused_interpreter_does_not_promise_offers(tenant) -> None:
    user = tenant.users["volunteer"]
    interpreter(center=tenant.center, status=Volunteer.Status.PAUSED, user=user)
    client = Client()
    client.force_login(user)

    response = client.get(reverse("interpreter-me"))

    assert response.status_code == 200
    assert response.context["can_receive"] is False
    assert response.context["blockers"]
