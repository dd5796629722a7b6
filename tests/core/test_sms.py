"""The SMS backends and the once-only message delivery on top of them (retries, quiet hours
and in-app messages: ``test_messaging.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from core.messaging import deliver, is_mobile
from core.models import Notification
from core.sms import ConsoleSmsBackend, MemorySmsBackend, SmsMessage, get_sms_backend, send_sms


def test_the_configured_backend_is_used() -> None:
    assert isinstance(get_sms_backend(), MemorySmsBackend)
    assert send_sms(to="+4915112345678", body="Hallo") == 1
    assert MemorySmsBackend.outbox == [SmsMessage(to="+4915112345678", body="Hallo")]


def test_the_outbox_is_empty_at_the_start_of_each_test() -> None:
    assert MemorySmsBackend.outbox == []


def test_the_console_backend_prints(capsys: pytest.CaptureFixture[str]) -> None:
    sent = ConsoleSmsBackend().send_messages([SmsMessage(to="+4915112345678", body="Termin")])
    assert sent == 1
    assert "+4915112345678" in capsys.readouterr().out


@pytest.mark.parametrize(
    "number,mobile", [("+4915112345678", True), ("+4960311234567", False), ("kaputt", False)]
)
def test_sms_goes_to_mobile_numbers_only(number: str, mobile: bool) -> None:
    assert is_mobile(number) is mobile


@pytest.mark.django_db
def test_a_message_with_the_same_key_goes_out_once() -> None:
    kwargs: dict[str, Any] = {
        "channel": "sms",
        "to": "+4915112345678",
        "subject": "s",
        "body": "b",
        "event": "test",
    }
    assert deliver(key="k1", **kwargs) is True
    assert deliver(key="k1", **kwargs) is False
    assert len(MemorySmsBackend.outbox) == 1
    assert Notification.objects.get(key="k1").sent_at is not None


@pytest.mark.django_db
def test_e_mail_goes_through_django() -> None:
    assert deliver(
        key="k3", channel="email", to="a@example.org", subject="Betreff", body="Text", event="test"
    )
    assert [m.subject for m in mail.outbox] == ["Betreff"]
