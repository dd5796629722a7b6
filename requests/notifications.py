"""The messages of the request flow: who is told what, on which channel.

Each event becomes messages sent through :func:`core.messaging.deliver` under a key per
event, object, recipient and channel (``offer_made:offer:17:u4:email``), so a task run twice
sends nothing twice. Messages are short, plain German by default, in the recipient's
language where one is chosen (``Volunteer.language``; staff: the language of their own
volunteer record, if any). An offer message carries the one-tap link; no message carries the
client reference, and none before the assignment carries the street.

Channels:

- **In-app** ("Neuigkeiten"): a copy of every message to a recipient with a login.
- **Interpreters** choose ``Volunteer.notify_by``. "E-mail": every message by e-mail.
  "E-mail and SMS": e-mail, plus an SMS for offers and the short reminder before the
  appointment. "SMS": an SMS wherever the event has a short text, else e-mail. SMS goes only
  to a mobile number; without one, everything goes by e-mail. E-mail goes only to a
  confirmed address.
- **Quiet hours** (``quiet_from``–``quiet_until``, Europe/Berlin): an SMS of a normal request
  is held and sent when the quiet hours end (by the ``messages-retry`` task), unless it no
  longer matters then (:func:`still_wanted`: the offer answered or expired, the appointment
  begun); urgent and critical requests get their SMS at once. E-mail and in-app messages are
  never held.
- **Caseworkers** (the request's author, else the department's address) and
  **coordinators** get e-mail and in-app messages.

Events: ``offer_made``, ``offer_withdrawn``, ``offer_awaiting_confirmation``,
``request_assigned`` (+ ``assignment_booked`` to the interpreter),
``assignment_cancelled_by_{requester,interpreter,coordinator}``, ``request_unfilled``,
``assignment_reminder`` (``Center.reminder_hours`` before: interpreter and caseworker),
``assignment_reminder_sms`` (``Center.reminder_sms_hours`` before, SMS only),
``request_at_risk`` (caseworker and coordinators, with the last run's reasons and hints;
found by ``matching.tasks.requests_at_risk``), ``confirmation_due`` (the department, once,
:data:`CONFIRMATION_DUE_AFTER` after the end without its Einsatznachweis) and
``confirmation_disputed`` (coordinators).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.messaging import deliver, is_mobile, quiet_hours_end, record_in_app
from core.models import Center, Notification, Role, User
from requests.models import Assignment, Confirmation, InterpreterRequest, Offer
from requests.services import offer_token
from volunteers.models import Volunteer

#: How long after the end of an appointment the department is reminded of its
#: Einsatznachweis (once).
CONFIRMATION_DUE_AFTER = dt.timedelta(hours=24)
#: Appointments that ended longer ago than this are not reminded any more.
CONFIRMATION_DUE_WINDOW = dt.timedelta(days=30)
#: A request filed inside its at-risk lead time is reported only after this long, so the
#: first matching run and its offer get a chance.
AT_RISK_GRACE = dt.timedelta(minutes=30)

#: How an event uses SMS: ``always`` to everyone who wants SMS (offers), ``fallback`` only
#: to those who chose SMS instead of e-mail, ``only`` SMS and nothing else.
SmsUse = Literal["always", "fallback", "only"]

_SELECT = (
    "request__language",
    "request__center",
    "request__department",
    "request__created_by",
    "interpreter__volunteer",
)


@dataclass(frozen=True)
class Recipient:
    """One person (or a department's address) to write to, with their channels."""

    email: str = ""
    #: A mobile number in E.164 where the person wants SMS, else empty.
    phone: str = ""
    user: User | None = None
    language: str = ""
    #: Chose SMS instead of e-mail: e-mail only for messages without a short text.
    sms_only: bool = False
    quiet_from: dt.time | None = None
    quiet_until: dt.time | None = None

    @property
    def key(self) -> str:
        """Names the recipient in idempotency keys: login id or a hash, never the address."""
        if self.user is not None:
            return f"u{self.user.pk}"
        return hashlib.sha256(self.email.encode()).hexdigest()[:16]


def _when(request: InterpreterRequest) -> str:
    """Weekday, date and times of the appointment in the active language."""
    start, end = timezone.localtime(request.start), timezone.localtime(request.end)
    return (
        f"{date_format(start, 'l')}, {date_format(start, 'SHORT_DATE_FORMAT')}, "
        f"{start:%H:%M}–{end:%H:%M}"
    )


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _link(name: str, *args: Any) -> str:
    """The absolute URL of a page."""
    return _url(reverse(name, args=args))


def _address(request: InterpreterRequest) -> str:
    """The full place (street included): only for messages after the assignment."""
    parts = (request.place_name, request.street, request.city)
    return ", ".join(part for part in parts if part) or request.get_mode_display()


def _user_language(user: User) -> str:
    """A staff member's message language: that of their own volunteer record, if any."""
    language = Volunteer.objects.filter(user=user).values_list("language", flat=True).first()
    return language or ""


def _volunteer_recipient(volunteer: Volunteer) -> Recipient | None:
    mobile = volunteer.phone if volunteer.phone and is_mobile(volunteer.phone) else ""
    wants_sms = bool(mobile) and volunteer.notify_by in (
        Volunteer.NotifyBy.SMS,
        Volunteer.NotifyBy.BOTH,
    )
    email = volunteer.email if volunteer.email_confirmed and volunteer.email else ""
    if not (email or wants_sms or volunteer.user_id):
        return None
    return Recipient(
        email=email,
        phone=mobile if wants_sms else "",
        user=volunteer.user,
        language=volunteer.language or "",
        sms_only=wants_sms and volunteer.notify_by == Volunteer.NotifyBy.SMS,
        quiet_from=volunteer.quiet_from,
        quiet_until=volunteer.quiet_until,
    )


def _interpreter(offer_or_assignment: Offer | Assignment) -> Recipient | None:
    return _volunteer_recipient(offer_or_assignment.interpreter.volunteer)


def _staff(user: User) -> Recipient:
    return Recipient(email=user.email, user=user, language=_user_language(user))


def _requester(request: InterpreterRequest) -> Recipient | None:
    creator = request.created_by
    if creator is not None and creator.is_active:
        staff = _staff(creator)
        if not staff.email and request.department.email:
            return Recipient(email=request.department.email, user=creator, language=staff.language)
        return staff
    if request.department.email:
        return Recipient(email=request.department.email)
    return None


def _coordinators(center: Center) -> list[Recipient]:
    users = User.objects.filter(
        memberships__center=center, memberships__role=Role.COORDINATOR, is_active=True
    ).distinct()
    return [_staff(user) for user in users]


def _send(
    event: str,
    obj: Offer | Assignment | InterpreterRequest,
    request: InterpreterRequest,
    recipients: Iterable[Recipient | None],
    compose: Callable[[], tuple[str, str, str]],
    *,
    sms: SmsUse = "fallback",
    now: dt.datetime | None = None,
) -> int:
    """Send ``compose()``'s (subject, mail body, SMS body) to each recipient once per channel.

    ``compose`` runs in the recipient's language. Returns how many messages went out now
    (in-app copies included).
    """
    now = now or timezone.now()
    sent = 0
    for recipient in recipients:
        if recipient is None:
            continue
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            subject, body, sms_text = compose()
        sms_goes = bool(sms_text and recipient.phone) and (
            sms in ("always", "only") or recipient.sms_only
        )
        email_goes = (
            bool(recipient.email) and sms != "only" and not (recipient.sms_only and sms_goes)
        )
        if sms == "only" and not sms_goes:
            continue  # not addressed at all: no in-app copy either
        key = f"{event}:{obj._meta.model_name}:{obj.pk}:{recipient.key}"
        common: dict[str, Any] = {
            "event": event,
            "center": request.center,
            "recipient": recipient.user,
            "obj": obj,
        }
        if recipient.user is not None:
            sent += record_in_app(
                key=f"{key}:in_app",
                subject=subject,
                body=body if sms != "only" else sms_text,
                **common,
            )
        if email_goes:
            sent += deliver(
                key=f"{key}:email",
                channel=Notification.Channel.EMAIL,
                to=recipient.email,
                subject=subject,
                body=body,
                now=now,
                **common,
            )
        if sms_goes:
            hold = None
            if not request.is_urgent and recipient.quiet_from and recipient.quiet_until:
                hold = quiet_hours_end(
                    at=now, quiet_from=recipient.quiet_from, quiet_until=recipient.quiet_until
                )
            sent += deliver(
                key=f"{key}:sms",
                channel=Notification.Channel.SMS,
                to=recipient.phone,
                subject=subject,
                body=sms_text,
                hold_until=hold,
                now=now,
                **common,
            )
    return sent


# --- offers ---------------------------------------------------------------------------------


def offer_made(offer: Offer, *, now: dt.datetime | None = None) -> int:
    """Tell the interpreter about a new offer, with the one-tap link (e-mail, and SMS)."""
    request = offer.request

    def compose() -> tuple[str, str, str]:
        link = _url(reverse("offer-link", args=[offer_token(offer)]))
        language = request.language.name
        where = request.city or request.get_mode_display()
        expires = date_format(timezone.localtime(offer.expires_at), "SHORT_DATETIME_FORMAT")
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

    return _send(
        "offer_made", offer, request, [_interpreter(offer)], compose, sms="always", now=now
    )


def offer_withdrawn(offer: Offer, *, now: dt.datetime | None = None) -> int:
    """Tell the interpreter that an offer no longer stands."""
    request = offer.request

    def compose() -> tuple[str, str, str]:
        subject = _("Request withdrawn: %(when)s") % {"when": _when(request)}
        body = _(
            "Hello,\n\nthe request for %(language)s on %(when)s is no longer needed. "
            "You do not need to do anything.\n"
        ) % {"language": request.language.name, "when": _when(request)}
        sms = _("Not needed any more: %(language)s, %(when)s.") % {
            "language": request.language.name,
            "when": _when(request),
        }
        return subject, body, sms

    return _send("offer_withdrawn", offer, request, [_interpreter(offer)], compose, now=now)


def offer_awaiting_confirmation(offer: Offer, *, now: dt.datetime | None = None) -> int:
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
        "offer_awaiting_confirmation",
        offer,
        request,
        _coordinators(request.center),
        compose,
        now=now,
    )


