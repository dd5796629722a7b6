"""Row locks, checked over the project's source: a public function that takes a row lock
(``select_for_update``, directly or through a private helper of its module that does not
open its own transaction) runs in a transaction of its own (``@transaction.atomic`` or
``with transaction.atomic()``).

SQLite ignores ``select_for_update``; PostgreSQL refuses it outside a transaction, so a
decorator lost in an edit fails only there, and only on the path that reaches the lock.
This test finds it on any database.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

# Functions documented to run inside their caller's transaction.
CALLER_HOLDS_THE_TRANSACTION = {
    "requests/services.py:offers_create_for_run",  # inside the matching run's transaction
}
SKIPPED_PARTS = {".venv", "tests", "bench", "var", "migrations", "node_modules", "scripts"}


def _opens_transaction(fn: ast.FunctionDef) -> bool:
    if any("atomic" in ast.unparse(d) for d in fn.decorator_list):
        return True
    return any(
        isinstance(node, ast.With)
        and any("atomic" in ast.unparse(item.context_expr) for item in node.items)
        for node in ast.walk(fn)
    )


def _locks_without_transaction(
    fn: ast.FunctionDef, helpers: dict[str, ast.FunctionDef], seen: frozenset[str]
) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in helpers
            and node.func.id not in seen
        ):
            helper = helpers[node.func.id]
            if not _opens_transaction(helper) and _locks_without_transaction(
                helper, helpers, seen | {helper.name}
            ):
                return True
    return False


def unprotected_locks(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED_PARTS & set(relative.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        helpers = {name: fn for name, fn in functions.items() if name.startswith("_")}
        for name, fn in functions.items():
            label = f"{relative.as_posix()}:{name}"
            if name.startswith("_") or label in CALLER_HOLDS_THE_TRANSACTION:
                continue
            if not _opens_transaction(fn) and _locks_without_transaction(
                fn, helpers, frozenset({name})
            ):
                found.append(label)
    return found


def test_every_public_function_that_locks_rows_opens_a_transaction() -> None:
    assert unprotected_locks(Path(settings.BASE_DIR)) == []


def test_the_check_finds_a_lock_without_a_transaction(tmp_path: Path) -> None:
    (tmp_path / "services.py").write_text(
        "from django.db import transaction\n"
        "def _locked(pk):\n"
        "    return Thing.objects.select_for_update().get(pk=pk)\n"
        "@transaction.atomic\n"
        "def refusal(thing):\n"
        "    return ''\n"
        "def cancel(pk):\n"
        "    return _locked(pk)\n"
        "@transaction.atomic\n"
        "def accept(pk):\n"
        "    return _locked(pk)\n",
        encoding="utf-8",
    )
    assert unprotected_locks(tmp_path) == ["services.py:cancel"]
