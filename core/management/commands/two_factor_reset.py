"""``manage.py two_factor_reset <user name>``: switch a user's two-factor login off when
their phone and recovery codes are lost (audited as the system). They log in with the
password alone again and, where their role requires it, set it up anew."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.models import User
from core.two_factor import two_factor_remove


class Command(BaseCommand):
    help = "Switch a user's two-factor login off (lost phone and recovery codes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("No user with this user name.")
        removed = two_factor_remove(user=user, actor=None)
        if removed:
            self.stdout.write("Two-factor login switched off; the user logs in with the password.")
        else:
            self.stdout.write("This user has no two-factor login.")
