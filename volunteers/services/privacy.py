"""Personal data rights: who opened a record (:func:`volunteer_viewed`), the export
(:func:`volunteer_export`), anonymisation (:func:`volunteer_anonymise`, the record stays for
statistics, read-only) and the volunteer's withdrawal of consent with erasure
(:func:`volunteer_withdraw_consent`).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent, Membership, Notification, Role, User
from core.personal_data import person_export_sections
from core.services import audit_log, audit_view
from volunteers import selectors
from volunteers.models import Volunteer
from volunteers.services.common import _locked
from volunteers.services.workflow import _revoke_membership
from volunteers.signals import volunteer_anonymised

Status = Volunteer.Status


#: Domain of the placeholder address an anonymised volunteer gets
#: (``anonymised-<pk>@anonymised.invalid``); it is how an anonymised record is recognised.
ANONYMISED_EMAIL_DOMAIN = "anonymised.invalid"


def volunteer_viewed(*, actor: User | None, volunteer: Volunteer) -> None:
    """Record that a coordinator opened a volunteer's full record (who saw personal data)."""
    audit_view(actor=actor, obj=volunteer, own_user_id=volunteer.user_id)


def volunteer_export(*, actor: User | None, volunteer: Volunteer) -> dict[str, Any]:
    """Everything stored about the volunteer (their right of access, Art. 15); audited as an
    export.

    The registry's own data (:func:`volunteers.selectors.volunteer_data`) and every app's
    section (``export_person`` in its ``personal_data`` module, found by
    :func:`core.personal_data.person_export_sections`: login, memberships, messages, the
    interpreter profile, offers, assignments, Einsatznachweise, allowances, networks and
    sponsorships, …), so this app imports none of them.
    """
    data = selectors.volunteer_data(volunteer=volunteer)
    data.update(person_export_sections(volunteer))
    audit_log(actor=actor, action=AuditEvent.Action.EXPORT, obj=volunteer)
    return data


def anonymised_email(pk: int) -> str:
    """The placeholder e-mail address of the anonymised volunteer ``pk``."""
    return f"anonymised-{pk}@{ANONYMISED_EMAIL_DOMAIN}"


def anonymised_q() -> Q:
    """Volunteers already anonymised (:attr:`Volunteer.anonymised_at` is set)."""
    return Q(anonymised_at__isnull=False)


def login_kept_on_anonymisation(volunteer: Volunteer) -> bool:
    """Whether the volunteer's login stays usable when :func:`volunteer_anonymise` runs:
    it belongs to staff or has a role beyond being this center's volunteer (e.g. a
    coordinator who also volunteers). Such a login only loses its volunteer role."""
    user = volunteer.user
    if user is None:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user_id=user.pk)
        .exclude(center_id=volunteer.center_id, role=Role.VOLUNTEER)
        .exists()
    )


def is_anonymised(volunteer: Volunteer) -> bool:
    """Whether the record was anonymised (:attr:`Volunteer.anonymised_at`)."""
    return volunteer.anonymised_at is not None


