"""Public registration with double opt-in and the confirmation of e-mail
addresses: the signed link (the record's id, signed for the current address), sending and
resending it, confirming (:func:`volunteer_confirm_email`), the login's address following a
confirmed one (never for a staff login, :func:`login_is_staff`) and the coordinators' notice
that a registration awaits approval.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from core.errors import FieldErrors
from core.models import AuditEvent, Center, Membership, Place, Role, User
from core.params import parse_id
from core.phone import format_phone_national
from core.services import audit_log
from volunteers.models import (
    Consent,
    Volunteer,
)
from volunteers.privacy import PRIVACY_NOTICE_VERSION
from volunteers.services.availability import clean_slots, volunteer_weekly_slots_set
from volunteers.services.common import (
    _clean_email,
    _clean_home,
    _clean_name,
    _clean_phone,
    clean_interests,
)
from volunteers.services.languages import clean_languages, volunteer_languages_set
from volunteers.services.workflow import _set_status

Status = Volunteer.Status


#: Salt of the signed e-mail confirmation links.
CONFIRM_SALT = "volunteers.confirm-email"


#: How long an e-mail confirmation link works.
CONFIRM_MAX_AGE = dt.timedelta(days=7)


#: A volunteer may ask for a new confirmation link at most once in this interval.
CONFIRMATION_RESEND_INTERVAL = dt.timedelta(minutes=5)


def _confirmation_signer(email: str) -> signing.TimestampSigner:
    # The address is part of the salt, not of the token: the link names only the record's
    # id, yet stops working once the address changes.
    return signing.TimestampSigner(salt=f"{CONFIRM_SALT}:{email.strip().lower()}")


def confirmation_token(volunteer: Volunteer) -> str:
    """A signed token for the e-mail link: the volunteer's id and a signature bound to the
    current address (which the token does not contain), valid for 7 days."""
    return _confirmation_signer(volunteer.email).sign(str(volunteer.pk))


def confirmation_url(volunteer: Volunteer) -> str:
    """The absolute link that confirms the volunteer's e-mail address."""
    path = reverse("volunteer-register-confirm", args=[confirmation_token(volunteer)])
    return f"{settings.SITE_URL}{path}"


def volunteer_send_confirmation(*, volunteer: Volunteer, actor: User | None = None) -> None:
    """E-mail the confirmation link to the volunteer's current address (after the
    transaction commits).

    A registration (status ``registered``) gets the double opt-in wording; any later
    record gets the wording for confirming a new address (:func:`volunteer_update`
    sends it when the address changes). With an ``actor`` the sending is audited.
    """
    context = {
        "volunteer": volunteer,
        "center": volunteer.center,
        "url": confirmation_url(volunteer),
        "days": CONFIRM_MAX_AGE.days,
    }
    kind = "confirm" if volunteer.status == Status.REGISTERED else "confirm_address"
    subject = render_to_string(f"volunteers/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"volunteers/email/{kind}_body.txt", context)
    recipient = volunteer.email

    def send() -> None:
        send_mail(subject, body, None, [recipient])

    transaction.on_commit(send)
    if actor is not None:
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=volunteer,
            detail={"sent": "email_confirmation"},
        )


def _send_address_changed_notice(*, volunteer: Volunteer, old_email: str) -> None:
    """Tell the previous address that the account's address was changed (after commit).

    A security notice: no link and not the new address, only whom to contact if the
    change was not the person's own doing.
    """
    center = volunteer.center
    context = {
        "volunteer": volunteer,
        "center": center,
        "center_phone": format_phone_national(center.phone) if center.phone else "",
    }
    subject = render_to_string("volunteers/email/address_changed_subject.txt", context).strip()
    body = render_to_string("volunteers/email/address_changed_body.txt", context)

    def send() -> None:
        send_mail(subject, body, None, [old_email])

    transaction.on_commit(send)


def _confirmation_resend_key(volunteer: Volunteer) -> str:
    return f"volunteers:confirmation-resend:{volunteer.pk}"


