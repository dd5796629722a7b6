"""Fixtures of the request-flow tests: messages in English (the msgids), logged-in
clients by role, and an interpreter with a login in the tenant's center."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from core.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import VolunteerFactory


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service and form messages in English, whatever the default language is."""
    with translation.override("en"):
        yield


def client_for(user: Any) -> Client:
    """A test client logged in as ``user``, asking for English pages."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def as_role(tenant: Any) -> Callable[..., Client]:
    """``as_role(role, of=tenant)``: a client logged in as that role's user."""

    def login(role: str, *, of: Any = None) -> Client:
        return client_for((of or tenant).users[role])

    return login


def make_interpreter(center: Any, *, username: str, **profile: Any) -> Any:
    """An active interpreter whose volunteer has a login with the volunteer role."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, center=center, role=Role.VOLUNTEER)
    volunteer = VolunteerFactory(center=center, user=user, first_name="Amal", last_name="Haddad")
    return InterpreterProfileFactory(volunteer=volunteer, is_active=True, **profile)


@pytest.fixture
def interpreter(tenant: Any) -> Any:
    """The tenant's volunteer login as an active interpreter."""
    user = tenant.users["volunteer"]
    volunteer = VolunteerFactory(
        center=tenant.center, user=user, first_name="Amal", last_name="Haddad"
    )
    return InterpreterProfileFactory(volunteer=volunteer, is_active=True)