# --- assignments ----------------------------------------------------------------------------


def _requester_facts(assignment: Assignment) -> dict[str, Any]:
    from requests.selectors import contact_phone

    request = assignment.request
    volunteer = assignment.interpreter.volunteer
    return {
        "name": volunteer.display_name,
        "language": request.language.name,
        "when": _when(request),
        "id": request.pk,
        "phone": contact_phone(center=request.center, private_phone=volunteer.phone) or "–",
        "link": _url(reverse("request-detail", args=[request.pk])),
    }


def request_assigned(assignment: Assignment, *, now: dt.datetime | None = None) -> int:
    """Tell the caseworker who comes, and the interpreter that they are booked."""
    request = assignment.request

    def to_requester() -> tuple[str, str, str]:
        facts = _requester_facts(assignment)
        subject = _("Interpreter found: %(language)s on %(when)s") % facts
        body = (
            _(
                "Hello,\n\n%(name)s interprets %(language)s on %(when)s (request #%(id)s).\n"
                "Phone: %(phone)s\n\nDetails: %(link)s\n"
            )
            % facts
        )
        return subject, body, ""

    def to_interpreter() -> tuple[str, str, str]:
        subject = _("Booked: %(language)s on %(when)s") % {
            "language": request.language.name,
            "when": _when(request),
        }
        body = _(
            "Hello,\n\nyou are booked for %(language)s on %(when)s.\nPlace: %(place)s\n"
            "Department: %(department)s\n\nYour assignment: %(link)s\n"
        ) % {
            "language": request.language.name,
            "when": _when(request),
            "place": _address(request),
            "department": request.department.name,
            "link": _link("assignment-detail", assignment.pk),
        }
        sms = _("Booked: %(language)s, %(when)s, %(place)s.") % {
            "language": request.language.name,
            "when": _when(request),
            "place": _address(request),
        }
        return subject, body, sms

    sent = _send(
        "request_assigned", assignment, request, [_requester(request)], to_requester, now=now
    )
    return sent + _send(
        "assignment_booked",
        assignment,
        request,
        [_interpreter(assignment)],
        to_interpreter,
        now=now,
    )


