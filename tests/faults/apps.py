"""A test-only app for the worker of ``tests/requests/test_qcluster_kill.py``: it makes a
matching run stop for a while at a known point, inside the run's transaction, after its
offers were written and before the commit, so the test can kill the worker right there.

Only when ``WIR_FAULT_PAUSE_FILE`` is set, and only once: the pause writes that file (the
test waits for it), so the run after the restart goes through."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.apps import AppConfig

#: How long the run waits at the known point (the test kills the worker long before).
PAUSE_SECONDS = 120


class FaultsConfig(AppConfig):
    name = "tests.faults"
    label = "faults"

    def ready(self) -> None:
        marker = os.environ.get("WIR_FAULT_PAUSE_FILE")
        if not marker:
            return
        from requests import services

        original = services.offers_create_for_run

        def offers_then_pause(*args: Any, **kwargs: Any) -> Any:
            offers = original(*args, **kwargs)
            path = Path(marker)
            if not path.exists():
                path.write_text(str(len(offers)))
                time.sleep(PAUSE_SECONDS)
            return offers

        services.offers_create_for_run = offers_then_pause  # type: ignore[assignment]
