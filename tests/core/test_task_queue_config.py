"""The task queue is configured so that a task killed or hung is retried, a bounded number
of times, and never twice at once: ``retry`` (when a task not acknowledged is handed out
again) exceeds ``timeout`` (when a worker running it is killed), which exceeds the longest
task. Task arguments are ids and simple keys, never personal data: they are stored in the
queue's table (ORM broker) or in Redis, and in the failed-task list, outside the retention
rules of the records (an AST scan of every enqueueing call in the project)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from core.management.commands.setup_periodic_tasks import PERIODIC_TASKS

pytestmark = pytest.mark.unit

#: Seconds the longest task may run: a matching run of the largest center (bench/run_e2e.py
#: takes a few seconds for a county) with a wide margin, or a batch of notifications.
LONGEST_TASK_SECONDS = 120

APPS = ["core", "volunteers", "sprachpool", "networks", "requests", "matching", "api", "reports"]

#: Functions that enqueue a task by dotted path; their positional arguments after the path
#: (or all of them, for the two helpers that name the path themselves) go into the queue.
ENQUEUERS = {"async_task": 1, "_on_commit_task": 1, "_start_run": 0, "_notify": 0}

#: A name of a value that is an id or a simple key (an event, a trigger, an action).
SIMPLE_NAME = re.compile(r"(^|_)(pk|id|ids)$|^(trigger|event|action)$")


def test_retry_exceeds_timeout_which_exceeds_the_longest_task() -> None:
    q = settings.Q_CLUSTER
    assert int(q["timeout"]) >= LONGEST_TASK_SECONDS
    assert int(q["retry"]) > int(q["timeout"])


def test_the_number_of_attempts_is_bounded() -> None:
    assert 1 <= int(settings.Q_CLUSTER["max_attempts"]) <= 5


def _simple(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | str) and not isinstance(node.value, bool)
    if isinstance(node, ast.Name):
        return bool(SIMPLE_NAME.search(node.id))
    if isinstance(node, ast.Attribute):
        return bool(SIMPLE_NAME.search(node.attr))
    if isinstance(node, ast.IfExp):
        return _simple(node.body) and _simple(node.orelse)
    if isinstance(node, ast.ListComp | ast.List | ast.Tuple):
        elements = [node.elt] if isinstance(node, ast.ListComp) else node.elts
        return all(_simple(element) for element in elements)
    return False


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _enqueueing_calls() -> list[tuple[str, ast.Call]]:
    base = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _called_name(node) in ENQUEUERS:
                    found.append((f"{path.relative_to(base)}:{node.lineno}", node))
    return found


def bad_arguments(call: ast.Call) -> list[str]:
    """The arguments of an enqueueing call that are not an id or a simple key."""
    skip = ENQUEUERS[_called_name(call)]
    bad = []
    for node in call.args[skip:]:
        # ``*args`` forwarded by a helper: its own callers are checked.
        if isinstance(node, ast.Starred) and isinstance(node.value, ast.Name):
            continue
        if not _simple(node):
            bad.append(ast.unparse(node))
    bad += [ast.unparse(kw) for kw in call.keywords if kw.arg != "q_options"]
    return bad


def test_task_arguments_are_ids_or_simple_keys() -> None:
    calls = _enqueueing_calls()
    assert len(calls) >= 20  # the scan finds the project's calls
    offending = {where: bad for where, call in calls if (bad := bad_arguments(call))}
    assert offending == {}


def test_the_scan_refuses_personal_data_in_arguments() -> None:
    def call(source: str) -> ast.Call:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        return node.value

    assert bad_arguments(call('async_task("x.y", volunteer.email)')) == ["volunteer.email"]
    assert bad_arguments(call('_notify("offer_made", offer)')) == ["offer"]
    assert bad_arguments(call('async_task("x.y", pk, name=user.name)')) == ["name=user.name"]
    assert bad_arguments(call('_start_run(request.center_id, "urgent")')) == []


def test_periodic_tasks_take_no_arguments() -> None:
    assert PERIODIC_TASKS
    for task in PERIODIC_TASKS:
        assert not getattr(task, "args", None) and not getattr(task, "kwargs", None), task
