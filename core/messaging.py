"""Messages that go out at most once: e-mail (Django's backends), SMS (``core.sms``) and the
in-app list ("Neuigkeiten").

Every message is recorded as a :class:`core.models.Notification` under an idempotency key
(e.g. ``offer_made:offer:17:u4:email``) together with its address, subject and text.
:func:`deliver` sends only while the row has no ``sent_at``, holding the row's lock while it
sends, so a task that runs twice, or two workers racing, send nothing twice.

A failed send is recorded (``attempts``, ``error``) and gets a next try at ``retry_at``
(backoff: 5, 15, 45, 135 minutes); the periodic task ``messages-retry`` sends the due rows
again from what they stored (:func:`messages_retry`). After :data:`MAX_ATTEMPTS` tries the row
stays unsent and shows on the coordinator's page of failed messages
(:func:`core.selectors.message_failure_list`), where "Try again" sends it once more
(:func:`notification_retry`). An SMS held back for the recipient's quiet hours is a row with
no attempt yet and ``retry_at`` at the end of the quiet hours: the same task sends it then.

In-app messages are rows of channel ``in_app`` that count as sent when stored; their
``read_at`` is set when the recipient marks them read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import phonenumbers
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent, Center, Notification, Role, User
from core.scoping import has_role
from core.services import audit_log
from core.sms import send_sms

logger = logging.getLogger(__name__)

#: Tries before a failed send is left for the coordinator to see.
MAX_ATTEMPTS = 5
#: The wait after the first failed try; each further failure waits three times as long
#: (5, 15, 45, 135 minutes).
RETRY_FIRST_DELAY = dt.timedelta(minutes=5)
RETRY_FACTOR = 3
#: Rows one run of :func:`messages_retry` handles at most (the next run takes the rest).
RETRY_BATCH = 500
#: What a held or failed message records when it no longer matters at its next try.
NOT_NEEDED = "not sent: no longer current"


def event_label(event: str) -> str:
    """The event of a message in words, for the people who see it (the coordinator's page of
    failed messages). An app names its events in its ``AppConfig.message_events`` (event →
    label), so ``core`` imports nothing above it; an unknown event keeps its code."""
    from django.apps import apps

    for config in apps.get_app_configs():
        label = getattr(config, "message_events", {}).get(event)
        if label is not None:
            return str(label)
    return event


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


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next try after ``attempts`` failed tries (5, 15, 45, … minutes)."""
    return RETRY_FIRST_DELAY * RETRY_FACTOR ** max(attempts - 1, 0)


def quiet_hours_end(
    *, at: dt.datetime, quiet_from: dt.time, quiet_until: dt.time
) -> dt.datetime | None:
    """When the quiet hours that contain ``at`` end, or ``None`` when ``at`` lies outside them.

    Quiet hours are Europe/Berlin wall-clock times and may run over midnight (21:00–07:00);
    equal times mean no quiet hours.
    """
    if quiet_from == quiet_until:
        return None
    zone = timezone.get_default_timezone()
    local = timezone.localtime(at, timezone=zone)
    clock = local.time()
    if quiet_from < quiet_until:
        inside = quiet_from <= clock < quiet_until
        end_day = local.date()
    else:
        inside = clock >= quiet_from or clock < quiet_until
        end_day = local.date() + dt.timedelta(days=1) if clock >= quiet_from else local.date()
    if not inside:
        return None
    return dt.datetime.combine(end_day, quiet_until, tzinfo=zone)


