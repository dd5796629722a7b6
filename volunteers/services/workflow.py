"""The volunteer's status workflow (:data:`TRANSITIONS`): approve, activate,
pause, resume, leave; the approval grants and leaving revokes the ``volunteer`` membership;
approval and activation are told to the volunteer (:func:`volunteer_status_notify`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from core.models import AuditEvent, Membership, Role, User
from core.scoping import forget_memberships
from core.services import audit_log, membership_grant
from volunteers.models import Volunteer
from volunteers.services.common import _locked, refuse_if_anonymised

Status = Volunteer.Status


#: action → (statuses it may start from, resulting status)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({Status.REGISTERED}), Status.CONFIRMED),
    "approve": (frozenset({Status.REGISTERED, Status.CONFIRMED}), Status.APPROVED),
    "activate": (frozenset({Status.APPROVED}), Status.ACTIVE),
    "pause": (frozenset({Status.ACTIVE}), Status.PAUSED),
    "resume": (frozenset({Status.PAUSED}), Status.ACTIVE),
    "leave": (frozenset(set(Status.values) - {Status.LEFT}), Status.LEFT),
}


def allowed_actions(volunteer: Volunteer) -> list[str]:
    """The workflow actions open from the volunteer's current status."""
    return [
        action
        for action, (sources, _target) in TRANSITIONS.items()
        if action != "confirm" and volunteer.status in sources
    ]


def _illegal(action: str, volunteer: Volunteer) -> ValidationError:
    status = volunteer.get_status_display()
    messages = {
        "confirm": _("Only new registrations can be confirmed; this one is “%(status)s”."),
        "approve": _(
            "Only registrations waiting for approval can be approved; this one is “%(status)s”."
        ),
        "activate": _("Only approved volunteers can be made active; this one is “%(status)s”."),
        "pause": _("Only active volunteers can pause; this one is “%(status)s”."),
        "resume": _("Only paused volunteers can resume; this one is “%(status)s”."),
        "leave": _("This volunteer has already left."),
    }
    return ValidationError({"status": [messages[action] % {"status": status}]}, code="transition")


def _set_status(*, actor: User | None, volunteer: Volunteer, new: str, action: str) -> Volunteer:
    refuse_if_anonymised(volunteer)
    sources, target = TRANSITIONS[action]
    if volunteer.status not in sources or target != new:
        raise _illegal(action, volunteer)
    old = volunteer.status
    volunteer.status = new
    volunteer.status_changed_at = timezone.now()
    volunteer.full_clean()
    volunteer.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        obj=volunteer,
        detail={"from": old, "to": new, "action": action},
    )
    return volunteer


@transaction.atomic
def volunteer_approve(
    *, actor: User | None, volunteer: Volunteer, met_in_person: bool = False
) -> Volunteer:
    """A coordinator approves a registration; the login gets the ``volunteer`` membership.

    A registration whose e-mail is not confirmed yet may be approved only by a
    coordinator who has met the person (``met_in_person``); it is then recorded as
    confirmed in person.

    :raises ValidationError: ``status`` for an illegal transition, ``met_in_person`` when
        an unconfirmed registration is approved without having met the person.
    """
    volunteer = _locked(volunteer)
    if volunteer.status == Status.REGISTERED:
        if not met_in_person:
            raise ValidationError(
                {
                    "met_in_person": [
                        _(
                            "The e-mail address has not been confirmed yet. Approve only if you "
                            "have met the person, and say so."
                        )
                    ]
                },
                code="unconfirmed",
            )
        volunteer.confirmed_via = Volunteer.ConfirmedVia.IN_PERSON
    volunteer.approved_at = timezone.now()
    volunteer.approved_by = actor if actor is not None and actor.is_authenticated else None
    _set_status(actor=actor, volunteer=volunteer, new=Status.APPROVED, action="approve")
    _notify_status_on_commit(volunteer=volunteer, action="approve")
    if volunteer.user is not None:
        membership_grant(
            actor=actor, user=volunteer.user, center=volunteer.center, role=Role.VOLUNTEER
        )
    return volunteer


@transaction.atomic
def volunteer_activate(*, actor: User | None, volunteer: Volunteer) -> Volunteer:
    """``approved`` → ``active``: the volunteer may now receive offers (paperwork permitting);
    they are told by e-mail (:func:`volunteer_status_notify`, after commit)."""
    volunteer = _set_status(
        actor=actor, volunteer=_locked(volunteer), new=Status.ACTIVE, action="activate"
    )
    _notify_status_on_commit(volunteer=volunteer, action="activate")
    return volunteer


#: Status actions the volunteer is told about by e-mail, and the mail templates they use.
STATUS_MAILS = {"approve": "status_approved", "activate": "status_active"}


def _notify_status_on_commit(*, volunteer: Volunteer, action: str) -> None:
    pk = volunteer.pk
    transaction.on_commit(lambda: async_task("volunteers.tasks.status_changed_notify", pk, action))


def volunteer_status_notify(*, volunteer: Volunteer, action: str) -> bool:
    """Tell the volunteer by e-mail what an approval or activation means for them, in
    their stored language (:attr:`Volunteer.language`, else the default).

    Sent by the task ``volunteers.tasks.status_changed_notify``, enqueued on commit by
    :func:`volunteer_approve` and :func:`volunteer_activate`. Nothing is sent to an
    anonymised record, one without address, or when the status has moved on since.

    :return: whether a mail was sent.
    """
    template = STATUS_MAILS.get(action)
    expected = {"approve": Status.APPROVED, "activate": Status.ACTIVE}.get(action)
    if (
        template is None
        or not volunteer.email
        or volunteer.anonymised_at is not None
        or volunteer.status != expected
    ):
        return False
    context = {
        "volunteer": volunteer,
        "center": volunteer.center,
        "url": f"{settings.SITE_URL}{reverse('my-volunteer')}",
    }
    with translation.override(volunteer.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"volunteers/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"volunteers/email/{template}_body.txt", context)
    send_mail(subject, body, None, [volunteer.email])
    return True


@transaction.atomic
def volunteer_pause(*, actor: User | None, volunteer: Volunteer) -> Volunteer:
    """``active`` → ``paused`` (by the volunteer or a coordinator): no offers meanwhile."""
    return _set_status(actor=actor, volunteer=_locked(volunteer), new=Status.PAUSED, action="pause")


@transaction.atomic
def volunteer_resume(*, actor: User | None, volunteer: Volunteer) -> Volunteer:
    """``paused`` → ``active``."""
    return _set_status(
        actor=actor, volunteer=_locked(volunteer), new=Status.ACTIVE, action="resume"
    )


@transaction.atomic
def volunteer_leave(*, actor: User | None, volunteer: Volunteer) -> Volunteer:
    """Any status → ``left``; the login loses its ``volunteer`` membership of the center."""
    volunteer = _locked(volunteer)
    volunteer.left_at = timezone.now()
    _set_status(actor=actor, volunteer=volunteer, new=Status.LEFT, action="leave")
    _revoke_membership(actor=actor, volunteer=volunteer)
    return volunteer


def _revoke_membership(*, actor: User | None, volunteer: Volunteer) -> None:
    if not volunteer.user_id:
        return
    for membership in Membership.objects.filter(
        user_id=volunteer.user_id, center_id=volunteer.center_id, role=Role.VOLUNTEER
    ):
        audit_log(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            obj=membership,
            detail={"role": "volunteer"},
        )
        membership.delete()
    forget_memberships(volunteer.user)
