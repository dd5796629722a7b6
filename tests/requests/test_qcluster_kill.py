"""A worker killed with ``kill -9`` in the middle of a matching run leaves no half-applied
run, and after the retry there is exactly one run, one offer per request and one message
per offer and channel: a real ``manage.py qcluster`` (ORM broker on the test database),
paused at a known point inside the run's transaction by the test-only app
``tests/faults`` (after the offers were written, before the commit), killed there with
SIGKILL (the whole process group), then started again."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django_q.models import OrmQ, Success
from django_q.tasks import async_task

from core.models import Notification
from matching.models import MatchingRun
from requests.models import Offer
from tests.conftest import Tenant
from tests.matching.test_services import open_request, pool_member
from tests.requests.test_qcluster import _database_for_the_worker, _stop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEADLINE_SECONDS = 120


def _start(tmp_path: Path, name: str, database: dict[str, Any], marker: Path) -> Any:
    log = (tmp_path / f"{name}.log").open("wb")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.requests.qcluster_kill_settings",
        "WIR_QCLUSTER_DATABASE": json.dumps(database),
        "WIR_QCLUSTER_MAIL_DIR": str(tmp_path / "mail"),
        "WIR_FAULT_PAUSE_FILE": str(marker),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait(condition: Any, worker: Any, what: str, tmp_path: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline and worker.poll() is None:
        if condition():
            return
        time.sleep(0.3)
    logs = "".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def test_a_worker_killed_mid_run_leaves_nothing_and_the_retry_offers_once(
    tenant: Tenant, tmp_path: Path
) -> None:
    database = _database_for_the_worker()
    (tmp_path / "mail").mkdir()
    marker = tmp_path / "paused"
    pool_member(tenant)
    pool_member(tenant)
    requests = [open_request(tenant), open_request(tenant, language_id="de")]
    async_task("matching.tasks.run_center", tenant.center.pk, "urgent", q_options={"sync": False})

    first = _start(tmp_path, "first", database, marker)
    try:
        _wait(marker.exists, first, "the run to reach the pause", tmp_path)
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its cluster, mid-transaction
        first.wait(timeout=30)
    finally:
        _stop(first)
    connection.close()  # read what the database holds now, on a fresh connection
    assert int(marker.read_text()) == 2  # the run had written its two offers ...
    assert MatchingRun.objects.count() == 0  # ... and none of it is left
    assert Offer.objects.count() == 0 and Notification.objects.count() == 0
    assert OrmQ.objects.count() == 1  # the task is still queued, not acknowledged

    second = _start(tmp_path, "second", database, marker)
    try:
        _wait(
            lambda: Success.objects.filter(func="requests.tasks.notify_many").exists(),
            second,
            "the retried run and its messages",
            tmp_path,
        )
    finally:
        _stop(second)
    run = MatchingRun.objects.get()
    assert run.status == MatchingRun.Status.FINISHED
    offers = list(Offer.objects.order_by("request_id"))
    assert [offer.request_id for offer in offers] == sorted(r.pk for r in requests)
    emails = Notification.objects.filter(event="offer_made", channel="email")
    assert emails.count() == 2
    # The file backend writes one file per connection, so two mails may share a file.
    written = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert len(re.findall(r"^Message-ID: ", written, re.MULTILINE)) == 2
    assert Success.objects.filter(func="matching.tasks.run_center").count() == 1