def assignment_cancelled(assignment: Assignment, *, by: str, now: dt.datetime | None = None) -> int:
    """Tell the other side of a cancelled assignment.

    :param by: who cancelled: ``requester``, ``interpreter`` or ``coordinator``.
    """
    request = assignment.request

    def compose() -> tuple[str, str, str]:
        facts = {"language": request.language.name, "when": _when(request)}
        subject = _("Assignment cancelled: %(language)s on %(when)s") % facts
        body = _(
            "Hello,\n\nthe assignment for %(language)s on %(when)s has been cancelled. "
            "Reason: %(reason)s\n"
        ) % {**facts, "reason": assignment.cancel_reason or request.cancel_reason or "–"}
        if by == "interpreter":
            body += "\n" + _("The request is offered to other interpreters now.") + "\n"
        sms = _("Cancelled: %(language)s, %(when)s.") % facts
        return subject, body, sms

    if by == "interpreter":
        recipients: list[Recipient | None] = [_requester(request)]
    elif by == "requester":
        recipients = [_interpreter(assignment)]
    else:
        recipients = [_interpreter(assignment), _requester(request)]
    return _send(f"assignment_cancelled_{by}", assignment, request, recipients, compose, now=now)


def request_unfilled(request: InterpreterRequest, *, now: dt.datetime | None = None) -> int:
    """Tell the caseworker that nobody could be found before the appointment started."""

    def compose() -> tuple[str, str, str]:
        subject = _("No interpreter found: %(when)s") % {"when": _when(request)}
        body = _(
            "Hello,\n\nfor request #%(id)s (%(language)s on %(when)s) no interpreter could be "
            "found in time. We are sorry. Please contact the center if you need help.\n"
        ) % {"id": request.pk, "language": request.language.name, "when": _when(request)}
        return subject, body, ""

    return _send("request_unfilled", request, request, [_requester(request)], compose, now=now)


