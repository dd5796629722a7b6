"""Messages that go out at most once: e-mail (Django's backends) and SMS (``core.sms``).

Every send is recorded as a :class:`core.models.Notification` under an idempotency key
(e.g. ``offer-made:17:email``). :func:`deliver` sends only while the row has no
``sent_at``, holding the row's lock while it sends, so a task that runs twice, or two
workers racing, send nothing twice. A failed send is recorded (attempts, error) and can be
tried again by calling :func:`deliver` with the same key.
"""

from __future__ import annotations

import logging

import phonenumbers
from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from core.models import Center, Notification, User
from core.sms import send_sms

logger = logging.getLogger(__name__)

#: Tries before a failed send is left for the coordinator to see.
MAX_ATTEMPTS = 5


def is_mobile(number: str) -> bool:
    """Whether an E.164 number is a mobile number (SMS goes only there)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(parsed)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def deliver(
    *,
    key: str,
    channel: str,
    to: str,
    subject: str,
    body: str,
    event: str,
    center: Center | None = None,
    recipient: User | None = None,
    obj: models.Model | None = None,
) -> bool:
    """Send one message unless the message with this ``key`` was sent already.

    :param channel: ``email`` or ``sms``.
    :param to: the e-mail address or the E.164 number.
    :return: whether a message went out now.
    """
    notification, _created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "event": event,
            "center": center,
            "recipient": recipient,
            "subject": subject[:200],
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
        },
    )
    if notification.sent_at is not None or notification.attempts >= MAX_ATTEMPTS:
        return False
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.sent_at is not None:
            return False
        locked.attempts += 1
        try:
            if channel == Notification.Channel.SMS:
                send_sms(to=to, body=body)
            else:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        except Exception as exc:  # a backend's failure must not lose the record
            locked.error = str(exc)[:500]
            locked.save(update_fields=["attempts", "error"])
            logger.warning("sending %s failed (attempt %d)", key, locked.attempts)
            return False
        locked.sent_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["attempts", "error", "sent_at"])
    return True
