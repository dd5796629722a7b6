"""Interpreter requests of the county's departments, the offers the engine makes for them,
the assignments that follow an accepted offer, and exclusions of interpreters per request.

Statuses move only through :mod:`requests.services` (one :class:`core.transitions.Workflow`
per model). Clients appear only as a pseudonymous reference (``client_ref``).

An assignment blocks its interpreter's time from half the center's gap before its start to
half the gap after its end (``blocked_start``/``blocked_end``): two assignments of one
interpreter closer than the gap overlap in those ranges. On PostgreSQL an exclusion
constraint over (interpreter, blocked range) refuses such a pair in the database itself
(migration ``0002_assignment_no_overlap``); on SQLite the service checks the same inside
its locking transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Gender, Level, Mode, Topic
from core.models import Center, Department, Language, Place, Role
from core.scoping import CenterScopedQuerySet, department_ids_for, is_admin
from core.validators import validate_no_contact_data, validate_pseudonym
from sprachpool.models import InterpreterProfile

#: Longest free-text note on a request.
NOTES_MAX_LENGTH = 2000


class Priority(models.TextChoices):
    """How urgent a request is; the engine weighs normal 1, urgent 2, critical 4."""

    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    CRITICAL = "critical", _("critical")


class RequestQuerySet(CenterScopedQuerySet):
    """Requests, scoped by role."""

    def visible_to(self, user: Any) -> RequestQuerySet:
        """Requests the user may see: a coordinator's whole center, a caseworker's department."""
        if is_admin(user):
            return self.all()
        coordinated = self.for_user(user, roles=[Role.COORDINATOR])
        departments = department_ids_for(user)
        mine = self.for_user(user, roles=[Role.CASEWORKER]).filter(department__in=departments)
        return self.filter(Q(pk__in=coordinated.values("pk")) | Q(pk__in=mine.values("pk")))


class InterpreterRequest(models.Model):
    """A department's request for an interpreter at one appointment."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        OFFERED = "offered", _("offered")
        ASSIGNED = "assigned", _("assigned")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")
        UNFILLED = "unfilled", _("unfilled")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="requests", verbose_name=_("center")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="requests", verbose_name=_("department")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    min_level = models.CharField(
        _("minimum level"), max_length=6, choices=Level.choices, default=Level.B1
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
    )
    place_name = models.CharField(_("place name"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    lat = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90.0), MaxValueValidator(90.0)],
    )
    lon = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180.0), MaxValueValidator(180.0)],
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    minors_involved = models.BooleanField(_("children or youths involved"), default=False)
    gender_preference = models.CharField(
        _("gender preference"), max_length=1, choices=Gender.choices, blank=True
    )
    client_ref = models.CharField(
        _("client reference"),
        max_length=40,
        blank=True,
        validators=[validate_pseudonym],
        help_text=_("A pseudonym such as K-1177 — never a name."),
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    urgency_reason = models.CharField(
        _("reason for the urgency"),
        max_length=200,
        blank=True,
        validators=[validate_no_contact_data],
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH), validate_no_contact_data],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    client_cap_reached = models.BooleanField(
        _("paid assignments for this client used up"),
        default=False,
        help_text=_("Set when filed: the center's cap of paid assignments per client is reached."),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    redacted_at = models.DateTimeField(
        _("notes and client reference removed at"),
        null=True,
        blank=True,
        help_text=_("Set by the retention clean-up once the center's retention period is over."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("interpreter request")
        verbose_name_plural = _("interpreter requests")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["center", "status", "start"], name="request_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="request_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.language_id} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_urgent(self) -> bool:
        return self.priority in (Priority.URGENT, Priority.CRITICAL)


class OfferQuerySet(CenterScopedQuerySet):
    """Offers, scoped through the request's center."""

    center_lookup = "request__center"

    def visible_to(self, user: Any) -> OfferQuerySet:
        """A coordinator sees the offers of their centers, an interpreter their own."""
        if is_admin(user):
            return self.all()
        coordinated = self.for_user(user, roles=[Role.COORDINATOR])
        own = self.for_user(user, roles=[Role.VOLUNTEER]).filter(
            interpreter__volunteer__user_id=user.pk
        )
        return self.filter(Q(pk__in=coordinated.values("pk")) | Q(pk__in=own.values("pk")))


class Offer(models.Model):
    """The engine's (or a coordinator's) proposal of one interpreter for one request."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Source(models.TextChoices):
        ENGINE = "engine", _("matching run")
        COORDINATOR = "coordinator", _("coordinator")

    request = models.ForeignKey(
        InterpreterRequest,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("request"),
    )
    interpreter = models.ForeignKey(
        InterpreterProfile,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("interpreter"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    source = models.CharField(
        _("made by"), max_length=12, choices=Source.choices, default=Source.ENGINE
    )
    #: The matching run that made the offer (``matching`` sits above this app: no foreign key).
    run_id = models.PositiveBigIntegerField(_("matching run"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    #: Accepted, waiting for the coordinator (centers where the coordinator confirms).
    awaiting_confirmation = models.BooleanField(_("awaiting the coordinator"), default=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="pending"),
                name="offer_one_pending_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"offer #{self.pk} request #{self.request_id} → {self.interpreter_id}"


class AssignmentQuerySet(CenterScopedQuerySet):
    """Assignments, scoped through the request's center."""

    center_lookup = "request__center"

    def visible_to(self, user: Any) -> AssignmentQuerySet:
        """Coordinators: their centers; caseworkers: their department's; interpreters: own."""
        if is_admin(user):
            return self.all()
        coordinated = self.for_user(user, roles=[Role.COORDINATOR])
        department = self.for_user(user, roles=[Role.CASEWORKER]).filter(
            request__department__in=department_ids_for(user)
        )
        own = self.for_user(user, roles=[Role.VOLUNTEER]).filter(
            interpreter__volunteer__user_id=user.pk
        )
        return self.filter(
            Q(pk__in=coordinated.values("pk"))
            | Q(pk__in=department.values("pk"))
            | Q(pk__in=own.values("pk"))
        )

    def holding(self) -> AssignmentQuerySet:
        """Assignments that still hold their interpreter's time (not cancelled)."""
        return self.exclude(status=Assignment.Status.CANCELLED)


class Assignment(models.Model):
    """An interpreter booked for a request (after an accepted offer)."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        CANCELLED = "cancelled", _("cancelled")
        COMPLETED = "completed", _("completed")
        DISPUTED = "disputed", _("disputed")

    request = models.ForeignKey(
        InterpreterRequest,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("request"),
    )
    interpreter = models.ForeignKey(
        InterpreterProfile,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("interpreter"),
    )
    offer = models.OneToOneField(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignment",
        verbose_name=_("offer"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    blocked_start = models.DateTimeField(_("blocked from"))
    blocked_end = models.DateTimeField(_("blocked until"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPCOMING, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    #: The settled Einsatznachweis (both sides agreed, or the coordinator decided).
    took_place = models.BooleanField(_("took place"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    travel_km = models.DecimalField(
        _("travel (km)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["interpreter", "blocked_start"], name="assignment_timeline_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(status="cancelled"),
                name="assignment_one_per_request",
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lt=models.F("blocked_end")),
                name="assignment_blocked_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"assignment #{self.pk} request #{self.request_id} → {self.interpreter_id}"


class ExclusionQuerySet(CenterScopedQuerySet):
    """Exclusions, scoped through the request's center."""

    center_lookup = "request__center"

    def visible_to(self, user: Any) -> ExclusionQuerySet:
        """Coordinators: the exclusions of their centers' requests."""
        return self.scoped(user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]))


