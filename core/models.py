"""Core domain: the tenant (Center) and its rules, users and their roles, departments,
languages, places and the audit trail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Topic
from core.scoping import CenterScopedQuerySet


def default_excluded_topics() -> list[str]:
    """Settings most WIR pools do not serve."""
    return [Topic.COURT, Topic.POLICE, Topic.BAMF]


class Center(models.Model):
    """A WIR-Vielfaltszentrum: the tenant, with the rules its pool follows."""

    class AllowanceRule(models.TextChoices):
        FLAT_PER_CLIENT = "flat_per_client", _("Flat amount per assignment and client (WIR)")
        HOURLY = "hourly", _("Per started hour plus travel")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    county = models.CharField(_("county or city"), max_length=200)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    offer_expiry_hours = models.PositiveSmallIntegerField(
        _("offer expires after (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    gap_minutes = models.PositiveSmallIntegerField(
        _("minimum gap between two assignments (minutes)"),
        default=30,
        validators=[MaxValueValidator(240)],
    )
    min_lead_working_days = models.PositiveSmallIntegerField(
        _("minimum lead time (working days)"),
        default=3,
        validators=[MaxValueValidator(20)],
    )
    excluded_topics = models.JSONField(
        _("settings the pool does not serve"), default=default_excluded_topics, blank=True
    )
    relay_contact = models.BooleanField(
        _("relay contact to interpreters"),
        default=False,
        help_text=_("Requesters get the center's relay number instead of the private one."),
    )
    relay_phone = models.CharField(_("relay phone number"), max_length=20, blank=True)
    allowance_rule = models.CharField(
        _("allowance rule"),
        max_length=20,
        choices=AllowanceRule.choices,
        default=AllowanceRule.FLAT_PER_CLIENT,
    )
    allowance_flat_amount = models.DecimalField(
        _("flat amount per assignment (EUR)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    allowance_cap_per_client = models.PositiveSmallIntegerField(
        _("paid assignments per client at most"), default=5
    )
    allowance_hourly_amount = models.DecimalField(
        _("amount per started hour (EUR)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("15.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    allowance_per_km = models.DecimalField(
        _("travel allowance per km (EUR)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class ConfirmMode(models.TextChoices):
        FIRST_ACCEPT = "first_accept", _("The first acceptance assigns the interpreter")
        COORDINATOR = "coordinator", _("The coordinator confirms accepted offers")

    confirm_mode = models.CharField(
        _("assigning accepted offers"),
        max_length=12,
        choices=ConfirmMode.choices,
        default=ConfirmMode.FIRST_ACCEPT,
    )
    matching_interval_minutes = models.PositiveSmallIntegerField(
        _("matching runs every (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )

    class ShortNoticePay(models.TextChoices):
        NONE = "none", _("Nothing")
        TRAVEL = "travel", _("Travel costs only")
        FLAT = "flat", _("The flat amount")

    short_notice_hours = models.PositiveSmallIntegerField(
        _("short notice: cancelled less than (hours) before"),
        default=24,
        validators=[MaxValueValidator(168)],
    )
    short_notice_pay = models.CharField(
        _("paid for a short-notice cancellation or a client who did not come"),
        max_length=10,
        choices=ShortNoticePay.choices,
        default=ShortNoticePay.FLAT,
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder before an assignment (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    reminder_sms_hours = models.PositiveSmallIntegerField(
        _("second reminder by SMS (hours before; 0: none)"),
        default=2,
        validators=[MaxValueValidator(24)],
    )
    at_risk_hours = models.PositiveSmallIntegerField(
        _("request at risk when not assigned (hours before the start)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
    )
    at_risk_urgent_hours = models.PositiveSmallIntegerField(
        _("urgent request at risk when not assigned (hours before the start)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    retention_months = models.PositiveSmallIntegerField(
        _("retention period (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("center")
        verbose_name_plural = _("centers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = sorted(set(self.excluded_topics or []) - set(Topic.values))
        if unknown:
            raise ValidationError(
                {"excluded_topics": _("Unknown setting: %(codes)s") % {"codes": ", ".join(unknown)}}
            )
        if self.relay_contact and not self.relay_phone:
            raise ValidationError(
                {"relay_phone": _("A relay number is needed when contact is relayed.")}
            )

    def serves_topic(self, topic: str) -> bool:
        """Whether the pool takes appointments of this setting."""
        return topic not in (self.excluded_topics or [])


class User(AbstractUser):
    """A person who logs in. What they may see comes from their memberships."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    @property
    def display_name(self) -> str:
        full = self.get_full_name().strip()
        return full or self.username


class Role(models.TextChoices):
    """What a member may do within a center."""

    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    VOLUNTEER = "volunteer", _("Volunteer")
    NETWORK_LEAD = "network_lead", _("Network lead")


