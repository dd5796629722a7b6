"""Sponsorship networks (Patennetzwerke): networks and their leads and members (Paten),
newcomer households (by pseudonymous reference only), sponsorships (Patenschaften)
with their status workflow, and check-ins.

Newcomers are never modelled as people: a household is a pseudonymous reference
with its size, languages, town and needs as categories. Free-text notes refuse
e-mail addresses and phone numbers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Center, Language, Place, Role
from core.scoping import CenterScopedQuerySet, center_ids_for
from core.validators import (
    PSEUDONYM_MAX_LENGTH,
    validate_household_reference,
    validate_no_contact_data,
)
from volunteers.models import Volunteer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Longest check-in note.
CHECK_IN_NOTE_MAX_LENGTH = 500
#: Longest note when a sponsorship ends.
END_NOTE_MAX_LENGTH = 300


class Need(models.TextChoices):
    """What a household would like support with."""

    AUTHORITIES = "authorities", _("Dealing with authorities")
    LANGUAGE = "language", _("Learning German")
    SCHOOL = "school", _("School and day care")
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work and training")
    HEALTH = "health", _("Health")
    LEISURE = "leisure", _("Leisure and getting to know the town")
    OTHER = "other", _("Other")


def led_networks_q(user: Any, *, network_lookup: str) -> Q:
    """The condition "in a network ``user`` leads" along ``network_lookup`` (``pk`` for a
    network, ``network`` for its parts), in a center where they hold the network-lead role."""
    led = NetworkLead.objects.filter(
        user_id=user.pk,
        network__center__in=sorted(center_ids_for(user, roles=[Role.NETWORK_LEAD])),
    ).values("network_id")
    return Q(**{f"{network_lookup}__in": led})


class NetworkQuerySet(CenterScopedQuerySet):
    """Networks, scoped by role."""

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the networks of their centers; network leads: the ones they lead."""
        return self.scoped(
            user,
            lambda u: (
                self.center_q(u, roles=[Role.COORDINATOR]) | led_networks_q(u, network_lookup="pk")
            ),
        )


class Network(models.Model):
    """A Patennetzwerk in a town or district, led by network leads, with Paten as members."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="networks", verbose_name=_("center")
    )
    name = models.CharField(_("name"), max_length=200)
    town = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
    )
    district = models.CharField(
        _("district"),
        max_length=200,
        blank=True,
        help_text=_("Where the network works, when it is not a single town."),
    )
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="NetworkLead",
        related_name="led_networks",
        blank=True,
        verbose_name=_("network leads"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("sponsorship network")
        verbose_name_plural = _("sponsorship networks")
        ordering = ["center", "name"]
        constraints = [
            models.UniqueConstraint(fields=["center", "name"], name="network_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def area(self) -> str:
        """The town's name, or the district."""
        return self.town.name if self.town is not None else self.district

    def clean(self) -> None:
        if self.town is not None and self.center_id and self.town.center_id != self.center_id:
            raise ValidationError({"town": _("The town belongs to another center.")})
        if not self.town_id and not self.district.strip():
            raise ValidationError({"town": _("Please choose a town or name the district.")})


class NetworkPartQuerySet(CenterScopedQuerySet):
    """Rows that belong to a network, scoped through the network's center."""

    center_lookup = "network__center"

    def visible_to(self, user: Any) -> Self:
        """As the network (:meth:`NetworkQuerySet.visible_to`): coordinators of its center and
        its own leads."""
        return self.scoped(
            user,
            lambda u: (
                self.center_q(u, roles=[Role.COORDINATOR])
                | led_networks_q(u, network_lookup="network")
            ),
        )


class NetworkLead(models.Model):
    """A user who leads a network (holds the role network lead in its center)."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="lead_links", verbose_name=_("network")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_lead_links",
        verbose_name=_("user"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = NetworkPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("network lead")
        verbose_name_plural = _("network leads")
        ordering = ["network", "user"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="networklead_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.network} · {self.user}"


class NetworkMember(models.Model):
    """A volunteer who is a Pate (sponsor) in a network."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="members", verbose_name=_("network")
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("volunteer"),
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)

    objects = NetworkPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["network", "volunteer__last_name", "volunteer__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "volunteer"], name="networkmember_unique_volunteer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} · {self.volunteer}"

    def clean(self) -> None:
        if (
            self.network_id
            and self.volunteer_id
            and self.volunteer.center_id != self.network.center_id
        ):
            raise ValidationError({"volunteer": _("The volunteer belongs to another center.")})


