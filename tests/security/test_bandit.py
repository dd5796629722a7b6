"""bandit (the static security checker) finds nothing of medium or high severity with
medium or high confidence in the project's code, apart from the findings listed in
``JUSTIFIED`` (each explained in docs/security.md, "Robustness and faults"). It runs
offline in a subprocess, as ``make audit`` runs it (``BANDIT_ARGS`` is the one command
line of both)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

#: The apps and settings bandit reads; the tests, migrations and the virtualenv not.
BANDIT_ARGS = [
    "-r",
    "config",
    "core",
    "volunteers",
    "sprachpool",
    "networks",
    "requests",
    "matching",
    "api",
    "reports",
    "-ll",  # medium severity and up
    "-ii",  # medium confidence and up
    "-x",
    "tests,.venv,migrations",
]

#: (file, bandit test id) → why it is no finding. Each is in docs/security.md.
JUSTIFIED: dict[tuple[str, str], str] = {
    (
        "config/env.py",
        "B104",
    ): "compares an address with 0.0.0.0 for a link; binds nothing",
    ("core/views_two_factor.py", "B308"): "the QR code is an SVG drawn by qrcode from the secret",
    ("core/views_two_factor.py", "B703"): "the same line as B308",
    ("reports/charts.py", "B308"): "an SVG built with ElementTree, which escapes every text",
    ("reports/charts.py", "B703"): "the same line as B308",
}


def _findings() -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "bandit", *BANDIT_ARGS, "-q", "-f", "json"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    return report["results"]


def test_bandit_finds_nothing_unexplained() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("bandit reads the source only: once, on the SQLite leg.")
    base = Path(settings.BASE_DIR)
    unexplained = [
        f"{finding['filename']}:{finding['line_number']} {finding['test_id']} "
        f"{finding['issue_text']}"
        for finding in _findings()
        if (str(Path(str(finding["filename"])).resolve().relative_to(base)), finding["test_id"])
        not in JUSTIFIED
    ]
    assert unexplained == []


def test_the_makefile_runs_the_same_bandit_and_pip_audit() -> None:
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    audit = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "bandit " + " ".join(BANDIT_ARGS) in audit
    assert "pip_audit" in audit or "pip-audit" in audit
