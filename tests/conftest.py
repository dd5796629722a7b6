"""Shared fixtures: two centers with a member of every role, API clients logged in by role."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from core.models import Center, Department, Place, Role, User
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    MembershipFactory,
    PlaceFactory,
    UserFactory,
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--language-code",
        default=None,
        help="Run every test with this LANGUAGE_CODE (e.g. en): a test that asserts a text "
        "must pin its language, not take the default.",
    )


@pytest.fixture(autouse=True)
def _language_code(request: pytest.FixtureRequest) -> Any:
    """``--language-code=en``: the default language switched for the whole run."""
    code = request.config.getoption("--language-code")
    if not code:
        yield
        return
    request.getfixturevalue("settings").LANGUAGE_CODE = code
    with translation.override(code):
        yield


@pytest.fixture(autouse=True)
def _languages_present(request: pytest.FixtureRequest) -> None:
    """Transactional tests: the languages seeded by ``core``'s data migration are there.

    A transactional test ends with a flush, and ``serialized_rollback`` restores the
    migration's rows only for tests that ask for it; which test a worker ran before depends
    on pytest-xdist's distribution. Seeding them again here (idempotent) makes every
    transactional test independent of that order.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or "transaction" in marker.args):
        return
    from django.apps import apps

    from core.models import Language

    if not Language.objects.exists():
        seed = importlib.import_module("core.migrations.0002_seed_languages").seed_languages
        seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttles and failed-login counts live in the cache: every test starts from zero."""
    cache.clear()


@dataclass
class Tenant:
    """One center with a department, a place and one user per role."""

    center: Center
    department: Department
    place: Place
    users: dict[str, User]


def make_tenant(slug: str) -> Tenant:
    center = CenterFactory(slug=slug, name=f"WIR-Vielfaltszentrum {slug}")
    department = DepartmentFactory(center=center, name="Gesundheitsamt")
    place = PlaceFactory(center=center, name=f"Kreishaus {slug}")
    users = {}
    for role in Role.values:
        user = UserFactory(username=f"{role}-{slug}")
        MembershipFactory(
            user=user,
            center=center,
            role=role,
            department=department if role == Role.CASEWORKER else None,
        )
        users[role] = user
    return Tenant(center=center, department=department, place=place, users=users)


@pytest.fixture
def tenant(db: None) -> Tenant:
    """The caller's own center."""
    return make_tenant("eigen")


@pytest.fixture
def other_tenant(db: None) -> Tenant:
    """A second center whose data the caller must never see."""
    return make_tenant("fremd")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(api_client: APIClient, tenant: Tenant):  # type: ignore[no-untyped-def]
    """``api_as(role)``: an API client authenticated as that role's user of ``tenant``."""

    def login(role: str, *, of: Tenant | None = None) -> APIClient:
        client = APIClient()
        client.force_authenticate((of or tenant).users[role])
        return client

    return login


@pytest.fixture(autouse=True)
def _empty_sms_outbox() -> Any:
    """Each test starts with an empty in-memory SMS outbox (like Django's mail.outbox)."""
    from core.sms import MemorySmsBackend

    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def failing(settings: Any) -> Any:
    """Flaky e-mail and SMS backends (``tests/core/failing_backends.py``): add ``"email"`` or
    ``"sms"`` to the yielded set to make that channel fail, clear it to mend them."""
    from tests.core.failing_backends import FailSwitch

    settings.EMAIL_BACKEND = "tests.core.failing_backends.FlakyEmailBackend"
    settings.SMS_BACKEND = "tests.core.failing_backends.FlakySmsBackend"
    FailSwitch.failing.clear()
    yield FailSwitch.failing
    FailSwitch.failing.clear()
