"""Background work of the request flow (django-q2 tasks, enqueued by dotted path).

Tasks take ids, load the objects and call one service or notification; they return a
small JSON-friendly result that django-q2 stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import messaging
from requests import notifications, services
from requests.models import Assignment, InterpreterRequest, Offer
from requests.retention import requests_redact


def _offer(pk: int) -> Offer | None:
    return (
        Offer.objects.select_related(
            "request__language",
            "request__center",
            "request__department",
            "request__created_by",
            "interpreter__volunteer",
        )
        .filter(pk=pk)
        .first()
    )


def _assignment(pk: int) -> Assignment | None:
    return (
        Assignment.objects.select_related(
            "request__language",
            "request__center",
            "request__department",
            "request__created_by",
            "interpreter__volunteer",
        )
        .filter(pk=pk)
        .first()
    )


def _request(pk: int) -> InterpreterRequest | None:
    return (
        InterpreterRequest.objects.select_related("language", "center", "department", "created_by")
        .filter(pk=pk)
        .first()
    )


_EVENTS: dict[str, tuple[Callable[[int], Any], Callable[[Any], int]]] = {
    "offer_made": (_offer, notifications.offer_made),
    "offer_withdrawn": (_offer, notifications.offer_withdrawn),
    "offer_awaiting_confirmation": (_offer, notifications.offer_awaiting_confirmation),
    "request_assigned": (_assignment, notifications.request_assigned),
    "request_unfilled": (_request, notifications.request_unfilled),
    "assignment_cancelled_by_requester": (
        _assignment,
        lambda a: notifications.assignment_cancelled(a, by="requester"),
    ),
    "assignment_cancelled_by_interpreter": (
        _assignment,
        lambda a: notifications.assignment_cancelled(a, by="interpreter"),
    ),
    "assignment_cancelled_by_coordinator": (
        _assignment,
        lambda a: notifications.assignment_cancelled(a, by="coordinator"),
    ),
    "assignment_reminder": (_assignment, notifications.assignment_reminder),
    "assignment_reminder_sms": (_assignment, notifications.assignment_reminder_sms),
    "confirmation_due": (_assignment, notifications.confirmation_due),
    # Enqueued by requests.confirmations when the two sides' entries disagree.
    "confirmation_disputed": (_assignment, notifications.confirmation_disputed),
}


def notify(event: str, object_id: int) -> int:
    """Send the messages of one event (enqueued on commit by ``requests.services``).

    :return: how many messages went out now (0 when sent before, or the object is gone).
    """
    load, send = _EVENTS[event]
    obj = load(object_id)
    return 0 if obj is None else send(obj)


def notify_many(event: str, object_ids: list[int]) -> int:
    """:func:`notify` for many objects of one event (the offers of a matching run)."""
    return sum(notify(event, pk) for pk in object_ids)


def offers_expire() -> dict[str, int]:
    """Expire offers past their time and mark requests that started unassigned as unfilled.

    Scheduled every 5 minutes (``offers-expire``); expired offers start a re-offer run.
    """
    return {
        "expired": services.offers_expire(),
        "unfilled": services.requests_mark_unfilled(),
    }


def reminders() -> dict[str, int]:
    """Send the due reminders: before assignments (e-mail, and the short SMS) and the
    Einsatznachweis reminder after them.

    Scheduled every 5 minutes (``reminders``); the Notification keys make a second run
    send nothing again.
    """
    return notifications.reminders_send()


def messages_retry() -> dict[str, int]:
    """Send held (quiet hours) and failed messages whose next try is due; drop those that no
    longer matter. Scheduled every 5 minutes (``messages-retry``)."""
    return messaging.messages_retry(still_wanted=notifications.still_wanted)


def retention_apply() -> dict[str, int]:
    """Redact finished requests and old messages past their center's retention period.

    Scheduled daily (``requests-retention``); a second run changes nothing.
    """
    report = requests_redact()
    return {
        "requests": report.requests,
        "notifications": report.notifications,
        "failed": report.failed,
    }
