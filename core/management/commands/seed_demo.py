"""``manage.py seed_demo``: idempotent demo data for every app that has a ``demo`` module.

Each app's ``demo.seed(with_accounts=..., stdout=...)`` runs in the order of
INSTALLED_APPS, so registries exist before what builds on them. The demo logins
(password ``demo``) are created only with DEBUG on, or with ``--with-accounts``
(or ``DEMO_ACCOUNTS=1``).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from core.demo import DEMO_PASSWORD, demo_logins


def refresh_statistics() -> None:
    """PostgreSQL: fresh planner statistics after a bulk load. Tables that autovacuum last saw
    empty (a new or test database) are planned as one row each; the pool's nested
    paperwork and language conditions then run as nested loops for many minutes. SQLite
    plans without them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Create or update demo centers, places, departments, people and logins (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--with-accounts",
            action="store_true",
            help="Create the demo logins even when DEBUG is off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with_accounts = bool(options["with_accounts"] or settings.DEBUG or settings.DEMO_ACCOUNTS)
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                kwargs: dict[str, Any] = {"with_accounts": with_accounts}
                if "stdout" in inspect.signature(module.seed).parameters:
                    kwargs["stdout"] = self.stdout
                module.seed(**kwargs)
                refresh_statistics()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if with_accounts:
            self.stdout.write(f"Demo logins (password “{DEMO_PASSWORD}”):")
            for username, role, where in demo_logins():
                self.stdout.write(f"  {username:<14} {role:<12} {where}")
        else:
            self.stdout.write(
                "Demo logins were not created (DEBUG is off); use --with-accounts to add them."
            )