class RequestExclusion(models.Model):
    """An interpreter who is not offered this request again, and why."""

    class Reason(models.TextChoices):
        DECLINED = "declined", _("declined the offer")
        EXPIRED = "expired", _("let the offer expire")
        CANCELLED = "cancelled", _("cancelled the assignment")
        COORDINATOR = "coordinator", _("excluded by the coordinator")

    request = models.ForeignKey(
        InterpreterRequest,
        on_delete=models.CASCADE,
        related_name="exclusions",
        verbose_name=_("request"),
    )
    interpreter = models.ForeignKey(
        InterpreterProfile,
        on_delete=models.CASCADE,
        related_name="request_exclusions",
        verbose_name=_("interpreter"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("excluded by"),
    )

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exclusion from a request")
        verbose_name_plural = _("exclusions from requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "interpreter"], name="exclusion_unique_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"request #{self.request_id} without {self.interpreter_id}"


class AbsenceReason(models.TextChoices):
    """Why an appointment did not take place (an Einsatznachweis with ``took_place`` false)."""

    CLIENT_ABSENT = "client_absent", _("the client did not come")
    CANCELLED_ON_SITE = "cancelled_on_site", _("cancelled on the spot")
    INTERPRETER_ABSENT = "interpreter_absent", _("the interpreter did not come")


class ConfirmationQuerySet(CenterScopedQuerySet):
    """Einsatznachweis entries, scoped through the request's center."""

    center_lookup = "assignment__request__center"

    def visible_to(self, user: Any) -> ConfirmationQuerySet:
        """As the assignment (:meth:`AssignmentQuerySet.visible_to`)."""
        return self.filter(assignment__in=Assignment.objects.visible_to(user).values("pk"))

    def current(self) -> ConfirmationQuerySet:
        """Entries not replaced by a correction."""
        return self.filter(superseded_by__isnull=True)


class Confirmation(models.Model):
    """One side's Einsatznachweis of an assignment: it took place (with the actual times), or
    not (with a reason).

    Entries are never edited: a correction is a new entry that ``supersedes`` the old one.
    The coordinator's entry decides a dispute (or corrects a settled assignment).
    """

    class Side(models.TextChoices):
        REQUESTER = "requester", _("requesting department")
        INTERPRETER = "interpreter", _("interpreter")
        COORDINATOR = "coordinator", _("coordinator's decision")

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("assignment"),
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    took_place = models.BooleanField(_("took place"))
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    travel_km = models.DecimalField(
        _("travel (km, there and back)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    reason = models.CharField(
        _("why it did not take place"), max_length=20, choices=AbsenceReason.choices, blank=True
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, validators=[validate_no_contact_data]
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einsatznachweis")
        verbose_name_plural = _("Einsatznachweise")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_start__lt=models.F("actual_end")),
                name="confirmation_start_before_end",
            )
        ]

    def __str__(self) -> str:
        return f"confirmation #{self.pk} ({self.side}) of assignment #{self.assignment_id}"


class AllowanceQuerySet(CenterScopedQuerySet):
    """Allowance entries, scoped by their center."""

    def visible_to(self, user: Any) -> AllowanceQuerySet:
        """A coordinator sees their centers' entries, an interpreter their own."""
        if is_admin(user):
            return self.all()
        coordinated = self.for_user(user, roles=[Role.COORDINATOR])
        own = self.for_user(user, roles=[Role.VOLUNTEER]).filter(
            interpreter__volunteer__user_id=user.pk
        )
        return self.filter(Q(pk__in=coordinated.values("pk")) | Q(pk__in=own.values("pk")))


class AllowanceEntry(models.Model):
    """The expense allowance (Aufwandsentschädigung) of one assignment, with its inputs.

    Computed once by the center's rule when the assignment completes (or is cancelled at
    short notice); never edited: a correction is a further entry with the difference, booked
    in the month it is made.
    """

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("assignment")
        CORRECTION = "correction", _("correction")

    class Basis(models.TextChoices):
        TOOK_PLACE = "took_place", _("took place")
        SHORT_NOTICE = "short_notice", _("cancelled at short notice")
        CLIENT_ABSENT = "client_absent", _("the client did not come")
        NOT_PAID = "not_paid", _("not paid")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center")
    )
    interpreter = models.ForeignKey(
        InterpreterProfile,
        on_delete=models.PROTECT,
        related_name="allowance_entries",
        verbose_name=_("interpreter"),
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="allowance_entries",
        verbose_name=_("assignment"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ASSIGNMENT)
    basis = models.CharField(_("basis"), max_length=14, choices=Basis.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=Center.AllowanceRule.choices)
    client_ref = models.CharField(_("client reference"), max_length=40, blank=True)
    #: For the flat rule: the how-many-th paid assignment of this client, and the cap then.
    cap_position = models.PositiveSmallIntegerField(_("assignment of the client no."), null=True)
    cap = models.PositiveSmallIntegerField(_("paid assignments per client"), null=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True)
    started_hours = models.PositiveSmallIntegerField(_("started hours"), null=True)
    travel_km = models.DecimalField(_("travel (km)"), max_digits=6, decimal_places=1, null=True)
    flat_amount = models.DecimalField(
        _("flat amount (EUR)"), max_digits=7, decimal_places=2, null=True
    )
    hourly_amount = models.DecimalField(
        _("per started hour (EUR)"), max_digits=7, decimal_places=2, null=True
    )
    per_km = models.DecimalField(_("per km (EUR)"), max_digits=5, decimal_places=2, null=True)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    #: The first day of the month the entry is booked in (billing and the yearly limit).
    month = models.DateField(_("month"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    objects = AllowanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("allowance entry")
        verbose_name_plural = _("allowance entries")
        ordering = ["month", "created_at", "id"]
        indexes = [
            models.Index(fields=["center", "month"], name="allowance_month_idx"),
            models.Index(fields=["center", "client_ref"], name="allowance_client_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(kind="assignment"),
                name="allowance_one_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} EUR for assignment #{self.assignment_id}"


class ClientCapExceptionQuerySet(CenterScopedQuerySet):
    """Client-cap exceptions, scoped by role."""

    def visible_to(self, user: Any) -> ClientCapExceptionQuerySet:
        """Coordinators: the exceptions of their centers."""
        return self.scoped(user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]))


class ClientCapException(models.Model):
    """A coordinator-approved exception: more paid assignments for one client than the cap."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center")
    )
    client_ref = models.CharField(
        _("client reference"), max_length=40, validators=[validate_pseudonym]
    )
    cap = models.PositiveSmallIntegerField(
        _("paid assignments for this client at most"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    reason = models.CharField(_("reason"), max_length=300, validators=[validate_no_contact_data])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    objects = ClientCapExceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("exception from the client cap")
        verbose_name_plural = _("exceptions from the client cap")
        ordering = ["client_ref"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "client_ref"], name="cap_exception_unique_client"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_ref}: {self.cap}"


class BillingMonthQuerySet(CenterScopedQuerySet):
    """Closed billing months, scoped by role."""

    def visible_to(self, user: Any) -> BillingMonthQuerySet:
        """Coordinators: the months of their centers."""
        return self.scoped(user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]))


class BillingMonth(models.Model):
    """A center's allowance month, closed for billing: its entries no longer change; a later
    correction is booked as a new entry in the next open month (``AllowanceEntry.corrects``)."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="+", verbose_name=_("center")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    objects = BillingMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed billing month")
        verbose_name_plural = _("closed billing months")
        ordering = ["center", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["center", "month"], name="billing_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.center_id} {self.month:%Y-%m} closed"