class HouseholdQuerySet(CenterScopedQuerySet):
    """Households, scoped by role."""

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the households of their centers; network leads: those of the
        networks they lead."""
        return self.scoped(
            user,
            lambda u: (
                self.center_q(u, roles=[Role.COORDINATOR])
                | led_networks_q(u, network_lookup="network")
            ),
        )


class Household(models.Model):
    """A newcomer household, known only by a pseudonymous reference."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="households", verbose_name=_("center")
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="households", verbose_name=_("network")
    )
    reference = models.CharField(
        _("reference"),
        max_length=PSEUDONYM_MAX_LENGTH,
        validators=[validate_household_reference],
        help_text=_("A pseudonym such as H-2291, never a name or contact details."),
    )
    size = models.PositiveSmallIntegerField(
        _("household size"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    languages = models.ManyToManyField(
        Language, related_name="+", blank=True, verbose_name=_("languages")
    )
    town = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
    )
    needs = models.JSONField(_("needs"), default=list, blank=True)
    children = models.BooleanField(
        _("children or youths in the household"),
        default=False,
        help_text=_("A Pate then needs an extended police certificate (§ 72a SGB VIII)."),
    )
    waiting_since = models.DateField(_("waiting since"), default=timezone.localdate)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Still looking for a Pate or in a sponsorship."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["waiting_since", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["center", "reference"], name="household_unique_ref")
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.network_id and self.center_id and self.network.center_id != self.center_id:
            errors["network"] = _("The network belongs to another center.")
        if self.town is not None and self.center_id and self.town.center_id != self.center_id:
            errors["town"] = _("The town belongs to another center.")
        if not isinstance(self.needs, list) or not all(isinstance(n, str) for n in self.needs):
            errors["needs"] = _("Needs must be a list of categories.")
        else:
            unknown = sorted(set(self.needs) - set(Need.values))
            if unknown:
                errors["needs"] = _("Unknown need: %(codes)s") % {"codes": ", ".join(unknown)}
        if errors:
            raise ValidationError(errors)

    def get_needs_display(self) -> list[str]:
        """The needs' labels in the active language."""
        labels = dict(Need.choices)
        return [str(labels.get(code, code)) for code in self.needs]


class SponsorshipQuerySet(NetworkPartQuerySet):
    def open(self) -> SponsorshipQuerySet:
        """Sponsorships that are not ended."""
        return self.filter(status__in=Sponsorship.OPEN_STATUSES)


class Sponsorship(models.Model):
    """A Patenschaft: a Pate of the network accompanies a newcomer household."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        MATCHED = "matched", _("matched")
        TRIAL = "trial", _("trial period")
        ACTIVE = "active", _("active")
        ENDED = "ended", _("ended")

    class EndReason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("Goals reached, the household manages on its own")
        MOVED_AWAY = "moved_away", _("Household moved away")
        HOUSEHOLD_WITHDREW = "household_withdrew", _("Household no longer wants a Pate")
        PATE_WITHDREW = "pate_withdrew", _("Pate stopped")
        NO_FIT = "no_fit", _("Did not fit")
        NO_CONTACT = "no_contact", _("Contact broke off")
        OTHER = "other", _("Other")

    #: Sponsorships that still bind the household and the Pate.
    OPEN_STATUSES = (Status.REQUESTED, Status.MATCHED, Status.TRIAL, Status.ACTIVE)
    #: Sponsorships that are expected to have regular check-ins.
    RUNNING_STATUSES = (Status.TRIAL, Status.ACTIVE)
    #: End reasons after which the household waits for a new Pate.
    REASONS_HOUSEHOLD_WAITS_AGAIN = (EndReason.PATE_WITHDREW, EndReason.NO_FIT)
    #: Meetings of the trial period before a sponsorship can become active.
    TRIAL_MEETINGS_MIN = 3
    TRIAL_MEETINGS_MAX = 4

    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("network")
    )
    pate = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("Pate")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="sponsorships",
        verbose_name=_("household"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    intro_talk_on = models.DateField(_("intro talk on"), null=True, blank=True)
    first_meeting_on = models.DateField(_("moderated first meeting on"), null=True, blank=True)
    trial_meetings = models.PositiveSmallIntegerField(
        _("meetings in the trial period"),
        default=0,
        validators=[MaxValueValidator(TRIAL_MEETINGS_MAX)],
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(
        _("note on ending"),
        max_length=END_NOTE_MAX_LENGTH,
        blank=True,
        validators=[validate_no_contact_data],
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SponsorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=["requested", "matched", "trial", "active"]),
                name="sponsorship_one_open_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(started_on__lte=models.F("ended_on")),
                name="sponsorship_start_not_after_end",
            ),
        ]
        indexes = [models.Index(fields=["network", "status"], name="sponsorship_network_status")]

    def __str__(self) -> str:
        return f"{self.household} · {self.pate}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def began_on(self) -> date:
        """The day the sponsorship began: the earliest of the day it was requested, its
        intro talk, its first meeting and its trial start (a sponsorship entered later can
        have begun before it was recorded). Nothing is dated before it (check-ins)."""
        days = [self.intro_talk_on, self.first_meeting_on, self.started_on]
        requested = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        return min([requested, *(day for day in days if day is not None)])

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.network_id and self.pate_id:
            if self.pate.center_id != self.network.center_id:
                errors["pate"] = _("The Pate belongs to another center.")
            elif not NetworkMember.objects.filter(
                network_id=self.network_id, volunteer_id=self.pate_id, active=True
            ).exists():
                errors["pate"] = _("The Pate is not an active member of this network.")
        if self.network_id and self.household_id and self.household.network_id != self.network_id:
            errors["household"] = _("The household waits in another network.")
        if (
            self.intro_talk_on
            and self.first_meeting_on
            and self.first_meeting_on < self.intro_talk_on
        ):
            errors["first_meeting_on"] = _("The first meeting cannot be before the intro talk.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("The end cannot be before the start.")
        if errors:
            raise ValidationError(errors)


class CheckInQuerySet(CenterScopedQuerySet):
    """Check-ins, scoped through the sponsorship's network."""

    center_lookup = "sponsorship__network__center"

    def visible_to(self, user: Any) -> Self:
        """As the sponsorship's network: coordinators of its center and its own leads."""
        return self.scoped(
            user,
            lambda u: (
                self.center_q(u, roles=[Role.COORDINATOR])
                | led_networks_q(u, network_lookup="sponsorship__network")
            ),
        )


class CheckIn(models.Model):
    """A short check-in with the Pate or the household: how is it going?"""

    sponsorship = models.ForeignKey(
        Sponsorship,
        on_delete=models.CASCADE,
        related_name="check_ins",
        verbose_name=_("sponsorship"),
    )
    date = models.DateField(_("date"))
    note = models.CharField(
        _("note"),
        max_length=CHECK_IN_NOTE_MAX_LENGTH,
        blank=True,
        validators=[validate_no_contact_data],
        help_text=_("A short note, without names or contact details."),
    )
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.sponsorship} · {self.date}"


class ProposalRejection(models.Model):
    """A Pate proposal that the coordinator or network lead turned down, with the reason;
    the engine does not propose this Pate for this household again."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="proposal_rejections",
        verbose_name=_("household"),
    )
    pate = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name=_("Pate")
    )
    reason = models.CharField(
        _("reason"), max_length=300, validators=[MaxLengthValidator(300)]
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    rejected_at = models.DateTimeField(_("rejected at"), auto_now_add=True)

    objects = NetworkPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("rejected Pate proposal")
        verbose_name_plural = _("rejected Pate proposals")
        ordering = ["-rejected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "pate"], name="proposal_rejected_once"),
        ]

    def __str__(self) -> str:
        return f"household #{self.household_id} ✗ volunteer #{self.pate_id}"
