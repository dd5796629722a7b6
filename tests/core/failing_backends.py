"""Backends that fail like a provider that is down, for the retry tests.

The ``failing`` fixture (``tests/conftest.py``) installs them and yields the set
of failing channels: add ``"email"`` or ``"sms"`` to break one, clear it to mend them.
"""

from __future__ import annotations

from smtplib import SMTPServerDisconnected
from typing import Any, ClassVar

from django.core.mail.backends.locmem import EmailBackend

from core.sms import MemorySmsBackend, SmsMessage


class FailSwitch:
    """Which channels fail right now (``{"email", "sms"}``)."""

    failing: ClassVar[set[str]] = set()


class FlakyEmailBackend(EmailBackend):
    """Django's in-memory backend (``mail.outbox``), failing while ``email`` is switched on."""

    def send_messages(self, messages: Any) -> int:
        if "email" in FailSwitch.failing:
            raise SMTPServerDisconnected("mail server down")
        return super().send_messages(messages)


class FlakySmsBackend(MemorySmsBackend):
    """The in-memory SMS backend, failing while ``sms`` is switched on."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        if "sms" in FailSwitch.failing:
            raise ConnectionError("SMS provider down")
        return super().send_messages(messages)
