"""The volunteer registry (Ehrenamtliche): the person across all roles, their languages,
weekly availability, absences, consents and paperwork.

Paperwork is recorded the way the law allows (§72a SGB VIII): that a police
certificate was seen, by whom, its issue date and yes/no on a listed offence.
There is deliberately no file field anywhere here.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import Level
from core.models import Center, Language, Place, Role
from core.scoping import CenterScopedQuerySet


class Interest(models.TextChoices):
    """What a volunteer would like to do."""

    INTERPRETING = "interpreting", _("Language mediation (Sprachmittlung)")
    SPONSORSHIP = "sponsorship", _("Sponsorship (Patenschaft)")
    ACCOMPANYING = "accompanying", _("Accompanying to offices")
    HOMEWORK = "homework", _("Homework help")
    LANGUAGE_CAFE = "language_cafe", _("Language café")
    LEISURE = "leisure", _("Leisure and sport")
    OTHER = "other", _("Other")


class VolunteerQuerySet(CenterScopedQuerySet):
    """Volunteers, scoped by role."""

    def visible_to(self, user: Any) -> Self:
        """The full record: coordinators see the volunteers of their centers, anyone their
        own record (also before approval, without a membership). Network leads see their
        Paten through :class:`networks.models.NetworkMember`, caseworkers the booked
        interpreter through the request; neither sees volunteer records."""
        return self.scoped(
            user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]) | Q(user_id=u.pk)
        )


class Volunteer(models.Model):
    """A person who volunteers with a center, in any role (Pate, Sprachmittler, …)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        CONFIRMED = "confirmed", _("e-mail confirmed")
        APPROVED = "approved", _("approved")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        LEFT = "left", _("left")

    class ConfirmedVia(models.TextChoices):
        EMAIL = "email", _("e-mail link")
        IN_PERSON = "in_person", _("in person")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("center")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("login"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164"))
    home_place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
    )
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    home_lat = models.FloatField(
        _("home latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)],
    )
    home_lon = models.FloatField(
        _("home longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)],
    )
    interests = models.JSONField(_("interests"), default=list, blank=True)
    sponsorship_capacity = models.PositiveSmallIntegerField(
        _("sponsorships at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("How many sponsorships this person can take on at the same time."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    confirmed_via = models.CharField(
        _("confirmed via"), max_length=10, choices=ConfirmedVia.choices, blank=True
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("When the personal data were erased; the record is read-only from then on."),
    )
    notes = models.TextField(_("internal notes"), blank=True, max_length=2000)
    language = models.CharField(
        _("language for messages"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language mails to this person are written in; empty: the default."),
    )

    class NotifyBy(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        BOTH = "both", _("e-mail and SMS")

    notify_by = models.CharField(
        _("messages by"),
        max_length=5,
        choices=NotifyBy.choices,
        default=NotifyBy.BOTH,
        help_text=_("SMS go only to a mobile number."),
    )
    quiet_from = models.TimeField(
        _("no SMS from"),
        default=time(21, 0),
        help_text=_("Quiet hours: no SMS at night unless a request is urgent."),
    )
    quiet_until = models.TimeField(_("no SMS until"), default=time(7, 0))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "email"], name="volunteer_unique_email_per_center"
            )
        ]
        indexes = [models.Index(fields=["center", "status"], name="volunteer_center_status")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_anonymised(self) -> bool:
        """Whether the personal data were erased (the record is read-only then)."""
        return self.anonymised_at is not None

    @property
    def email_confirmed(self) -> bool:
        """Whether the current e-mail address was confirmed through its link.

        False for a registration not confirmed yet, after the address was changed
        (until the link sent to the new address is opened) and for a record approved in
        person without ever opening a link. Mail with personal content, such as
        interpreter offers, should go only to confirmed addresses; in queries the same
        test is ``email_confirmed_at__isnull=False``.
        """
        return self.email_confirmed_at is not None


class VolunteerPartQuerySet(CenterScopedQuerySet):
    """Rows that belong to a volunteer, scoped through the volunteer's center."""

    center_lookup = "volunteer__center"

    def visible_to(self, user: Any) -> Self:
        """As the volunteer's record (:meth:`VolunteerQuerySet.visible_to`): coordinators
        of the volunteer's center, and the volunteer themself."""
        return self.scoped(
            user,
            lambda u: self.center_q(u, roles=[Role.COORDINATOR]) | Q(volunteer__user_id=u.pk),
        )


class LanguageSkill(models.Model):
    """A language a volunteer speaks, with a level (A1…C2 or native)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="languages", verbose_name=_("volunteer")
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    level = models.CharField(_("level"), max_length=6, choices=Level.choices)

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("language skill")
        verbose_name_plural = _("language skills")
        ordering = ["volunteer", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "language"], name="languageskill_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language_id} {self.level}"


class WeeklySlot(models.Model):
    """A weekly recurring time a volunteer is available, in Europe/Berlin wall-clock time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="weekly_slots",
        verbose_name=_("volunteer"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["volunteer", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="weeklyslot_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


class Absence(models.Model):
    """Dated unavailability (holidays, illness), whole days inclusive."""

    class Reason(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")
        ILLNESS = "illness", _("illness")
        OTHER = "other", _("other")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="absences", verbose_name=_("volunteer")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until (inclusive)"))
    reason = models.CharField(
        _("reason"), max_length=10, choices=Reason.choices, default=Reason.OTHER
    )

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["volunteer", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="absence_start_not_after_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date}–{self.end_date}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first.")})


class Consent(models.Model):
    """A consent given (and perhaps withdrawn), with the exact version and time."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("privacy notice")
        CONTACT_SHARING = "contact_sharing", _("sharing contact details with requesters")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="consents", verbose_name=_("volunteer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.CharField(_("version"), max_length=40)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["volunteer", "-given_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}"


class PoliceCertificate(models.Model):
    """That a (extended) police certificate was seen: never a copy, only these facts."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("police certificate")
        EXTENDED = "extended", _("extended police certificate (§72a SGB VIII)")

    #: A certificate must be at most this many days old when it is seen.
    MAX_AGE_WHEN_SEEN_DAYS = 92
    #: A certificate is renewed after this many years.
    VALID_YEARS = 5

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="police_certificates",
        verbose_name=_("volunteer"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    issued_on = models.DateField(_("issued on"))
    seen_on = models.DateField(_("seen on"))
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seen by"),
    )
    listed_offence = models.BooleanField(
        _("listed offence entered"),
        default=False,
        help_text=_("Whether the certificate shows an offence listed in §72a SGB VIII."),
    )

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("police certificate")
        verbose_name_plural = _("police certificates")
        ordering = ["volunteer", "-issued_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on}"

    @classmethod
    def valid_until_of(cls, issued_on: date) -> date:
        """The renewal rule, written once: a certificate issued on ``issued_on`` counts
        until the day before this one (issue date plus :attr:`VALID_YEARS` years; one
        issued on 29 February until 28 February)."""
        try:
            return issued_on.replace(year=issued_on.year + cls.VALID_YEARS)
        except ValueError:  # 29 February
            return issued_on.replace(year=issued_on.year + cls.VALID_YEARS, day=28)

    @classmethod
    def earliest_valid_issue(cls, on: date) -> date:
        """The earliest issue date of a certificate still current on ``on``, derived from
        :meth:`valid_until_of` (so database filters and Python checks agree)."""
        try:
            day = on.replace(year=on.year - cls.VALID_YEARS)
        except ValueError:  # 29 February
            day = on.replace(year=on.year - cls.VALID_YEARS, day=28)
        while cls.valid_until_of(day) <= on:
            day += timedelta(days=1)
        return day

    @property
    def valid_until(self) -> date:
        """The day it must be renewed by (:meth:`valid_until_of`)."""
        return self.valid_until_of(self.issued_on)

    def clean(self) -> None:
        if self.issued_on and self.seen_on:
            if self.seen_on < self.issued_on:
                raise ValidationError({"seen_on": _("It cannot be seen before it was issued.")})
            if (self.seen_on - self.issued_on).days > self.MAX_AGE_WHEN_SEEN_DAYS:
                raise ValidationError(
                    {"issued_on": _("The certificate was more than three months old when seen.")}
                )


class PledgeSignature(models.Model):
    """A signed confidentiality and neutrality pledge (Verschwiegenheitserklärung)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("volunteer")
    )
    version = models.CharField(_("version"), max_length=40)
    signed_on = models.DateField(_("signed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("confidentiality pledge")
        verbose_name_plural = _("confidentiality pledges")
        ordering = ["volunteer", "-signed_on"]

    def __str__(self) -> str:
        return f"{self.version} {self.signed_on}"


class Training(models.Model):
    """A course a volunteer attended, e.g. the basic course of 24 lessons."""

    class Kind(models.TextChoices):
        BASIC_COURSE = "basic_course", _("basic course for community interpreters")
        OTHER = "other", _("other training")

    #: Lessons of the basic course that qualify a lay interpreter.
    BASIC_COURSE_LESSONS = 24

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("volunteer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    lessons = models.PositiveSmallIntegerField(_("lessons"), default=0)
    attended_on = models.DateField(_("attended on"))

    objects = VolunteerPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["volunteer", "-attended_on"]

    def __str__(self) -> str:
        return self.title