def _object_fields(obj: models.Model | None) -> dict[str, str]:
    return {
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
    }


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
    hold_until: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Send one message unless the message with this ``key`` was sent already.

    The first call stores the row with address, subject and text; a later call with the same
    key sends what the row stored, and only once its next try is due.

    :param channel: ``email`` or ``sms`` (in-app messages: :func:`record_in_app`).
    :param to: the e-mail address or the E.164 number.
    :param hold_until: do not send before this moment (an SMS in the quiet hours); the
        periodic ``messages-retry`` task sends it then.
    :return: whether a message went out now.
    """
    now = now or timezone.now()
    held = hold_until if hold_until is not None and hold_until > now else None
    notification, _created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "event": event,
            "center": center,
            "recipient": recipient,
            "address": to[:254],
            "subject": subject[:200],
            "body": body,
            "retry_at": held,
            **_object_fields(obj),
        },
    )
    if not _due(notification, now):
        return False
    return _attempt(notification.pk, now=now)


def record_in_app(
    *,
    key: str,
    recipient: User,
    subject: str,
    body: str,
    event: str,
    center: Center | None = None,
    obj: models.Model | None = None,
) -> bool:
    """Store one in-app message (sent when stored) unless it is stored already.

    :return: whether the message is new.
    """
    _notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "channel": Notification.Channel.IN_APP,
            "event": event,
            "center": center,
            "recipient": recipient,
            "subject": subject[:200],
            "body": body,
            "sent_at": timezone.now(),
            **_object_fields(obj),
        },
    )
    return created


def _due(notification: Notification, now: dt.datetime) -> bool:
    """Whether a row waits for a try now: unsent, tries left, no later next try set."""
    return (
        notification.sent_at is None
        and notification.channel != Notification.Channel.IN_APP
        and notification.attempts < MAX_ATTEMPTS
        and notification.error != NOT_NEEDED
        and (notification.retry_at is None or notification.retry_at <= now)
    )


def _attempt(pk: int, *, now: dt.datetime, beyond_limit: bool = False) -> bool:
    """One try of a stored message under its row lock; records the outcome.

    :param beyond_limit: the coordinator's "try again" after the last automatic try.
    """
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=pk)
        if locked.sent_at is not None:
            return False
        if not beyond_limit and not _due(locked, now):
            return False
        locked.attempts += 1
        try:
            if locked.channel == Notification.Channel.SMS:
                send_sms(to=locked.address, body=locked.body)
            else:
                send_mail(
                    locked.subject, locked.body, settings.DEFAULT_FROM_EMAIL, [locked.address]
                )
        except Exception as exc:  # a backend's failure must not lose the record
            locked.error = str(exc)[:500] or exc.__class__.__name__
            locked.retry_at = (
                now + retry_delay(locked.attempts) if locked.attempts < MAX_ATTEMPTS else None
            )
            locked.save(update_fields=["attempts", "error", "retry_at"])
            logger.warning("sending %s failed (attempt %d)", locked.key, locked.attempts)
            return False
        locked.sent_at = timezone.now()
        locked.error = ""
        locked.retry_at = None
        locked.save(update_fields=["attempts", "error", "sent_at", "retry_at"])
    return True


def messages_retry(
    *,
    now: dt.datetime | None = None,
    still_wanted: Callable[[Notification, dt.datetime], bool] | None = None,
) -> dict[str, int]:
    """Send the held and failed messages whose next try is due (the periodic task).

    :param still_wanted: asked for each due row; a message that no longer matters (an offer
        answered meanwhile, an appointment that began) is not sent and gets no further try.
    :return: counts of ``sent``, ``failed`` and ``dropped`` messages.
    """
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(
            sent_at__isnull=True,
            retry_at__lte=now,
            attempts__lt=MAX_ATTEMPTS,
        )
        .exclude(channel=Notification.Channel.IN_APP)
        .order_by("retry_at", "pk")[:RETRY_BATCH]
    )
    counts = {"sent": 0, "failed": 0, "dropped": 0}
    for notification in due:
        if still_wanted is not None and not still_wanted(notification, now):
            Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
                retry_at=None, error=NOT_NEEDED
            )
            counts["dropped"] += 1
        elif _attempt(notification.pk, now=now):
            counts["sent"] += 1
        else:
            counts["failed"] += 1
    return counts


def is_failed(notification: Notification) -> bool:
    """Whether a message is given up after its last automatic try."""
    return (
        notification.sent_at is None
        and notification.channel != Notification.Channel.IN_APP
        and notification.attempts >= MAX_ATTEMPTS
    )


def notification_retry(
    *, actor: User, notification: Notification, now: dt.datetime | None = None
) -> bool:
    """The coordinator's "Try again" for a message given up after its last try.

    Sends the stored message once more; a failure keeps it on the page with the new error.

    :raises PermissionDenied: the actor does not coordinate the message's center.
    :raises ValidationError: the message is not a failed one (sent meanwhile, or still being
        tried automatically).
    :return: whether it went out now.
    """
    if notification.center_id is None or not has_role(
        actor, Role.COORDINATOR, center_id=notification.center_id
    ):
        raise PermissionDenied
    if not is_failed(notification):
        raise ValidationError(_("This message is not a failed one (any more)."))
    sent = _attempt(notification.pk, now=now or timezone.now(), beyond_limit=True)
    audit_log(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=notification,
        detail={"retried": True, "sent": sent, "event": notification.event},
    )
    return sent


def news_mark_all_read(*, user: User, now: dt.datetime | None = None) -> int:
    """Mark every unread in-app message of ``user`` read; how many were unread."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=now or timezone.now())
