"""One integration test with a real task worker: ``manage.py qcluster`` in its own process,
the ORM broker on the test database (a SQLite file, or the test PostgreSQL under
``make test``), picks up an enqueued message task and sends the message exactly once, even
though the task was enqueued twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ, Success
from django_q.tasks import async_task

from core.models import Notification
from tests.conftest import Tenant
from tests.factories import UserFactory
from tests.requests.factories import InterpreterRequestFactory, OfferFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import VolunteerFactory

# The worker needs committed rows; serialized_rollback keeps the seeded languages.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: How long the worker may take to start and run both tasks.
DEADLINE_SECONDS = 90


def _database_for_the_worker() -> dict[str, Any]:
    database = dict(connection.settings_dict)
    if database["ENGINE"].endswith("sqlite3") and (
        ":memory:" in str(database["NAME"]) or "mode=memory" in str(database["NAME"])
    ):
        pytest.skip("an in-memory SQLite database cannot be shared with a worker process")
    database["TEST"] = {}
    return json.loads(json.dumps(database, default=str))


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Stop the worker this test started (it stops the processes it forked), and whatever
    of its process group is left after that."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # raised when the whole group has ended
        os.killpg(worker.pid, signal.SIGKILL)


def test_a_real_worker_sends_an_enqueued_message_exactly_once(
    tenant: Tenant, tmp_path: Path
) -> None:
    database = _database_for_the_worker()
    volunteer = VolunteerFactory(
        center=tenant.center,
        user=UserFactory(),
        email_confirmed_at=timezone.now(),
        notify_by="email",
    )
    request = InterpreterRequestFactory(
        center=tenant.center, department=tenant.department, status="offered"
    )
    offer = OfferFactory(
        request=request, interpreter=InterpreterProfileFactory(volunteer=volunteer, is_active=True)
    )
    for _ in range(2):
        async_task("requests.tasks.notify", "offer_made", offer.pk, q_options={"sync": False})
    assert OrmQ.objects.count() == 2 and Notification.objects.count() == 0

    mails = tmp_path / "mail"
    mails.mkdir()
    log = (tmp_path / "qcluster.log").open("wb")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.requests.qcluster_settings",
        "WIR_QCLUSTER_DATABASE": json.dumps(database),
        "WIR_QCLUSTER_MAIL_DIR": str(mails),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            if Success.objects.filter(func="requests.tasks.notify").count() == 2:
                break
            time.sleep(0.3)
    finally:
        _stop(worker)
        log.close()
    output = (tmp_path / "qcluster.log").read_text(errors="replace")[-3000:]

    assert Success.objects.filter(func="requests.tasks.notify").count() == 2, output
    assert sorted(Success.objects.values_list("result", flat=True)) == [0, 2], output
    email = Notification.objects.get(event="offer_made", channel="email")
    assert email.sent_at is not None and email.attempts == 1
    assert Notification.objects.filter(event="offer_made", channel="in_app").count() == 1
    written = [path.read_text() for path in mails.iterdir()]
    assert len(written) == 1 and volunteer.email in written[0], output
