"""SMS behind a small backend interface, chosen by the ``SMS_BACKEND`` setting.

A deployment plugs in its provider by writing one class with ``send_messages``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    """One text message to one E.164 number."""

    to: str
    body: str


class BaseSmsBackend:
    """Sends text messages; returns how many were sent."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes messages to standard output (the default, for development)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return len(messages)


class MemorySmsBackend(BaseSmsBackend):
    """Keeps messages in ``MemorySmsBackend.outbox`` (for tests)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send_messages(self, messages: list[SmsMessage]) -> int:
        self.outbox.extend(messages)
        return len(messages)


def get_sms_backend() -> BaseSmsBackend:
    """An instance of the configured backend."""
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str) -> int:
    """Send one text message through the configured backend."""
    return get_sms_backend().send_messages([SmsMessage(to=to, body=body)])
