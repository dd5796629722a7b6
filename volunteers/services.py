"""State changes of the volunteer registry: registration with double opt-in, the status
workflow, contact data, languages, availability, absences, paperwork, export,
anonymisation, the volunteer's own withdrawal of consent with erasure
(:func:`volunteer_withdraw_consent`) and the retention clean-up
(:func:`volunteer_retention_apply`).

Every function validates first and stores nothing on bad input (a Django
``ValidationError`` with field names), runs in one transaction and writes the
audit trail (field names and codes only, never personal values).

Status workflow::

    registered ──(e-mail link)──> confirmed ──(coordinator)──> approved ──> active ⇄ paused
        └────────(coordinator who met the person)──────────────┘
    any status ──> left

Accounts: a username and password are chosen at registration. The account can log
in right away and sees its own record and the pending state; it gets the
``volunteer`` membership of the center only when a coordinator approves it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from core.choices import Level
from core.models import AuditEvent, Center, Language, Membership, Place, Role, User
from core.phone import format_phone_national, normalize_phone
from core.scoping import forget_memberships
from core.services import audit_log, audit_view, membership_grant
from volunteers import selectors
from volunteers.models import (
    Absence,
    Consent,
    Interest,
    LanguageSkill,
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
    WeeklySlot,
)
from volunteers.privacy import BASIC_COURSE_TITLE, PLEDGE_VERSION, PRIVACY_NOTICE_VERSION
from volunteers.rules import reject_future_date
from volunteers.signals import volunteer_anonymised, volunteer_parts_changed

Status = Volunteer.Status

logger = logging.getLogger(__name__)

#: Salt of the signed e-mail confirmation links.
CONFIRM_SALT = "volunteers.confirm-email"
#: How long an e-mail confirmation link works.
CONFIRM_MAX_AGE = dt.timedelta(days=7)
#: A volunteer may ask for a new confirmation link at most once in this interval.
CONFIRMATION_RESEND_INTERVAL = dt.timedelta(minutes=5)
#: A registration still unconfirmed (status ``registered``) after this long is anonymised by
#: the retention clean-up: its confirmation link died after :data:`CONFIRM_MAX_AGE`, so the
#: data serves no purpose any more. The same for every center.
UNCONFIRMED_REGISTRATION_MAX_AGE = dt.timedelta(days=30)
#: Domain of the placeholder address an anonymised volunteer gets
#: (``anonymised-<pk>@anonymised.invalid``); it is how an anonymised record is recognised.
ANONYMISED_EMAIL_DOMAIN = "anonymised.invalid"
#: Upper bounds that keep a single request small.
MAX_LANGUAGES = 20
MAX_SLOTS = 28
MAX_ABSENCE_DAYS = 366

#: Fields of the volunteer record a coordinator may change.
COORDINATOR_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "home_place",
    "postcode",
    "home_lat",
    "home_lon",
    "interests",
    "notes",
)
#: Fields a volunteer may change on their own record.
SELF_FIELDS = ("first_name", "last_name", "email", "phone", "home_place", "postcode", "interests")


# --------------------------------------------------------------------------- validation


class _Errors:
    """Collects field errors of several checks, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.errors.setdefault(field, []).append(message)

    def run(self, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, messages in exc.message_dict.items():
                    self.errors.setdefault(field, []).extend(messages)
            else:
                self.errors.setdefault("__all__", []).extend(exc.messages)
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _row_error(message: str, row: int) -> ValidationError:
    """A message about the ``row``-th item of a list (languages, weekly times), so a page
    can show it at that row (:func:`core.forms.add_service_errors`)."""
    return ValidationError(message.replace("%", "%%"), code="row", params={"row": row})


def clean_languages(languages: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Check (language code, level) pairs: known codes, known levels, each language once.

    :raises ValidationError: ``{"languages": [...]}``, each message carrying the index of
        its pair as ``params["row"]``.
    """
    pairs = list(languages)
    messages: list[ValidationError] = []
    if len(pairs) > MAX_LANGUAGES:
        raise ValidationError(
            {"languages": [_("Please list at most %(max)d languages.") % {"max": MAX_LANGUAGES}]}
        )
    cleaned: list[tuple[str, str]] = []
    codes = [str(code).strip()[:20] for code, _level in pairs]
    known = set(Language.objects.filter(code__in=codes).values_list("code", flat=True))
    seen: set[str] = set()
    for row, (code, (_raw, level)) in enumerate(zip(codes, pairs, strict=True)):
        level = str(level).strip()[:20]
        if code not in known:
            messages.append(_row_error(_("Unknown language: “%(code)s”.") % {"code": code}, row))
            continue
        if level not in Level.values:
            message = _(
                "Unknown level “%(level)s” for “%(code)s”: choose A1, A2, B1, B2, C1, C2 or native."
            ) % {"level": level, "code": code}
            messages.append(_row_error(message, row))
            continue
        if code in seen:
            message = _("Please list each language only once: “%(code)s”.") % {"code": code}
            messages.append(_row_error(message, row))
            continue
        seen.add(code)
        cleaned.append((code, level))
    if messages:
        raise ValidationError({"languages": messages})
    return cleaned


def clean_slots(
    slots: Iterable[Sequence[Any]],
) -> list[tuple[int, dt.time, dt.time]]:
    """Check weekly slots (weekday 0 = Monday, start, end): end after start, no overlap
    on the same day.

    :raises ValidationError: ``{"availability": [...]}``, each message carrying the index
        of its slot as ``params["row"]`` (for an overlap: the later of the two).
    """
    items = list(slots)
    if len(items) > MAX_SLOTS:
        raise ValidationError(
            {"availability": [_("Please give at most %(max)d times.") % {"max": MAX_SLOTS}]}
        )
    messages: list[ValidationError] = []
    rows: list[tuple[int, dt.time, dt.time, int]] = []
    days = dict(WeeklySlot.Weekday.choices)
    for row, (weekday, start, end) in enumerate(items):
        if not isinstance(weekday, int) or isinstance(weekday, bool) or weekday not in days:
            messages.append(
                _row_error(_("The weekday must be a number from 0 (Monday) to 6 (Sunday)."), row)
            )
            continue
        if not isinstance(start, dt.time) or not isinstance(end, dt.time):
            messages.append(_row_error(_("Please give start and end as times, e.g. 09:00."), row))
            continue
        if end <= start:
            message = _("%(day)s: the end (%(end)s) must be after the start (%(start)s).") % {
                "day": days[weekday],
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
            }
            messages.append(_row_error(message, row))
            continue
        rows.append(
            (
                weekday,
                start.replace(second=0, microsecond=0),
                end.replace(second=0, microsecond=0),
                row,
            )
        )
    rows.sort()
    for (day_a, start_a, end_a, _row_a), (day_b, start_b, end_b, row_b) in zip(
        rows, rows[1:], strict=False
    ):
        if day_a == day_b and start_b < end_a:
            message = _("%(day)s: the times %(a)s and %(b)s overlap.") % {
                "day": days[day_a],
                "a": f"{start_a:%H:%M}–{end_a:%H:%M}",
                "b": f"{start_b:%H:%M}–{end_b:%H:%M}",
            }
            messages.append(_row_error(message, row_b))
    if messages:
        raise ValidationError({"availability": messages})
    return [(day, start, end) for day, start, end, _row in rows]


def clean_interests(interests: Iterable[str]) -> list[str]:
    """Known interest codes, in the order of :class:`Interest`.

    :raises ValidationError: ``{"interests": [...]}``.
    """
    values = [str(v)[:40] for v in interests]
    unknown = sorted(set(values) - set(Interest.values))
    if unknown:
        raise ValidationError(
            {"interests": [_("Unknown interest: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return [code for code in Interest.values if code in values]


def _clean_phone(raw: str, *, required: bool) -> str:
    if not (raw or "").strip():
        if required:
            raise ValidationError({"phone": [_("Please enter a phone number.")]})
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc


def _clean_email(
    raw: str, *, center: Center, exclude_pk: int | None = None, check_taken: bool = True
) -> str:
    email = (raw or "").strip().lower()
    if not email:
        raise ValidationError({"email": [_("Please enter your e-mail address.")]})
    if len(email) > 254:
        raise ValidationError({"email": [_("Please enter a valid e-mail address.")]})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": [_("Please enter a valid e-mail address.")]}) from exc
    if not check_taken:
        return email
    taken = Volunteer.objects.filter(center=center, email__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"email": [_("This e-mail address is already registered with this center.")]}
        )
    return email


def _clean_name(value: str, field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > 100:
        raise ValidationError({field: [_("Please use at most %(max)d characters.") % {"max": 100}]})
    return text


def _clean_home(
    *, center: Center, place: Place | int | None, postcode: str, required: bool
) -> tuple[Place | None, str]:
    """The town (a place of kind town of the center) and/or a German postcode."""
    postcode = (postcode or "").strip()
    if postcode and (len(postcode) != 5 or not postcode.isdigit()):
        raise ValidationError({"postcode": [_("A German postcode has five digits.")]})
    town: Place | None = None
    if place is not None:
        place_id = place.pk if isinstance(place, Place) else place
        town = Place.objects.filter(center=center, kind=Place.Kind.TOWN, pk=place_id).first()
        if town is None:
            raise ValidationError({"place": [_("Please choose one of the towns listed.")]})
    elif postcode:
        town = (
            Place.objects.filter(center=center, kind=Place.Kind.TOWN, postcode=postcode)
            .order_by("name")
            .first()
        )
    if required and town is None and not postcode:
        raise ValidationError({"place": [_("Please choose your town or enter your postcode.")]})
    return town, postcode


def refuse_if_anonymised(volunteer: Volunteer) -> None:
    """Anonymised records are read-only: every service that changes a volunteer asks this.

    :raises ValidationError: code ``anonymised``.
    """
    if volunteer.anonymised_at is not None:
        raise ValidationError(
            _("This record was anonymised. It can no longer be changed."), code="anonymised"
        )


# --------------------------------------------------------------------------- languages, slots


@transaction.atomic
def volunteer_languages_set(
    *, actor: User | None, volunteer: Volunteer, languages: list[tuple[str, str]]
) -> list[LanguageSkill]:
    """Replace the volunteer's languages with (language code, level) pairs.

    :raises ValidationError: ``{"languages": [...]}`` for unknown codes or levels and
        duplicates; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    cleaned = clean_languages(languages)
    before = set(volunteer.languages.values_list("language_id", "level"))
    volunteer.languages.all().delete()
    skills = [
        LanguageSkill(volunteer=volunteer, language_id=code, level=level) for code, level in cleaned
    ]
    for skill in skills:
        skill.full_clean(validate_unique=False)
    LanguageSkill.objects.bulk_create(skills)
    # Other apps' rules on languages (an active interpreter's German) may refuse here.
    volunteer_parts_changed.send(
        sender=Volunteer, volunteer=volunteer, actor=actor, parts=("languages",)
    )
    if before != set(cleaned):
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=volunteer,
            detail={"fields": ["languages"], "languages": sorted(code for code, _l in cleaned)},
        )
    return list(volunteer.languages.select_related("language").order_by("language_id"))


@transaction.atomic
def volunteer_weekly_slots_set(
    *,
    actor: User | None,
    volunteer: Volunteer,
    slots: list[tuple[int, dt.time, dt.time]],
) -> list[WeeklySlot]:
    """Replace the volunteer's weekly availability (weekday 0 = Monday, Europe/Berlin times).

    :raises ValidationError: ``{"availability": [...]}`` when an end is not after its start
        or two slots of a day overlap; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    cleaned = clean_slots(slots)
    before = set(volunteer.weekly_slots.values_list("weekday", "start_time", "end_time"))
    volunteer.weekly_slots.all().delete()
    rows = [
        WeeklySlot(volunteer=volunteer, weekday=day, start_time=start, end_time=end)
        for day, start, end in cleaned
    ]
    for row in rows:
        row.full_clean()
    WeeklySlot.objects.bulk_create(rows)
    if before != set(cleaned):
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=volunteer,
            detail={"fields": ["availability"]},
        )
    return list(volunteer.weekly_slots.order_by("weekday", "start_time"))


# --------------------------------------------------------------------------- registration


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
) -> Volunteer | None:
    """Public self-registration: the person, a login, the privacy consent, languages and
    availability, in status ``registered``; then the confirmation e-mail goes out.

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
    errors = _Errors()
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
    errors = _Errors()
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
    if not (pk_text.isascii() and pk_text.isdigit()) or len(pk_text) > 18:
        raise invalid
    email = Volunteer.objects.filter(pk=int(pk_text)).values_list("email", flat=True).first()
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
    return int(pk_text), email


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


# --------------------------------------------------------------------------- status workflow

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


def _locked(volunteer: Volunteer) -> Volunteer:
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


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


# --------------------------------------------------------------------------- create, update


@transaction.atomic
def volunteer_create(
    *,
    actor: User | None,
    center: Center,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    home_place: Place | int | None = None,
    postcode: str = "",
    home_lat: float | None = None,
    home_lon: float | None = None,
    interests: list[str] | None = None,
    notes: str = "",
    languages: list[tuple[str, str]] | None = None,
    availability: list[tuple[int, dt.time, dt.time]] | None = None,
) -> Volunteer:
    """A coordinator enters a volunteer (no login; status ``registered`` until approved).

    :raises ValidationError: field errors; nothing is stored then.
    """
    errors = _Errors()
    first = errors.run(_clean_name, first_name, "first_name")
    last = errors.run(_clean_name, last_name, "last_name")
    email_clean = errors.run(_clean_email, email, center=center)
    phone_clean = errors.run(_clean_phone, phone, required=False)
    home = errors.run(
        _clean_home, center=center, place=home_place, postcode=postcode, required=False
    )
    langs = errors.run(clean_languages, languages or [])
    slots = errors.run(clean_slots, availability or [])
    interest_codes = errors.run(clean_interests, interests or [])
    errors.raise_if_any()
    town, postcode_clean = home
    volunteer = Volunteer(
        center=center,
        first_name=first,
        last_name=last,
        email=email_clean,
        phone=phone_clean,
        home_place=town,
        postcode=postcode_clean or (town.postcode if town else ""),
        home_lat=home_lat if home_lat is not None else (town.lat if town else None),
        home_lon=home_lon if home_lon is not None else (town.lon if town else None),
        interests=interest_codes,
        notes=notes or "",
        status=Status.REGISTERED,
        status_changed_at=timezone.now(),
    )
    volunteer.full_clean()
    volunteer.save()
    audit_log(actor=actor, action=AuditEvent.Action.CREATE, obj=volunteer)
    volunteer_languages_set(actor=actor, volunteer=volunteer, languages=langs)
    volunteer_weekly_slots_set(actor=actor, volunteer=volunteer, slots=slots)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User | None, volunteer: Volunteer, **fields: Any) -> Volunteer:
    """Change contact data and other fields of :data:`COORDINATOR_FIELDS`.

    The phone number is parsed again (stored in E.164); a town must be one of the
    center's towns. The login's name follows the record, its e-mail address only when
    the new address is confirmed (:func:`volunteer_confirm_email`); a login with a staff
    role anywhere (:func:`login_is_staff`) is never changed through a volunteer record.

    A new e-mail address (compared without regard to case) must be confirmed again:
    ``email_confirmed_at`` is cleared and, after commit, the link of
    :func:`volunteer_send_confirmation` goes to the new address; if the previous address
    was confirmed, it gets a short notice of the change (no link, not the new address).
    A registration not confirmed yet just gets its link at the new address.

    :raises ValidationError: field errors; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    unknown = sorted(set(fields) - set(COORDINATOR_FIELDS))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    errors = _Errors()
    data: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if name in fields:
            data[name] = errors.run(_clean_name, fields[name], name)
    if "email" in fields:
        data["email"] = errors.run(
            _clean_email, fields["email"], center=volunteer.center, exclude_pk=volunteer.pk
        )
    if "phone" in fields:
        data["phone"] = errors.run(_clean_phone, fields["phone"], required=False)
    if "home_place" in fields or "postcode" in fields:
        place = fields.get("home_place", volunteer.home_place_id)
        postcode = fields.get("postcode", volunteer.postcode if "home_place" not in fields else "")
        home = errors.run(
            _clean_home, center=volunteer.center, place=place, postcode=postcode, required=False
        )
        if home is not None:
            town, postcode_clean = home
            data["home_place"] = town
            data["postcode"] = postcode_clean or (town.postcode if town else "")
            if town is not None and town.pk != volunteer.home_place_id:
                data.setdefault("home_lat", town.lat)
                data.setdefault("home_lon", town.lon)
    for name in ("home_lat", "home_lon"):
        if name in fields:
            data[name] = fields[name]
    if "interests" in fields:
        data["interests"] = errors.run(clean_interests, fields["interests"] or [])
    if "notes" in fields:
        data["notes"] = fields["notes"] or ""
    errors.raise_if_any()
    old_email = volunteer.email
    if "email" in data and data["email"].lower() == old_email.lower():
        del data["email"]  # the same address (case aside): nothing to confirm again
    changed = sorted(name for name, value in data.items() if getattr(volunteer, name) != value)
    sent: list[str] = []
    if "email" in changed:
        # The new address counts only once its link is opened (volunteer_confirm_email).
        if volunteer.email_confirmed_at is not None:
            volunteer.email_confirmed_at = None
            changed.append("email_confirmed_at")
            sent.append("email_changed_notice")
        sent.insert(0, "email_confirmation")
    for name, value in data.items():
        setattr(volunteer, name, value)
    volunteer.full_clean()
    volunteer.save()
    # The login's name follows the record; its e-mail address only once the new address
    # is confirmed (volunteer_confirm_email), so a password reset never goes to an address
    # nobody has confirmed. ``user`` is only loaded when a name changed (no query otherwise).
    if {"first_name", "last_name"} & set(changed) and volunteer.user is not None:
        user = volunteer.user
        if not login_is_staff(user):
            user.first_name, user.last_name = volunteer.first_name, volunteer.last_name
            user.save(update_fields=["first_name", "last_name"])
    if "email_confirmation" in sent:
        volunteer_send_confirmation(volunteer=volunteer)
    if "email_changed_notice" in sent:
        _send_address_changed_notice(volunteer=volunteer, old_email=old_email)
    if changed:
        detail: dict[str, Any] = {"fields": changed}
        if sent:
            detail["sent"] = sent
        audit_log(actor=actor, action=AuditEvent.Action.UPDATE, obj=volunteer, detail=detail)
    return volunteer


@transaction.atomic
def volunteer_change(
    *,
    actor: User | None,
    volunteer: Volunteer,
    languages: list[tuple[str, str]] | None = None,
    availability: list[tuple[int, dt.time, dt.time]] | None = None,
    **fields: Any,
) -> Volunteer:
    """Change fields, languages and availability together: all or nothing.

    ``None`` for ``languages`` or ``availability`` leaves them as they are.

    :raises ValidationError: every field error found; nothing is stored then.
    """
    errors = _Errors()
    if languages is not None:
        errors.run(clean_languages, languages)
    if availability is not None:
        errors.run(clean_slots, availability)
    if fields:
        updated = errors.run(volunteer_update, actor=actor, volunteer=volunteer, **fields)
        volunteer = updated or volunteer
    errors.raise_if_any()
    if languages is not None:
        volunteer_languages_set(actor=actor, volunteer=volunteer, languages=languages)
    if availability is not None:
        volunteer_weekly_slots_set(actor=actor, volunteer=volunteer, slots=availability)
    return volunteer


# --------------------------------------------------------------------------- absences


def _save_part(*, actor: User | None, part: Model, volunteer: Volunteer, **detail: Any) -> None:
    """Validate and store a new row of ``volunteer`` (absence, paperwork) and audit it;
    ``detail`` adds non-personal context to the audit entry."""
    part.full_clean()
    part.save()
    audit_log(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=part,
        center=volunteer.center_id,
        detail={"volunteer": volunteer.pk, **detail},
    )


@transaction.atomic
def absence_add(
    *,
    actor: User | None,
    volunteer: Volunteer,
    start_date: dt.date,
    end_date: dt.date,
    reason: str = Absence.Reason.OTHER,
) -> Absence:
    """Record an absence (whole days, inclusive).

    :raises ValidationError: ``end_date`` before ``start_date``, longer than a year,
        overlapping another absence of the volunteer (``start_date``), or an unknown reason.
    """
    refuse_if_anonymised(volunteer)
    if start_date and end_date and end_date < start_date:
        raise ValidationError({"end_date": [_("The last day cannot be before the first.")]})
    if start_date and end_date and (end_date - start_date).days >= MAX_ABSENCE_DAYS:
        raise ValidationError({"end_date": [_("An absence can last at most one year.")]})
    if start_date and end_date:
        overlapping = (
            volunteer.absences.filter(start_date__lte=end_date, end_date__gte=start_date)
            .order_by("start_date")
            .first()
        )
        if overlapping is not None:
            raise ValidationError(
                {
                    "start_date": [
                        _(
                            "This overlaps the absence from %(start)s to %(end)s. Please change "
                            "that one or choose other days."
                        )
                        % {
                            "start": formats.date_format(
                                overlapping.start_date, "SHORT_DATE_FORMAT"
                            ),
                            "end": formats.date_format(overlapping.end_date, "SHORT_DATE_FORMAT"),
                        }
                    ]
                },
                code="overlap",
            )
    absence = Absence(volunteer=volunteer, start_date=start_date, end_date=end_date, reason=reason)
    _save_part(actor=actor, part=absence, volunteer=volunteer)
    return absence


@transaction.atomic
def absence_remove(*, actor: User | None, absence: Absence) -> None:
    """Delete an absence."""
    center_id = absence.volunteer.center_id
    audit_log(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=absence,
        center=center_id,
        detail={"volunteer": absence.volunteer_id},
    )
    absence.delete()


# --------------------------------------------------------------------------- paperwork


@transaction.atomic
def police_certificate_record(
    *,
    actor: User | None,
    volunteer: Volunteer,
    kind: str,
    issued_on: dt.date,
    listed_offence: bool,
    seen_on: dt.date | None = None,
) -> PoliceCertificate:
    """Record that a (extended) police certificate was seen by ``actor``: kind, issue date,
    seen date (today by default), yes/no on a listed offence. No copy is kept.

    :raises ValidationError: certificate more than three months old when seen, seen
        before issued, or a date in the future.
    """
    refuse_if_anonymised(volunteer)
    seen_on = seen_on or timezone.localdate()
    reject_future_date(issued_on, "issued_on")
    reject_future_date(seen_on, "seen_on")
    certificate = PoliceCertificate(
        volunteer=volunteer,
        kind=kind,
        issued_on=issued_on,
        seen_on=seen_on,
        seen_by=actor if actor is not None and actor.is_authenticated else None,
        listed_offence=bool(listed_offence),
    )
    _save_part(actor=actor, part=certificate, volunteer=volunteer, kind=kind)
    return certificate


@transaction.atomic
def pledge_record(
    *,
    actor: User | None,
    volunteer: Volunteer,
    signed_on: dt.date,
    version: str = PLEDGE_VERSION,
) -> PledgeSignature:
    """Record the signed confidentiality and neutrality pledge (version and date)."""
    refuse_if_anonymised(volunteer)
    reject_future_date(signed_on, "signed_on")
    pledge = PledgeSignature(
        volunteer=volunteer,
        version=(version or PLEDGE_VERSION).strip(),
        signed_on=signed_on,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _save_part(actor=actor, part=pledge, volunteer=volunteer, version=pledge.version)
    return pledge


@transaction.atomic
def training_record(
    *,
    actor: User | None,
    volunteer: Volunteer,
    kind: str,
    attended_on: dt.date,
    title: str = "",
    lessons: int | None = None,
) -> Training:
    """Record a course attended; the basic course defaults to its title and 24 lessons."""
    refuse_if_anonymised(volunteer)
    reject_future_date(attended_on, "attended_on")
    if kind == Training.Kind.BASIC_COURSE:
        title = title or BASIC_COURSE_TITLE
        lessons = Training.BASIC_COURSE_LESSONS if lessons is None else lessons
    if not (title or "").strip():
        raise ValidationError({"title": [_("Please name the training.")]})
    training = Training(
        volunteer=volunteer,
        kind=kind,
        title=title.strip(),
        lessons=lessons or 0,
        attended_on=attended_on,
    )
    _save_part(actor=actor, part=training, volunteer=volunteer, kind=kind)
    return training


@transaction.atomic
def paperwork_delete(
    *, actor: User | None, entry: PoliceCertificate | PledgeSignature | Training
) -> None:
    """Remove a paperwork entry recorded by mistake."""
    audit_log(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=entry,
        center=entry.volunteer.center_id,
        detail={"volunteer": entry.volunteer_id},
    )
    entry.delete()
    if isinstance(entry, PledgeSignature):
        volunteer_parts_changed.send(
            sender=Volunteer, volunteer=entry.volunteer, actor=actor, parts=("pledge",)
        )


# --------------------------------------------------------------------------- export, erase


def volunteer_viewed(*, actor: User | None, volunteer: Volunteer) -> None:
    """Record that a coordinator opened a volunteer's full record (who saw personal data)."""
    audit_view(actor=actor, obj=volunteer, own_user_id=volunteer.user_id)


