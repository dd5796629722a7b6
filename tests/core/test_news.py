"""The in-app messages ("Neuigkeiten") and the coordinator's page of messages not delivered:
each user sees only their own messages, each coordinator only their centers' failures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from core.context_processors import navigation
from core.messaging import MAX_ATTEMPTS, record_in_app
from core.models import Notification, User
from core.web import PAGE_SIZE
from tests.conftest import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def client_for(user: User) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def news(user: User, key: str, subject: str = "Booked", **fields: Any) -> Notification:
    record_in_app(key=key, recipient=user, subject=subject, body=f"Text {key}", event="t")
    if fields:
        Notification.objects.filter(key=key).update(**fields)
    return Notification.objects.get(key=key)


def failed(tenant: Tenant, key: str = "f", **fields: Any) -> Notification:
    values = {
        "key": key,
        "center": tenant.center,
        "recipient": tenant.users["volunteer"],
        "channel": "email",
        "event": "offer_made",
        "address": "amal@example.org",
        "subject": "Interpreting request",
        "body": "Hello",
        "attempts": MAX_ATTEMPTS,
        "error": "mail server down",
        **fields,
    }
    return Notification.objects.create(**values)


# --- Neuigkeiten ----------------------------------------------------------------------------


def test_the_list_shows_only_the_users_own_messages_newest_first(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    me = tenant.users["caseworker"]
    news(me, "old", "Older", created_at=timezone.now() - dt.timedelta(days=1))
    news(me, "new", "Newer")
    news(tenant.users["coordinator"], "theirs", "Not for you")
    news(other_tenant.users["caseworker"], "elsewhere", "Not for you either")

    page = client_for(me).get(reverse("news-list"))
    assert page.status_code == 200
    assert [n.key for n in page.context["page"].object_list] == ["new", "old"]
    assert "Not for you" not in page.content.decode()


def test_unread_messages_are_marked_in_words(tenant: Tenant) -> None:
    me = tenant.users["volunteer"]
    news(me, "unread", "Fresh")
    news(me, "read", "Seen", read_at=timezone.now())
    html = client_for(me).get(reverse("news-list")).content.decode()
    assert html.count(">Unread</span>") == 1
    assert "1 unread message" in html


def test_mark_all_read_marks_the_users_messages_only(tenant: Tenant) -> None:
    me, other = tenant.users["volunteer"], tenant.users["caseworker"]
    news(me, "a")
    news(me, "b")
    news(other, "c")
    response = client_for(me).post(reverse("news-mark-read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(key="c").read_at is None


def test_mark_all_read_needs_a_post(tenant: Tenant) -> None:
    me = tenant.users["volunteer"]
    news(me, "a")
    assert client_for(me).get(reverse("news-mark-read")).status_code == 405
    assert Notification.objects.get(key="a").read_at is None


def test_the_list_is_paginated(tenant: Tenant) -> None:
    me = tenant.users["volunteer"]
    for number in range(PAGE_SIZE + 1):
        news(me, f"n{number}")
    client = client_for(me)
    first = client.get(reverse("news-list"))
    second = client.get(reverse("news-list"), {"page": 2})
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 1


def test_an_empty_list_says_so(tenant: Tenant) -> None:
    html = client_for(tenant.users["network_lead"]).get(reverse("news-list")).content.decode()
    assert "No messages yet" in html


def test_the_list_needs_a_login() -> None:
    response = Client().get(reverse("news-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_counts_the_unread_messages(tenant: Tenant) -> None:
    me = tenant.users["caseworker"]
    news(me, "a")
    news(me, "b")
    news(me, "c", read_at=timezone.now())
    response = client_for(me).get(reverse("home"))
    item = next(i for i in response.context["nav_items"] if i["url"] == reverse("news-list"))
    assert item["count"] == 2
    assert "(2 new)" in response.content.decode()


def test_the_menu_count_is_one_query(tenant: Tenant, django_assert_num_queries: Any) -> None:
    me = tenant.users["caseworker"]
    request = RequestFactory().get("/")
    request.user = me
    navigation(request)  # the memberships are loaded (and cached) once per user
    with django_assert_num_queries(1):
        navigation(request)


# --- messages not delivered -----------------------------------------------------------------


def test_the_coordinator_sees_the_failed_messages_of_their_center_only(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    mine = failed(tenant)
    failed(other_tenant, key="elsewhere", address="fremd@example.org")
    failed(tenant, key="still-trying", attempts=1, address="soon@example.org")
    failed(tenant, key="sent", sent_at=timezone.now(), address="sent@example.org")

    page = client_for(tenant.users["coordinator"]).get(reverse("message-failures"))
    assert [n.pk for n in page.context["page"].object_list] == [mine.pk]
    html = page.content.decode()
    for shown in ("amal@example.org", "mail server down", "Try again"):
        assert shown in html
    assert "fremd@example.org" not in html


def test_a_failed_message_names_its_event_in_words_not_by_its_code(tenant: Tenant) -> None:
    failed(tenant, event="assignment_cancelled_interpreter")

    html = client_for(tenant.users["coordinator"]).get(reverse("message-failures")).text

    assert "Cancelled by the interpreter" in html
    assert "assignment_cancelled_interpreter" not in html


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_only_coordinators_open_the_failed_messages(tenant: Tenant, role: str) -> None:
    failed(tenant)
    assert client_for(tenant.users[role]).get(reverse("message-failures")).status_code == 403


def test_try_again_sends_the_message_and_it_leaves_the_list(tenant: Tenant) -> None:
    row = failed(tenant)
    client = client_for(tenant.users["coordinator"])
    response = client.post(reverse("message-failure-retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.sent_at is not None
    assert [m.to for m in mail.outbox] == [["amal@example.org"]]
    assert list(client.get(reverse("message-failures")).context["page"].object_list) == []


def test_try_again_of_another_centers_message_is_a_404(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    row = failed(other_tenant)
    client = client_for(tenant.users["coordinator"])
    assert client.post(reverse("message-failure-retry", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert (row.sent_at, row.attempts) == (None, MAX_ATTEMPTS)
    assert mail.outbox == []


def test_the_overview_tells_coordinators_about_failed_messages(tenant: Tenant) -> None:
    failed(tenant)
    response = client_for(tenant.users["coordinator"]).get(reverse("home"))
    cards = [c for c in response.context["home_cards"] if c.url == reverse("message-failures")]
    assert [card.figure for card in cards] == [1]
