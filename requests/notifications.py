"""The messages of the request flow: who is told what, on which channel.

Each event becomes messages sent through :func:`core.messaging.deliver` under a key per
event, object and channel, so a task run twice sends nothing twice. Messages are short,
plain German by default; an offer message carries the one-tap link and never the client
reference or the street (the street comes only with the assignment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.messaging import deliver, is_mobile
from core.models import Notification, Role, User
from requests.models import Assignment, InterpreterRequest, Offer
from requests.services import offer_token


@dataclass(frozen=True)
class Recipient:
    """One address to write to."""

    email: str
    phone: str = ""
    user: User | None = None
    language: str = ""


def _when(request: InterpreterRequest) -> str:
    start, end = timezone.localtime(request.start), timezone.localtime(request.end)
    return f"{start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M}"


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _interpreter(offer_or_assignment: Offer | Assignment) -> Recipient | None:
    volunteer = offer_or_assignment.interpreter.volunteer
    if not volunteer.email_confirmed:
        return None
    return Recipient(
        email=volunteer.email,
        phone=volunteer.phone if is_mobile(volunteer.phone) else "",
        user=volunteer.user,
        language=getattr(volunteer, "language", "") or "",
    )


def _requester(request: InterpreterRequest) -> Recipient | None:
    creator = request.created_by
    if creator is not None and creator.email:
        return Recipient(email=creator.email, user=creator)
    if request.department.email:
        return Recipient(email=request.department.email)
    return None


def _coordinators(request: InterpreterRequest) -> list[Recipient]:
    users = User.objects.filter(
        memberships__center=request.center, memberships__role=Role.COORDINATOR, is_active=True
    ).exclude(email="")
    return [Recipient(email=u.email, user=u) for u in users.distinct()]


def _send(
    event: str,
    obj: Offer | Assignment | InterpreterRequest,
    request: InterpreterRequest,
    recipients: list[Recipient | None],
    compose: Callable[[], tuple[str, str, str]],
) -> int:
    """Send ``compose()``'s (subject, mail body, SMS body) to each recipient once per channel."""
    sent = 0
    for recipient in recipients:
        if recipient is None:
            continue
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject, body, sms = compose()
        who = (
            f"u{recipient.user.pk}"
            if recipient.user is not None
            else hashlib.sha256(recipient.email.encode()).hexdigest()[:16]
        )
        key = f"{event}:{obj._meta.model_name}:{obj.pk}:{who}"
        sent += deliver(
            key=f"{key}:email",
            channel=Notification.Channel.EMAIL,
            to=recipient.email,
            subject=subject,
            body=body,
            event=event,
            center=request.center,
            recipient=recipient.user,
            obj=obj,
        )
        if sms and recipient.phone:
            sent += deliver(
                key=f"{key}:sms",
                channel=Notification.Channel.SMS,
                to=recipient.phone,
                subject=subject,
                body=sms,
                event=event,
                center=request.center,
                recipient=recipient.user,
                obj=obj,
            )
    return sent


def offer_made(offer: Offer) -> int:
    """Tell the interpreter about a new offer, with the one-tap link (e-mail, and SMS)."""
    request = offer.request

    def compose() -> tuple[str, str, str]:
        link = _url(reverse("offer-link", args=[offer_token(offer)]))
        language = request.language.name
        where = request.city or request.get_mode_display()
        expires = timezone.localtime(offer.expires_at).strftime("%d.%m.%Y %H:%M")
        subject = _("Interpreting request: %(language)s on %(when)s") % {
            "language": language,
            "when": _when(request),
        }
        body = _(
            "Hello,\n\nthe %(center)s asks whether you can interpret:\n\n"
            "Language: %(language)s\nWhen: %(when)s\nWhere: %(where)s\nSetting: %(topic)s\n\n"
            "Please answer by %(expires)s with one tap:\n%(link)s\n\n"
            "Thank you!"
        ) % {
            "center": request.center.name,
            "language": language,
            "when": _when(request),
            "where": where,
            "topic": request.get_topic_display(),
            "expires": expires,
            "link": link,
        }
        sms = _("%(language)s, %(when)s, %(where)s. Yes or no: %(link)s") % {
            "language": language,
            "when": _when(request),
            "where": where,
            "link": link,
        }
        return subject, body, sms

    return _send("offer_made", offer, request, [_interpreter(offer)], compose)