def volunteer_export(*, actor: User | None, volunteer: Volunteer) -> dict[str, Any]:
    """Everything stored about the volunteer (their right of access); audited as an export."""
    data = selectors.volunteer_data(volunteer=volunteer)
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
    the person, e.g. the interpreter profile's personal settings); the login is made
    unusable and loses its memberships; the status becomes ``left``. Kept: center, town,
    languages with levels, interests and the dates of the workflow, so counts
    per language, town and year still add up. Withdrawn consents are kept as well
    (kind, version, given and withdrawn time: no personal data once the record is
    anonymous), as the proof that consent existed and was withdrawn
    (:func:`volunteer_withdraw_consent`). The record is recognisable afterwards by
    ``anonymised_at`` (:func:`anonymised_q`, :func:`is_anonymised`) and read-only from then on
    (:func:`refuse_if_anonymised`).
    """
    volunteer = _locked(volunteer)
    old_status = volunteer.status
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


# --------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class RetentionReport:
    """What one run of :func:`volunteer_retention_apply` anonymised, per reason."""

    #: Volunteers who left longer ago than their center's retention period.
    left: int = 0
    #: Registrations never confirmed, older than :data:`UNCONFIRMED_REGISTRATION_MAX_AGE`.
    unconfirmed: int = 0
    #: Records that failed validation and stayed as they were (logged by id, tried again
    #: on the next run).
    failed: int = 0

    @property
    def anonymised(self) -> int:
        """All records anonymised in this run."""
        return self.left + self.unconfirmed


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same wall-clock time ``months`` calendar months earlier, in the local time zone.

    Calendar months, not a fixed number of days: 24 months before 15 March 2026 is
    15 March 2024. A day the target month lacks is clamped to its last day (one month
    before 31 March is 28 or 29 February), so the result is never later than the
    calendar answer would allow. No ``dateutil`` needed.
    """
    local = timezone.localtime(moment)
    index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _retention_left_due(*, center: Center, before: dt.datetime) -> QuerySet[Volunteer]:
    """Volunteers of ``center`` who left before ``before`` and are not anonymised yet.

    The leaving date is ``left_at``; older records without it fall back to
    ``status_changed_at`` and, lacking both, to the last change (``updated_at``), so no
    record that left stays forever.
    """
    return (
        Volunteer.objects.filter(center=center, status=Status.LEFT)
        .alias(left_since=Coalesce("left_at", "status_changed_at", "updated_at"))
        .filter(left_since__lt=before)
        .exclude(anonymised_q())
    )