# --- reminders ------------------------------------------------------------------------------


def assignment_reminder(assignment: Assignment, *, now: dt.datetime | None = None) -> int:
    """Remind the interpreter and the caseworker of an assignment (``reminder_hours`` before)."""
    request = assignment.request

    def to_interpreter() -> tuple[str, str, str]:
        facts = {
            "language": request.language.name,
            "when": _when(request),
            "place": _address(request),
            "department": request.department.name,
            "link": _link("assignment-detail", assignment.pk),
        }
        subject = _("Reminder: %(language)s on %(when)s") % facts
        body = (
            _(
                "Hello,\n\nthis is a reminder of your assignment:\n\n"
                "Language: %(language)s\nWhen: %(when)s\nPlace: %(place)s\n"
                "Department: %(department)s\n\n"
                "If you cannot come, please cancel at once: %(link)s\n"
            )
            % facts
        )
        sms = _("Reminder: %(language)s, %(when)s, %(place)s.") % facts
        return subject, body, sms

    def to_requester() -> tuple[str, str, str]:
        facts = _requester_facts(assignment)
        subject = _("Reminder: interpreter for request #%(id)s on %(when)s") % facts
        body = (
            _(
                "Hello,\n\nas a reminder: %(name)s interprets %(language)s on %(when)s "
                "(request #%(id)s).\nPhone: %(phone)s\n\nDetails: %(link)s\n"
            )
            % facts
        )
        return subject, body, ""

    sent = _send(
        "assignment_reminder",
        assignment,
        request,
        [_interpreter(assignment)],
        to_interpreter,
        now=now,
    )
    return sent + _send(
        "assignment_reminder", assignment, request, [_requester(request)], to_requester, now=now
    )


def assignment_reminder_sms(assignment: Assignment, *, now: dt.datetime | None = None) -> int:
    """The short reminder by SMS (``reminder_sms_hours`` before), to interpreters who want SMS."""
    request = assignment.request

    def compose() -> tuple[str, str, str]:
        facts = {
            "language": request.language.name,
            "time": f"{timezone.localtime(request.start):%H:%M}",
            "place": _address(request),
        }
        subject = _("Soon: %(language)s at %(time)s") % facts
        sms = _("Reminder: %(language)s today at %(time)s, %(place)s.") % facts
        return subject, "", sms

    return _send(
        "assignment_reminder_sms",
        assignment,
        request,
        [_interpreter(assignment)],
        compose,
        sms="only",
        now=now,
    )


def _reminder_due(assignment: Assignment, hours: int, now: dt.datetime) -> bool:
    """``hours`` before the start has come, and the assignment existed by then (a later
    booking message is its own reminder)."""
    moment = assignment.start - dt.timedelta(hours=hours)
    return moment <= now < assignment.start and assignment.created_at <= moment


def reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the reminders that are due (the periodic ``reminders`` task); idempotent."""
    now = now or timezone.now()
    longest = Center.objects.aggregate(hours=Max("reminder_hours"))["hours"] or 0
    upcoming = Assignment.objects.filter(
        status=Assignment.Status.UPCOMING,
        start__gt=now,
        start__lte=now + dt.timedelta(hours=longest),
    ).select_related(*_SELECT)
    counts = {"assignment_reminder": 0, "assignment_reminder_sms": 0, "confirmation_due": 0}
    for assignment in upcoming:
        center = assignment.request.center
        if _reminder_due(assignment, center.reminder_hours, now):
            counts["assignment_reminder"] += assignment_reminder(assignment, now=now)
        if center.reminder_sms_hours and _reminder_due(assignment, center.reminder_sms_hours, now):
            counts["assignment_reminder_sms"] += assignment_reminder_sms(assignment, now=now)
    for assignment in confirmations_due(now=now):
        counts["confirmation_due"] += confirmation_due(assignment, now=now)
    return counts


# --- at risk --------------------------------------------------------------------------------


def requests_at_risk(*, now: dt.datetime | None = None) -> list[InterpreterRequest]:
    """Open or offered requests still without an interpreter at their center's lead time
    (``at_risk_hours``; ``at_risk_urgent_hours`` for urgent and critical ones)."""
    now = now or timezone.now()
    longest = Center.objects.aggregate(hours=Max("at_risk_hours"))["hours"] or 0
    longest_urgent = Center.objects.aggregate(hours=Max("at_risk_urgent_hours"))["hours"] or 0
    candidates = InterpreterRequest.objects.filter(
        status__in=[InterpreterRequest.Status.OPEN, InterpreterRequest.Status.OFFERED],
        start__gt=now,
        start__lte=now + dt.timedelta(hours=max(longest, longest_urgent)),
        created_at__lte=now - AT_RISK_GRACE,
    ).select_related("language", "center", "department", "created_by")
    due = []
    for request in candidates:
        center = request.center
        hours = center.at_risk_urgent_hours if request.is_urgent else center.at_risk_hours
        if request.start - dt.timedelta(hours=hours) <= now:
            due.append(request)
    return due


Explain = Callable[[], tuple[list[str], list[str]]]


def request_at_risk(
    request: InterpreterRequest,
    *,
    explain: Explain | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Tell the caseworker and the coordinators that a request has no interpreter yet.

    :param explain: gives the last matching run's reasons and suggested changes, in the
        active language (``matching`` sits above this app and passes it in).
    """

    def why() -> str:
        lines = []
        if request.status == InterpreterRequest.Status.OFFERED:
            lines.append(_("An interpreter has been asked and has not answered yet."))
        reasons, hints = explain() if explain is not None else ([], [])
        if reasons:
            lines.append(_("Why: %(reasons)s") % {"reasons": "; ".join(reasons)})
        if hints:
            lines.append(_("What could help: %(hints)s") % {"hints": "; ".join(hints)})
        if not lines:
            lines.append(_("No matching run has found anyone yet."))
        return "\n".join(lines)

    def compose(link: str) -> Callable[[], tuple[str, str, str]]:
        def inner() -> tuple[str, str, str]:
            facts = {
                "id": request.pk,
                "language": request.language.name,
                "when": _when(request),
                "why": why(),
                "link": link,
            }
            subject = _("At risk: request #%(id)s has no interpreter yet") % facts
            body = (
                _(
                    "Hello,\n\nrequest #%(id)s (%(language)s on %(when)s) still has no "
                    "interpreter.\n\n%(why)s\n\nDetails: %(link)s\n"
                )
                % facts
            )
            return subject, body, ""

        return inner

    sent = _send(
        "request_at_risk",
        request,
        request,
        [_requester(request)],
        compose(_url(reverse("request-detail", args=[request.pk]))),
        now=now,
    )
    return sent + _send(
        "request_at_risk",
        request,
        request,
        _coordinators(request.center),
        compose(_url(reverse("matching-console"))),
        now=now,
    )


# --- Einsatznachweis ------------------------------------------------------------------------