def offer_withdrawn(offer: Offer) -> int:
    """Tell the interpreter that an offer no longer stands."""
    request = offer.request

    def compose() -> tuple[str, str, str]:
        subject = _("Request withdrawn: %(when)s") % {"when": _when(request)}
        body = _(
            "Hello,\n\nthe request for %(language)s on %(when)s is no longer needed. "
            "You do not need to do anything.\n"
        ) % {"language": request.language.name, "when": _when(request)}
        return subject, body, ""

    return _send("offer_withdrawn", offer, request, [_interpreter(offer)], compose)


def request_assigned(assignment: Assignment) -> int:
    """Tell the caseworker who comes, and the interpreter that they are booked."""
    request = assignment.request
    volunteer = assignment.interpreter.volunteer

    def to_requester() -> tuple[str, str, str]:
        from requests.selectors import contact_phone

        subject = _("Interpreter found: %(language)s on %(when)s") % {
            "language": request.language.name,
            "when": _when(request),
        }
        body = _(
            "Hello,\n\n%(name)s interprets %(language)s on %(when)s (request #%(id)s).\n"
            "Phone: %(phone)s\n\nDetails: %(link)s\n"
        ) % {
            "name": volunteer.display_name,
            "language": request.language.name,
            "when": _when(request),
            "id": request.pk,
            "phone": contact_phone(center=request.center, private_phone=volunteer.phone) or "–",
            "link": _url(reverse("request-detail", args=[request.pk])),
        }
        return subject, body, ""

    def to_interpreter() -> tuple[str, str, str]:
        subject = _("Booked: %(language)s on %(when)s") % {
            "language": request.language.name,
            "when": _when(request),
        }
        address = ", ".join(
            part for part in (request.place_name, request.street, request.city) if part
        )
        body = _(
            "Hello,\n\nyou are booked for %(language)s on %(when)s.\nPlace: %(place)s\n"
            "Department: %(department)s\n\nYour assignments: %(link)s\n"
        ) % {
            "language": request.language.name,
            "when": _when(request),
            "place": address or request.get_mode_display(),
            "department": request.department.name,
            "link": _url(reverse("assignment-list")),
        }
        return subject, body, ""

    sent = _send("request_assigned", assignment, request, [_requester(request)], to_requester)
    return sent + _send(
        "assignment_booked", assignment, request, [_interpreter(assignment)], to_interpreter
    )


def assignment_cancelled(assignment: Assignment, *, by: str) -> int:
    """Tell the other side of a cancelled assignment.

    :param by: who cancelled: ``requester``, ``interpreter`` or ``coordinator``.
    """
    request = assignment.request

    def compose() -> tuple[str, str, str]:
        subject = _("Assignment cancelled: %(language)s on %(when)s") % {
            "language": request.language.name,
            "when": _when(request),
        }
        body = _(
            "Hello,\n\nthe assignment for %(language)s on %(when)s has been cancelled. "
            "Reason: %(reason)s\n"
        ) % {
            "language": request.language.name,
            "when": _when(request),
            "reason": assignment.cancel_reason or request.cancel_reason or "–",
        }
        if by == "interpreter":
            body += "\n" + _("The request is offered to other interpreters now.") + "\n"
        return subject, body, ""

    if by == "interpreter":
        recipients: list[Recipient | None] = [_requester(request)]
    elif by == "requester":
        recipients = [_interpreter(assignment)]
    else:
        recipients = [_interpreter(assignment), _requester(request)]
    return _send(f"assignment_cancelled_{by}", assignment, request, recipients, compose)


def request_unfilled(request: InterpreterRequest) -> int:
    """Tell the caseworker that nobody could be found before the appointment started."""

    def compose() -> tuple[str, str, str]:
        subject = _("No interpreter found: %(when)s") % {"when": _when(request)}
        body = _(
            "Hello,\n\nfor request #%(id)s (%(language)s on %(when)s) no interpreter could be "
            "found in time. We are sorry. Please contact the center if you need help.\n"
        ) % {"id": request.pk, "language": request.language.name, "when": _when(request)}
        return subject, body, ""

    return _send("request_unfilled", request, request, [_requester(request)], compose)


def offer_awaiting_confirmation(offer: Offer) -> int:
    """Tell the coordinators that an accepted offer waits for their confirmation."""
    request = offer.request

    def compose() -> tuple[str, str, str]:
        subject = _("Please confirm: request #%(id)s was accepted") % {"id": request.pk}
        body = _(
            "Hello,\n\nan interpreter accepted request #%(id)s (%(when)s). "
            "Please confirm or withdraw: %(link)s\n"
        ) % {
            "id": request.pk,
            "when": _when(request),
            "link": _url(reverse("matching-console")),
        }
        return subject, body, ""

    return _send(
        "offer_awaiting_confirmation", offer, request, list(_coordinators(request)), compose
    )
