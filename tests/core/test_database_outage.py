"""The database unreachable for a moment (the connection pointed at a place where no
database is, for one request: SQLite a file in a folder that does not exist, PostgreSQL a
closed port): pages answer a German and English 503 page without a traceback, the API a
503 ``{"detail"}`` with ``Retry-After``; nothing is stored; once the database is back the
same requests succeed. A programming error stays a 500."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.outage import RETRY_AFTER_SECONDS, is_database_unavailable
from requests.models import InterpreterRequest
from tests.api.test_requests import payload

# The test closes and reopens the connection: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


@contextlib.contextmanager
def database_unreachable() -> Iterator[None]:
    """Point the connection where no database is, until the block ends."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-wir-folder/db.sqlite3"
    else:
        connection.settings_dict.update(
            HOST="127.0.0.1", PORT=str(_closed_port()), OPTIONS={"connect_timeout": 2}
        )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def coordinator_page(tenant) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(tenant.users["coordinator"])
    return client


@pytest.fixture
def caseworker_api(tenant) -> Client:
    token = Token.objects.create(user=tenant.users["caseworker"])
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")


def test_a_page_says_the_service_is_briefly_unavailable(coordinator_page):
    with database_unreachable():
        response = coordinator_page.get(reverse("volunteer-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    text = response.content.decode()
    assert "Der Dienst ist kurz nicht erreichbar" in text
    assert "The service is briefly unavailable" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert coordinator_page.get(reverse("volunteer-list")).status_code == 200  # back


def test_the_api_answers_503_with_retry_after_and_resumes(tenant, caseworker_api):
    url = reverse("api-requests")
    body = payload(tenant)
    with database_unreachable():
        refused = caseworker_api.post(url, body, content_type="application/json")
        listed = caseworker_api.get(url)
    for response in (refused, listed):
        assert response.status_code == 503
        assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}
    assert InterpreterRequest.objects.count() == 0  # nothing half-stored

    created = caseworker_api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert caseworker_api.get(url).json()["count"] == 1


def test_only_errors_of_reaching_the_database_count():
    assert is_database_unavailable(OperationalError("unable to open database file"))
    assert is_database_unavailable(
        OperationalError('connection to server at "127.0.0.1", port 1 failed: Connection refused')
    )
    assert not is_database_unavailable(OperationalError("no such table: core_center"))
    assert not is_database_unavailable(ProgrammingError("syntax error at or near"))
    assert not is_database_unavailable(ValueError("could not connect"))