@transaction.atomic
def volunteer_anonymise(*, actor: User | None, volunteer: Volunteer) -> Volunteer:
    """Erase the person and keep what statistics need.

    Name, e-mail, phone, postcode, exact home coordinates, notes, availability,
    absences, consents still in force and paperwork are removed (and, through the
    :data:`~volunteers.signals.volunteer_anonymised` signal, what other apps keep about
    the person, e.g. the interpreter profile's personal settings, pending offers and
    upcoming assignments); the messages sent to them lose address, subject and text; the
    login is made unusable and loses its memberships; the status becomes ``left``. Kept:
    center, town, languages with levels, interests and the dates of the workflow, so counts
    per language, town and year still add up. Withdrawn consents are kept as well
    (kind, version, given and withdrawn time: no personal data once the record is
    anonymous), as the proof that consent existed and was withdrawn
    (:func:`volunteer_withdraw_consent`). The record is recognisable afterwards by
    ``anonymised_at`` (:func:`anonymised_q`, :func:`is_anonymised`) and read-only from then on
    (:func:`refuse_if_anonymised`).
    """
    volunteer = _locked(volunteer)
    old_status = volunteer.status
    old_addresses = [a for a in (volunteer.email, volunteer.phone) if a]
    volunteer.anonymised_at = timezone.now()
    volunteer.first_name = _("Anonymised")
    volunteer.last_name = f"#{volunteer.pk}"
    volunteer.email = anonymised_email(volunteer.pk)
    volunteer.phone = ""
    volunteer.postcode = ""
    volunteer.home_lat = volunteer.home_place.lat if volunteer.home_place else None
    volunteer.home_lon = volunteer.home_place.lon if volunteer.home_place else None
    volunteer.notes = ""
    if volunteer.status != Status.LEFT:
        volunteer.status = Status.LEFT
        volunteer.status_changed_at = timezone.now()
        volunteer.left_at = volunteer.status_changed_at
    user = volunteer.user
    keep_login = login_kept_on_anonymisation(volunteer)
    volunteer.user = None
    volunteer.full_clean()
    volunteer.save()
    for related in (
        volunteer.weekly_slots.all(),
        volunteer.absences.all(),
        volunteer.consents.filter(withdrawn_at__isnull=True),
        volunteer.police_certificates.all(),
        volunteer.pledges.all(),
        volunteer.trainings.all(),
    ):
        related.delete()
    volunteer_anonymised.send(sender=Volunteer, volunteer=volunteer, actor=actor)
    _erase_messages(user=user, keep_login=keep_login, addresses=old_addresses)
    if user is not None:
        volunteer.user = user  # for the membership lookup only
        _revoke_membership(actor=actor, volunteer=volunteer)
        volunteer.user = None
        if keep_login:
            return _anonymised(actor=actor, volunteer=volunteer, old_status=old_status)
        user.username = f"anonymised-{volunteer.pk}-{secrets.token_hex(4)}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return _anonymised(actor=actor, volunteer=volunteer, old_status=old_status)


def _erase_messages(*, user: User | None, keep_login: bool, addresses: list[str]) -> int:
    """Blank address, subject and text of the messages sent to the person (event, object
    and times stay, so a message is still never sent twice). A login that stays (staff)
    keeps its other messages: only those that went to the volunteer's address go."""
    if user is None:
        return 0
    messages = Notification.objects.filter(recipient=user)
    if keep_login:
        messages = messages.filter(address__in=addresses)
    return messages.update(address="", subject="", body="", error="")


def _anonymised(*, actor: User | None, volunteer: Volunteer, old_status: str) -> Volunteer:
    audit_log(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=volunteer,
        detail={"anonymised": True, "from": old_status},
    )
    return volunteer


@transaction.atomic
def volunteer_withdraw_consent(*, actor: User, volunteer: Volunteer) -> Volunteer:
    """The volunteer withdraws their consent (DSGVO Art. 7(3)) and has their data erased.

    In one transaction: every consent of the volunteer not yet withdrawn gets
    ``withdrawn_at`` (now); an ``update`` audit entry on the volunteer names the
    consents by id, kind and version (no personal values); then the record is erased
    through :func:`volunteer_anonymise`, which closes the login of a person who has no
    other role and writes its own ``delete`` entry.

    The consent rows are not deleted: :func:`volunteer_anonymise` keeps withdrawn
    consents, so kind, version, given and withdrawn time remain as the record that
    consent existed and was withdrawn. Attached to an anonymous record they are no
    personal data any more.

    Not repeatable: a record already anonymised is refused (nothing is written, not
    even an audit entry), since there is neither consent nor data left to remove.

    :param actor: who asks; on the web page the volunteer themselves.
    :return: the anonymised volunteer.
    :raises ValidationError: (non-field, code ``anonymised``) the record is already
        anonymised.
    """
    volunteer = _locked(volunteer)
    if is_anonymised(volunteer):
        raise ValidationError(
            _("Your consent was already withdrawn and your data erased."), code="anonymised"
        )
    now = timezone.now()
    consents = list(volunteer.consents.filter(withdrawn_at__isnull=True).order_by("pk"))
    for consent in consents:
        consent.withdrawn_at = now
        consent.full_clean()
        consent.save(update_fields=["withdrawn_at"])
    audit_log(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=volunteer,
        detail={
            "fields": ["consents.withdrawn_at"],
            "consents": [c.pk for c in consents],
            "kinds": sorted({c.kind for c in consents}),
            "versions": sorted({c.version for c in consents}),
        },
    )
    return volunteer_anonymise(actor=actor, volunteer=volunteer)