def confirmations_due(*, now: dt.datetime | None = None) -> list[Assignment]:
    """Assignments ended :data:`CONFIRMATION_DUE_AFTER` ago (within
    :data:`CONFIRMATION_DUE_WINDOW`), still upcoming, without the department's entry."""
    now = now or timezone.now()
    confirmed = Confirmation.objects.filter(side=Confirmation.Side.REQUESTER).values(
        "assignment_id"
    )
    return list(
        Assignment.objects.filter(
            status=Assignment.Status.UPCOMING,
            end__lte=now - CONFIRMATION_DUE_AFTER,
            end__gt=now - CONFIRMATION_DUE_WINDOW,
        )
        .exclude(pk__in=confirmed)
        .select_related(*_SELECT)
    )


def confirmation_due(assignment: Assignment, *, now: dt.datetime | None = None) -> int:
    """Remind the department once to confirm whether the appointment took place."""
    request = assignment.request

    def compose() -> tuple[str, str, str]:
        facts = {
            "id": request.pk,
            "language": request.language.name,
            "when": _when(request),
            "link": _link("request-confirm", request.pk),
        }
        subject = _("Einsatznachweis due: request #%(id)s") % facts
        body = (
            _(
                "Hello,\n\nthe appointment of request #%(id)s (%(language)s on %(when)s) is "
                "over. Please confirm whether it took place, with the actual times: "
                "%(link)s\n\nThe allowance is paid only after the confirmation.\n"
            )
            % facts
        )
        return subject, body, ""

    return _send("confirmation_due", assignment, request, [_requester(request)], compose, now=now)


def confirmation_disputed(assignment: Assignment, *, now: dt.datetime | None = None) -> int:
    """Tell the coordinators that the two sides' Einsatznachweis entries disagree."""
    request = assignment.request

    def compose() -> tuple[str, str, str]:
        facts = {
            "id": request.pk,
            "language": request.language.name,
            "when": _when(request),
            "link": _link("confirmation-decide", assignment.pk),
        }
        subject = _("Einsatznachweis disputed: request #%(id)s") % facts
        body = (
            _(
                "Hello,\n\nthe department and the interpreter do not agree on the "
                "Einsatznachweis of request #%(id)s (%(language)s on %(when)s). "
                "Nothing is paid until you decide: %(link)s\n"
            )
            % facts
        )
        return subject, body, ""

    return _send(
        "confirmation_disputed",
        assignment,
        request,
        _coordinators(request.center),
        compose,
        now=now,
    )


# --- held and failed messages ---------------------------------------------------------------


def still_wanted(notification: Notification, now: dt.datetime) -> bool:
    """Whether a held or failed message still matters at its next try.

    An offer message only while the offer is pending and unexpired; messages about an
    appointment only before it begins; an at-risk message only while the request is still
    without an interpreter; the Einsatznachweis reminder while the department's entry is
    missing; a dispute while it is open. Anything else: yes.
    """
    event, pk = notification.event, notification.object_id
    if not pk.isdigit():
        return True
    if notification.object_type == "requests.offer":
        offer = Offer.objects.filter(pk=pk).select_related("request").first()
        if offer is None:
            return False
        if event == "offer_made":
            return offer.status == Offer.Status.PENDING and offer.expires_at > now
        if event == "offer_awaiting_confirmation":
            return offer.awaiting_confirmation and offer.status == Offer.Status.ACCEPTED
        return offer.request.start > now
    if notification.object_type == "requests.assignment":
        assignment = Assignment.objects.filter(pk=pk).first()
        if assignment is None:
            return False
        if event == "confirmation_due":
            return (
                assignment.status == Assignment.Status.UPCOMING
                and not assignment.confirmations.filter(side=Confirmation.Side.REQUESTER).exists()
            )
        if event == "confirmation_disputed":
            return assignment.status == Assignment.Status.DISPUTED
        if event.startswith("assignment_cancelled"):
            return assignment.start > now
        return assignment.status == Assignment.Status.UPCOMING and assignment.start > now
    if notification.object_type == "requests.interpreterrequest":
        request = InterpreterRequest.objects.filter(pk=pk).first()
        if request is None:
            return False
        if event == "request_at_risk":
            return request.start > now and request.status in (
                InterpreterRequest.Status.OPEN,
                InterpreterRequest.Status.OFFERED,
            )
    return True