def _retention_unconfirmed_due(*, before: dt.datetime) -> QuerySet[Volunteer]:
    """Registrations never confirmed nor approved, created before ``before``."""
    return Volunteer.objects.filter(
        status=Status.REGISTERED,
        email_confirmed_at__isnull=True,
        approved_at__isnull=True,
        created_at__lt=before,
    ).exclude(anonymised_q())


def _retention_anonymise(
    *, due: QuerySet[Volunteer], pk: int
) -> Literal["anonymised", "skipped", "failed"]:
    """Anonymise volunteer ``pk`` if it is still due, in its own transaction.

    The rule is checked again on the locked row: a record confirmed, anonymised or
    deleted since the list was read is skipped, so concurrent runs never anonymise twice.
    """
    try:
        with transaction.atomic():
            volunteer = due.select_for_update().filter(pk=pk).first()
            if volunteer is None:
                return "skipped"
            volunteer_anonymise(actor=None, volunteer=volunteer)
    except ValidationError:
        logger.exception("Retention clean-up: volunteer %s could not be anonymised.", pk)
        return "failed"
    return "anonymised"


def volunteer_retention_apply(*, now: dt.datetime | None = None) -> RetentionReport:
    """Anonymise personal data whose retention period is over (DSGVO), as the system.

    Two rules, each record through :func:`volunteer_anonymise` (so each is audited,
    actor ``None``):

    - status ``left`` and left (``left_at``, else ``status_changed_at``, else the last
      change) more than the center's ``retention_months`` calendar months ago (see
      :func:`months_before`);
    - status ``registered`` (e-mail never confirmed, never approved) and created more
      than :data:`UNCONFIRMED_REGISTRATION_MAX_AGE` ago.

    Records already anonymised are skipped, so a second run changes nothing. Every
    record is anonymised in its own transaction: an interrupted run keeps what it did
    and the next run continues.

    :param now: the reference time; defaults to the current time.
    :return: the counts per rule.
    """
    now = now or timezone.now()
    counts = {"left": 0, "unconfirmed": 0, "failed": 0}
    batches: list[tuple[Literal["left", "unconfirmed"], QuerySet[Volunteer]]] = [
        (
            "left",
            _retention_left_due(center=center, before=months_before(now, center.retention_months)),
        )
        for center in Center.objects.order_by("pk")
    ]
    batches.append(
        ("unconfirmed", _retention_unconfirmed_due(before=now - UNCONFIRMED_REGISTRATION_MAX_AGE))
    )
    for reason, due in batches:
        for pk in list(due.order_by("pk").values_list("pk", flat=True)):
            outcome = _retention_anonymise(due=due, pk=pk)
            if outcome == "anonymised":
                counts[reason] += 1
            elif outcome == "failed":
                counts["failed"] += 1
    report = RetentionReport(**counts)
    if report.anonymised or report.failed:
        logger.info(
            "Retention clean-up: %d left, %d unconfirmed anonymised, %d failed.",
            report.left,
            report.unconfirmed,
            report.failed,
        )
    return report