class CenterDataQuerySet(CenterScopedQuerySet):
    """Departments and places: what every member of a center works with."""

    def visible_to(self, user: Any) -> Self:
        """Every member of the center (any role) sees its departments and places."""
        return self.scoped(user, lambda u: self.center_q(u, roles=None))


class MembershipQuerySet(CenterScopedQuerySet):
    """Memberships, scoped by role."""

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the memberships of their centers; anyone: their own."""
        return self.scoped(
            user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]) | Q(user_id=u.pk)
        )


class AuditTrailImmutable(Exception):
    """An audit entry was to be changed or deleted: the trail only grows."""


class AuditEventQuerySet(CenterScopedQuerySet):
    """The audit trail, scoped by role. Entries cannot be changed or deleted in bulk
    (``update``/``delete`` raise :class:`AuditTrailImmutable`); Django's own ``SET_NULL``
    when an actor's login or a center is deleted still works (it bypasses the queryset).
    """

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) <= {"actor", "center"} and all(v is None for v in kwargs.values()):
            return super().update(**kwargs)  # a deleted login or center (SET_NULL)
        raise AuditTrailImmutable("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the entries of their centers (entries without a center: admins)."""
        return self.scoped(user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]))


class NotificationQuerySet(CenterScopedQuerySet):
    """Messages sent, scoped by role."""

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the messages of their centers; anyone: the messages to them."""
        return self.scoped(
            user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]) | Q(recipient_id=u.pk)
        )


class Department(models.Model):
    """A Fachdienst of the county that books interpreters."""

    class Kind(models.TextChoices):
        YOUTH_OFFICE = "youth_office", _("Youth welfare office (Jugendamt)")
        SOCIAL_OFFICE = "social_office", _("Social welfare office (Sozialamt)")
        HEALTH_OFFICE = "health_office", _("Public health office (Gesundheitsamt)")
        IMMIGRATION_OFFICE = "immigration_office", _("Immigration office (Ausländerbehörde)")
        JOB_CENTRE = "job_centre", _("Job centre (Jobcenter)")
        SCHOOL = "school", _("School")
        DAY_CARE = "day_care", _("Day-care centre")
        OTHER = "other", _("Other")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="departments", verbose_name=_("center")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CenterDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["center", "name"]
        constraints = [
            models.UniqueConstraint(fields=["center", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one center; caseworkers belong to a department."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("center")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("department"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["center", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "center", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.center} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.role == Role.CASEWORKER and self.department_id is None:
            raise ValidationError({"department": _("A caseworker belongs to a department.")})
        if self.department is not None and self.department.center_id != self.center_id:
            raise ValidationError({"department": _("The department belongs to another center.")})


class Language(models.Model):
    """A language or variety an interpreter can work in, at dialect level where pools need it."""

    code = models.CharField(
        _("code"),
        max_length=12,
        primary_key=True,
        help_text=_("ISO 639-1 where one exists, else ISO 639-3."),
    )
    name_de = models.CharField(_("German name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    name_native = models.CharField(_("native name"), max_length=100, blank=True)
    rtl = models.BooleanField(_("written right to left"), default=False)
    macrolanguage = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="varieties",
        verbose_name=_("macrolanguage"),
    )

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active UI language."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "de").startswith("en") else self.name_de


class Place(models.Model):
    """A town or an office of a center, with coordinates for travel distances."""

    class Kind(models.TextChoices):
        TOWN = "town", _("Town")
        OFFICE = "office", _("Office")
        SCHOOL = "school", _("School or day care")
        OTHER = "other", _("Other")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="places", verbose_name=_("center")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOWN)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100)
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)]
    )
    lon = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)]
    )

    objects = CenterDataQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["center", "city", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="place_unique_name")]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who saw or changed which personal datum, and when. Written only by ``audit_log``."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("logged in")
        LOGOUT = "logout", _("logged out")
        TRANSITION = "transition", _("status changed")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    center = models.ForeignKey(
        Center,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("center"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Only a new entry is saved; an existing one is never changed."""
        if not self._state.adding:
            raise AuditTrailImmutable("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailImmutable("Audit entries cannot be deleted.")


class Notification(models.Model):
    """One message to one recipient on one channel, recorded so that no send happens twice.

    ``key`` is the idempotency key (e.g. ``offer-made:17:email``): a task that runs twice, or
    is retried after a worker died, finds the row and sends nothing again.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")
        IN_APP = "in_app", _("in the app")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    center = models.ForeignKey(
        Center,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("center"),
    )
    recipient = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    event = models.CharField(_("event"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    #: Where it went: the e-mail address or E.164 number (empty for in-app messages).
    address = models.CharField(_("address"), max_length=254, blank=True)
    #: The text as sent; the in-app list ("Neuigkeiten") shows it.
    body = models.TextField(_("text"), blank=True)
    #: When the next try of a failed send is due (backoff); null once sent or given up.
    retry_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    #: When the recipient read an in-app message.
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["retry_at"], name="notification_retry_idx"),
        ]

    def __str__(self) -> str:
        return self.key
