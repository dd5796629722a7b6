"""Identical creates at the same moment, for real: requests in threads, each with its own
database connection, on SQLite (a file, see ``config/settings/test.py``) and PostgreSQL.
Exactly one is stored; the others get a 400 or 409 with a message, never a 500 and never
SQLite's "database is locked"."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from core.models import Department, Role
from tests.conftest import Tenant

# serialized_rollback: the flush after each test would drop the seeded languages.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARALLEL = 8


def at_once(call: Any) -> list[Any]:
    """``call()`` in PARALLEL threads released together; each result or exception."""
    barrier = threading.Barrier(PARALLEL)
    results: list[Any] = [None] * PARALLEL

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # asserted on below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_identical_api_creates_store_one_and_answer_the_rest(tenant: Tenant) -> None:
    user = tenant.users[Role.COORDINATOR]
    body = {"name": "Parallelamt", "kind": "other", "center": tenant.center.pk}

    def create() -> int:
        client = APIClient()
        client.force_authenticate(user)
        response = client.post("/api/v1/departments/", body, format="json")
        return response.status_code

    statuses = at_once(create)
    assert not [s for s in statuses if isinstance(s, Exception)], statuses
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 400, 409}
    assert Department.objects.filter(name="Parallelamt").count() == 1


def test_parallel_identical_web_creates_store_one_and_answer_the_rest(tenant: Tenant) -> None:
    user = tenant.users[Role.COORDINATOR]
    form = {"center": tenant.center.pk, "name": "Parallelamt", "kind": "other"}

    def create() -> int:
        client = Client()
        client.force_login(user)
        return client.post("/departments/new/", form).status_code

    statuses = at_once(create)
    assert not [s for s in statuses if isinstance(s, Exception)], statuses
    assert statuses.count(302) == 1
    assert set(statuses) <= {302, 200, 409}  # 200: the form with its "already exists" error
    assert Department.objects.filter(name="Parallelamt").count() == 1
