"""The ``solve_instance`` management command, run as a real process from the repo root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.checker import check_result
from tests.matching.core.builders import document, interpreter, request

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.unit  # no database: the command never opens one


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "solve_instance", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )


def _doc() -> dict[str, Any]:
    return document(
        [interpreter("i-1"), interpreter("i-2", languages={"fa": "C1"})],
        [request("r-1"), request("r-2", language="ti")],
        gap=30,
    )


def test_file_gives_result_json_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(_doc()))

    done = _run(str(path))

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["format"] == "wir-matching-result/1"
    assert result["assignments"] == [{"request": "r-1", "interpreter": "i-1", "travel_km": 0.6}]
    assert result["unfilled"] == [{"request": "r-2", "reasons": ["no_interpreter_for_language"]}]
    assert check_result(_doc(), result) == []


def test_dash_reads_the_instance_from_stdin() -> None:
    done = _run("-", stdin=json.dumps(_doc()))

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stats"]["filled"] == 1


def test_explain_adds_why_and_hints() -> None:
    done = _run("-", "--explain", stdin=json.dumps(_doc()))

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["assignments"][0]["why"]["codes"] == ["only_candidate"]
    assert result["unfilled"][0]["hints"] == []


def test_malformed_field_exits_2_with_one_line_naming_it() -> None:
    doc = _doc()
    doc["requests"][1]["start"] = "2026-11-23 09:00"

    done = _run("-", stdin=json.dumps(doc))

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "requests[1].start: not an ISO 8601 datetime with offset\n"


def test_bad_json_exits_2_with_one_line() -> None:
    done = _run("-", stdin='{"format": "wir-matching/1",')

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("instance: not valid JSON")


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"

    done = _run(str(missing))

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"{missing}: cannot read file (No such file or directory)\n"
