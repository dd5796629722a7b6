"""The secret of an interpreter's calendar feed: only the interpreter renews or switches it
off, each change is audited without the secret, anonymising switches the feed off."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEvent
from sprachpool import services
from sprachpool.models import InterpreterProfile
from tests.factories import UserFactory
from tests.sprachpool.factories import interpreter

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(tenant: Any) -> InterpreterProfile:
    return interpreter(center=tenant.center, user=tenant.users["volunteer"])


def audited(profile: InterpreterProfile) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="sprachpool.interpreterprofile", object_id=str(profile.pk)
        )
        .order_by("id")
        .values_list("detail__calendar", flat=True)
    )


def test_renew_gives_a_long_random_secret_each_time(me: InterpreterProfile) -> None:
    first = services.calendar_token_renew(actor=me.volunteer.user, profile=me)
    second = services.calendar_token_renew(actor=me.volunteer.user, profile=me)

    assert len(first) == len(second) == 43
    assert first != second
    me.refresh_from_db()
    assert me.calendar_token == second
    assert audited(me) == ["created", "renewed"]


def test_ensure_creates_once_and_then_keeps_the_secret(me: InterpreterProfile) -> None:
    first = services.calendar_token_ensure(actor=me.volunteer.user, profile=me)
    again = services.calendar_token_ensure(actor=me.volunteer.user, profile=me)

    assert first and again == first
    assert audited(me) == ["created"]


def test_revoke_empties_the_secret_and_twice_changes_nothing(me: InterpreterProfile) -> None:
    services.calendar_token_renew(actor=me.volunteer.user, profile=me)

    services.calendar_token_revoke(actor=me.volunteer.user, profile=me)
    services.calendar_token_revoke(actor=me.volunteer.user, profile=me)

    me.refresh_from_db()
    assert me.calendar_token == ""
    assert audited(me) == ["created", "revoked"]


def test_the_secret_is_not_in_the_audit_trail(me: InterpreterProfile) -> None:
    secret = services.calendar_token_renew(actor=me.volunteer.user, profile=me)

    details = list(AuditEvent.objects.values_list("detail", flat=True))

    assert details and secret not in str(details)


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "volunteer"])
@pytest.mark.parametrize("change", [services.calendar_token_renew, services.calendar_token_revoke])
def test_nobody_else_changes_the_secret(tenant: Any, role: str, change: Any) -> None:
    """Not even the center's coordinator: the secret is the interpreter's own."""
    profile = interpreter(center=tenant.center, user=UserFactory(username="their-login"))
    secret = services.calendar_token_renew(actor=profile.volunteer.user, profile=profile)

    with pytest.raises(PermissionDenied):
        change(actor=tenant.users[role], profile=profile)

    profile.refresh_from_db()
    assert profile.calendar_token == secret
    assert audited(profile) == ["created"]


def test_anonymising_the_volunteer_switches_the_feed_off(me: InterpreterProfile) -> None:
    from volunteers.services import volunteer_anonymise

    services.calendar_token_renew(actor=me.volunteer.user, profile=me)

    volunteer_anonymise(actor=None, volunteer=me.volunteer)

    me.refresh_from_db()
    assert me.calendar_token == ""
