"""``manage.py solve_instance FILE|-``: run the pure engine on a saved instance.

Writes the `wir-matching-result/1` JSON to stdout and exits 0. A malformed instance (bad
JSON, a missing file, an invalid field) exits 2 with exactly one line on stderr naming the
offending field, and writes nothing to stdout. Needs no database.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from matching.core import InstanceError, load_instance, solve

EXIT_MALFORMED = 2


class Command(BaseCommand):
    help = "Solve a wir-matching/1 instance (FILE or - for stdin) and print the result JSON."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("instance", help="path to the instance JSON, or - for stdin")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="add why (cost parts, runner-up) to assignments and hints to unfilled requests",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["instance"]
        try:
            if source == "-":
                text: str | bytes = sys.stdin.buffer.read()
            else:
                text = Path(source).read_bytes()
        except OSError as exc:
            self._fail(f"{source}: cannot read file ({exc.strerror or exc})")
        try:
            instance = load_instance(text)
        except InstanceError as exc:
            self._fail(str(exc))
        result = solve(instance, explain=options["explain"])
        self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False))

    def _fail(self, message: str) -> NoReturn:
        sys.stderr.write(" ".join(message.split()) + "\n")
        sys.stderr.flush()
        raise SystemExit(EXIT_MALFORMED)
