"""schemathesis against the served OpenAPI schema (``/api/v1/schema/``) on a live test
server, once per role's token: coordinator, caseworker, volunteer (an interpreter),
network lead and admin (a superuser). The checks are schemathesis' defaults for an API
whose business rules the schema cannot state: no server error, status codes, content types
and response bodies as documented, schema-violating input refused, and authentication not
ignored (``CHECKS``). ``positive_data_acceptance`` is left out: a schema-valid request may
still break a rule of the center (lead time, an unknown network, a taken reference), and
the 400 that says so is right (docs/security.md, "Robustness and faults").

The project's ``requests`` app shadows the PyPI package ``requests`` that schemathesis
imports, so schemathesis runs in its own process: ``python -I`` (no current directory and
no ``PYTHONPATH`` on ``sys.path``), started in a temporary directory. The run is bounded
(few examples per operation, a fixed seed, a time limit per role) and its figures are
printed (``-s``) and kept in the JSON report in the test's temporary directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.models import Role
from tests.conftest import make_tenant
from tests.factories import UserFactory
from tests.networks.factories import (
    CheckInFactory,
    HouseholdFactory,
    NetworkFactory,
    NetworkLeadFactory,
    SponsorshipFactory,
)
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, OfferFactory
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import AbsenceFactory, VolunteerFactory

# The live server reads committed rows; serialized_rollback keeps the seeded languages.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)

#: Revoking the token (``DELETE /auth/token/``) would log the rest of the run out.
EXCLUDED_OPERATIONS = ("auth_token_destroy",)

#: role → (examples per operation, seconds at most). The fuzzing phase only: the coverage
#: phase (boundary values, every enum, missing fields; thousands of cases) takes minutes and
#: was run by hand (docs/security.md). The coordinator and the admin reach every operation;
#: the other roles are mostly refused with 403/404. On a busy machine the time limit ends a
#: run early: the figures printed say how far it got.
RUNS: dict[str, tuple[int, int]] = {
    Role.COORDINATOR: (6, 35),
    "admin": (4, 15),
    Role.CASEWORKER: (3, 10),
    Role.VOLUNTEER: (3, 10),
    Role.NETWORK_LEAD: (3, 10),
}


def _seed() -> dict[str, str]:
    """Two centers with something of every resource; the API tokens by role."""
    tenant = make_tenant("eigen")
    make_tenant("fremd")
    users = dict(tenant.users)
    users["admin"] = UserFactory(username="admin", is_staff=True, is_superuser=True)

    volunteer = VolunteerFactory(center=tenant.center)
    AbsenceFactory(volunteer=volunteer)
    profile = interpreter(center=tenant.center, user=users[Role.VOLUNTEER])
    request = InterpreterRequestFactory(center=tenant.center, department=tenant.department)
    OfferFactory(request=request, interpreter=profile)
    past = InterpreterRequestFactory(
        center=tenant.center,
        department=tenant.department,
        start=timezone.now() - timezone.timedelta(days=2),
        end=timezone.now() - timezone.timedelta(days=2, hours=-1),
        status="assigned",
    )
    AssignmentFactory(request=past, interpreter=profile)
    network = NetworkFactory(center=tenant.center)
    NetworkLeadFactory(network=network, user=users[Role.NETWORK_LEAD])
    HouseholdFactory(network=network)
    CheckInFactory(sponsorship=SponsorshipFactory(network=network))
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


def _served_schema(url: str, workdir: Path) -> Path:
    """The schema as the live server serves it, saved once: generating it takes seconds on a
    busy machine, longer than schemathesis waits for it, and it is the same for every role."""
    global _schema_text
    if _schema_text is None:
        with urllib.request.urlopen(f"{url}/api/v1/schema/?format=json", timeout=120) as answer:
            assert answer.status == 200
            _schema_text = answer.read().decode()
    path = workdir / "schema.json"
    path.write_text(_schema_text)
    return path


_schema_text: str | None = None


def _schemathesis(url: str, token: str, role: str, workdir: Path) -> dict[str, Any]:
    examples, seconds = RUNS[role]
    report = workdir / f"{role}.json"
    command = [
        sys.executable,
        "-I",
        "-m",
        "schemathesis.cli",
        "run",
        str(_served_schema(url, workdir)),
        "--url",
        url,
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        ",".join(CHECKS),
        *[arg for op in EXCLUDED_OPERATIONS for arg in ("--exclude-operation-id", op)],
        "--phases",
        "fuzzing",
        "--max-examples",
        str(examples),
        "--max-time",
        str(seconds),
        "--seed",
        "20261202",
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE")}
    env["NO_COLOR"] = "1"
    result = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=seconds + 120
    )
    assert report.exists(), result.stdout[-4000:] + result.stderr[-4000:]
    figures = json.loads(report.read_text())
    figures["output"] = result.stdout
    (workdir / f"{role}.out").write_text(result.stdout + result.stderr)
    return figures


def test_the_api_keeps_its_schema_for_every_role(live_server: Any, tmp_path: Path) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("schemathesis runs once, on the SQLite leg (CI's time budget).")
    tokens = _seed()
    tested, failures = 0, {}
    for role in RUNS:
        figures = _schemathesis(live_server.url, tokens[role], role, tmp_path)
        cases = figures["test_cases"]
        print(
            f"\nschemathesis as {role}: {figures['operations']['tested']} operations, "
            f"{cases['generated']} cases, {cases['unique_failures']} failures, "
            f"{len(figures['errors'])} errors, {figures['running_time']:.0f} s"
        )
        tested += figures["operations"]["tested"]
        if figures["failures"] or figures["errors"]:
            failures[role] = figures["output"].split("FAILURES", 1)[-1][:6000]
    assert failures == {}
    assert tested > 0  # a busy machine may end a role's run early, never all of them