@transaction.atomic
def volunteer_confirmation_resend(*, actor: User | None, volunteer: Volunteer) -> None:
    """The volunteer asks for a new link to their unconfirmed address (``/my/``).

    At most one link per :data:`CONFIRMATION_RESEND_INTERVAL` and volunteer, counted in
    the cache (shared between processes when Redis is configured), so the button cannot
    be used to flood an inbox.

    :raises ValidationError: code ``confirmed`` when the address is already confirmed or
        the volunteer has left; code ``throttled`` when a link was sent on request less
        than :data:`CONFIRMATION_RESEND_INTERVAL` ago. Nothing is sent then.
    """
    if volunteer.email_confirmed or volunteer.status == Status.LEFT:
        raise ValidationError(
            _("Your e-mail address is already confirmed. Nothing else to do."), code="confirmed"
        )
    interval = CONFIRMATION_RESEND_INTERVAL
    if not cache.add(_confirmation_resend_key(volunteer), 1, timeout=interval.total_seconds()):
        raise ValidationError(
            _(
                "We sent you a link only a few minutes ago. Please look in your inbox and "
                "spam folder, or ask again in %(minutes)d minutes."
            )
            % {"minutes": int(interval.total_seconds() // 60)},
            code="throttled",
        )
    volunteer_send_confirmation(volunteer=volunteer, actor=actor)


def message_language(code: str | None) -> str:
    """``code`` as one of the codes of ``settings.LANGUAGES`` (``"en-gb"`` → ``"en"``), or
    ``""`` (the default language) when it is none of them."""
    codes = {known for known, _name in settings.LANGUAGES}
    text = (code or "").strip().lower()
    for candidate in (text, text.split("-", 1)[0]):
        if candidate in codes:
            return candidate
    return ""


@transaction.atomic
def volunteer_register(
    *,
    center: Center,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    place: Place | int | None = None,
    postcode: str = "",
    languages: list[tuple[str, str]],
    interests: list[str],
    availability: list[tuple[int, dt.time, dt.time]],
    privacy_consent: bool,
    privacy_version: str,
    username: str,
    password: str,
    language: str | None = None,
) -> Volunteer | None:
    """Public self-registration: the person, a login, the privacy consent, languages and
    availability, in status ``registered``; then the confirmation e-mail goes out.

    The language for messages (:attr:`Volunteer.language`) is ``language``, by default the
    language the form was used in (the active UI language), when it is one of
    ``settings.LANGUAGES``; else it stays empty (the default language).

    When the address is already registered with the center, or the user name is taken,
    nothing is stored and the answer is the same as for a registration (None instead of
    the record, which callers do not show): only a mail to the address says what happened
    (:func:`_registration_refused`), so the form tells nobody who is registered.

    The login (``username``/``password``, chosen here) can sign in at once and sees its
    own record; the ``volunteer`` membership follows at approval.

    :raises ValidationError: field errors (``first_name``, ``email``, ``phone``, ``place``,
        ``languages``, ``availability``, ``privacy_consent``, ``username``, ``password``, …);
        nothing is stored then.
    :return: the new volunteer, or None when the address or user name was taken.
    """
    errors = FieldErrors()
    first = errors.run(_clean_name, first_name, "first_name")
    last = errors.run(_clean_name, last_name, "last_name")
    # Whether the address or the user name is taken is not an error here: the answer would
    # tell anyone whether someone is registered. The mail says it (_registration_refused).
    email_clean = errors.run(_clean_email, email, center=center, check_taken=False)
    phone_clean = errors.run(_clean_phone, phone, required=True)
    home = errors.run(_clean_home, center=center, place=place, postcode=postcode, required=True)
    langs = errors.run(clean_languages, languages)
    if langs is not None and not langs:
        errors.add("languages", _("Please name at least one language you speak."))
    slots = errors.run(clean_slots, availability)
    interest_codes = errors.run(clean_interests, interests)
    if not privacy_consent:
        errors.add(
            "privacy_consent", _("Please agree to the privacy notice to be able to register.")
        )
    elif privacy_version != PRIVACY_NOTICE_VERSION:
        errors.add(
            "privacy_version",
            _("The privacy notice has changed. Please read the current version (%(v)s).")
            % {"v": PRIVACY_NOTICE_VERSION},
        )
    login = errors.run(
        _clean_login,
        username,
        password,
        first=first,
        last=last,
        email=email_clean,
        check_taken=False,
    )
    errors.raise_if_any()
    email_taken = Volunteer.objects.filter(center=center, email__iexact=email_clean).exists()
    if email_taken or User.objects.filter(username__iexact=login).exists():
        make_password(password)  # as long as a registration takes: the timing tells nothing
        _registration_refused(
            center=center, email=email_clean, reason="email" if email_taken else "username"
        )
        return None

    town, postcode_clean = home
    # The login gets the address once it is confirmed (volunteer_confirm_email): until
    # then no password reset can be sent to it.
    user = User(
        username=login,
        first_name=first,
        last_name=last,
        email="",
        is_active=True,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    volunteer = Volunteer(
        center=center,
        user=user,
        first_name=first,
        last_name=last,
        email=email_clean,
        phone=phone_clean,
        home_place=town,
        postcode=postcode_clean or (town.postcode if town else ""),
        home_lat=town.lat if town else None,
        home_lon=town.lon if town else None,
        interests=interest_codes,
        status=Status.REGISTERED,
        status_changed_at=timezone.now(),
        language=message_language(translation.get_language() if language is None else language),
    )
    volunteer.full_clean()
    volunteer.save()
    consent = Consent(
        volunteer=volunteer,
        kind=Consent.Kind.PRIVACY,
        version=PRIVACY_NOTICE_VERSION,
        given_at=timezone.now(),
    )
    consent.full_clean()
    consent.save()
    audit_log(
        actor=None,
        action=AuditEvent.Action.CREATE,
        obj=volunteer,
        detail={"via": "self_registration", "consent": PRIVACY_NOTICE_VERSION},
    )
    volunteer_languages_set(actor=None, volunteer=volunteer, languages=langs)
    volunteer_weekly_slots_set(actor=None, volunteer=volunteer, slots=slots)
    volunteer_send_confirmation(volunteer=volunteer)
    return volunteer


def _registration_refused(*, center: Center, email: str, reason: str) -> None:
    """Tell the address of a refused registration why (after commit): it is registered with
    the center already (``reason="email"``: how to log in or reset the password), or the
    chosen user name is taken (``"username"``: register again with another one)."""
    register = reverse("volunteer-register", args=[center.slug])
    context = {
        "center": center,
        "login_url": f"{settings.SITE_URL}{reverse('login')}",
        "reset_url": f"{settings.SITE_URL}{reverse('password_reset')}",
        "register_url": f"{settings.SITE_URL}{register}",
    }
    kind = "registered_already" if reason == "email" else "username_taken"
    subject = render_to_string(f"volunteers/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"volunteers/email/{kind}_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))


def _clean_login(
    username: str,
    password: str,
    *,
    first: str | None,
    last: str | None,
    email: str | None,
    check_taken: bool = True,
) -> str:
    errors = FieldErrors()
    name = (username or "").strip()
    if not name:
        errors.add("username", _("Please choose a user name."))
    elif len(name) > 150:
        errors.add("username", _("Please use at most %(max)d characters.") % {"max": 150})
    else:
        try:
            User.username_validator(name)
        except ValidationError:
            errors.add(
                "username",
                _("Please use only letters, digits and the characters @ . + - _ in the user name."),
            )
        else:
            if check_taken and User.objects.filter(username__iexact=name).exists():
                errors.add("username", _("This user name is taken. Please choose another one."))
    if not password:
        errors.add("password", _("Please choose a password."))
    elif len(password) > 128:
        errors.add("password", _("Please use at most %(max)d characters.") % {"max": 128})
    else:
        probe = User(username=name, first_name=first or "", last_name=last or "", email=email or "")
        try:
            validate_password(password, user=probe)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", message)
    errors.raise_if_any()
    return name


def read_confirmation_token(token: str) -> tuple[int, str]:
    """The volunteer id in a confirmation token and the address it was signed for (the
    volunteer's current one: a token for a previous address does not verify).

    :raises ValidationError: for a tampered, malformed or expired token, an unknown
        volunteer, or an address changed since the link was sent.
    """
    invalid = ValidationError(_("This confirmation link is not valid."), code="invalid")
    pk_text = (token or "").split(":", 1)[0]
    pk = parse_id(pk_text)
    if pk is None:
        raise invalid
    email = Volunteer.objects.filter(pk=pk).values_list("email", flat=True).first()
    if email is None:
        raise invalid
    try:
        value = _confirmation_signer(email).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This confirmation link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise invalid from exc
    if value != pk_text:
        raise invalid
    return pk, email


def login_is_staff(user: User) -> bool:
    """Whether a login holds a staff role anywhere: admin, ``is_staff`` or a coordinator,
    caseworker or network lead membership in any center. Such a login is never changed
    through a volunteer record (its name and e-mail address are its own)."""
    return (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user_id=user.pk).exclude(role=Role.VOLUNTEER).exists()
    )


def _login_email_follow(volunteer: Volunteer) -> None:
    """The volunteer's login takes over the address just confirmed (unless it is staff)."""
    user = volunteer.user
    if user is None or login_is_staff(user) or user.email == volunteer.email:
        return
    user.email = volunteer.email
    user.save(update_fields=["email"])


@transaction.atomic
def volunteer_confirm_email(*, token: str) -> tuple[Volunteer, bool]:
    """The link from the e-mail confirms the address.

    Double opt-in: a registration moves ``registered`` → ``confirmed`` and the center's
    coordinators are told (task ``volunteers.tasks.registration_waiting_notify``, on
    commit). Re-confirmation: a later record whose address is not confirmed (it was
    changed, see :func:`volunteer_update`) gets ``email_confirmed_at``; its status stays
    and no coordinator is told. Both are audited. In both cases the person's login takes
    over the confirmed address (not a login with a staff role, :func:`login_is_staff`).

    :return: the volunteer and whether this call confirmed it (False when it already was).
    :raises ValidationError: tampered or expired link, or the address changed since
        (the token is signed for the address, so a link to a previous address stays void).
    """
    pk, email = read_confirmation_token(token)
    volunteer = Volunteer.objects.select_for_update().filter(pk=pk).first()
    if volunteer is None or volunteer.email.lower() != email.lower():  # changed meanwhile
        raise ValidationError(_("This confirmation link is not valid."), code="invalid")
    if volunteer.status != Status.REGISTERED:
        if volunteer.email_confirmed:
            return volunteer, False
        volunteer.email_confirmed_at = timezone.now()
        volunteer.full_clean()
        volunteer.save(update_fields=["email_confirmed_at", "updated_at"])
        _login_email_follow(volunteer)
        audit_log(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            obj=volunteer,
            detail={"fields": ["email_confirmed_at"], "via": "email_link"},
        )
        return volunteer, True
    now = timezone.now()
    volunteer.email_confirmed_at = now
    volunteer.confirmed_via = Volunteer.ConfirmedVia.EMAIL
    _set_status(actor=None, volunteer=volunteer, new=Status.CONFIRMED, action="confirm")
    _login_email_follow(volunteer)
    pk = volunteer.pk
    transaction.on_commit(lambda: async_task("volunteers.tasks.registration_waiting_notify", pk))
    return volunteer, True


def registration_waiting_notify(*, volunteer: Volunteer) -> int:
    """E-mail the center's coordinators that a confirmed registration awaits approval.

    Sent (by the task ``volunteers.tasks.registration_waiting_notify``) after the double
    opt-in. The mail names no one, only the center, how many registrations wait and the
    link to the approval queue: names stay behind the login. Coordinators without an
    e-mail address or with an inactive login are skipped.

    :return: how many coordinators were written to.
    """
    center = volunteer.center
    recipients = sorted(
        set(
            User.objects.filter(
                memberships__center=center, memberships__role=Role.COORDINATOR, is_active=True
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not recipients or volunteer.status != Status.CONFIRMED:
        return 0
    waiting = Volunteer.objects.filter(
        center=center, status__in=(Status.REGISTERED, Status.CONFIRMED)
    ).count()
    context = {
        "center": center,
        "waiting": waiting,
        "url": f"{settings.SITE_URL}{reverse('volunteer-approvals')}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "volunteers/email/registration_waiting_subject.txt", context
        ).strip()
        body = render_to_string("volunteers/email/registration_waiting_body.txt", context)
    send_mail(subject, body, None, recipients)
    return len(recipients)
