"""The interpreter pool (Sprachpool): a volunteer's interpreter profile.

The profile adds what only interpreting needs to the volunteer registry. Its
languages are the volunteer's ``LanguageSkill`` rows and its availability the
volunteer's ``WeeklySlot`` rows; they are not copied here.
"""

from __future__ import annotations

from typing import Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Gender, Level, Mode, Topic
from core.models import Role
from core.scoping import CenterScopedQuerySet
from core.validators import validate_pseudonym
from volunteers.models import Volunteer

#: Largest travel radius a profile may have (km).
MAX_TRAVEL_KM = 200
#: Most client references one profile may exclude.
MAX_EXCLUDED_CLIENTS = 50
#: Volunteer statuses in which a profile may be active.
WORKING_STATUSES = (Volunteer.Status.APPROVED, Volunteer.Status.ACTIVE)
#: The working language every pair includes, and the level it needs at least.
GERMAN = "de"
GERMAN_MIN_LEVEL = Level.B1


def default_modes() -> list[str]:
    """New interpreters work in person unless they say otherwise."""
    return [Mode.IN_PERSON]


class InterpreterProfileQuerySet(CenterScopedQuerySet):
    """Profiles, scoped through the volunteer's center."""

    center_lookup = "volunteer__center"

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the profiles of their centers; an interpreter: their own (in a
        center where they hold the volunteer role)."""
        return self.scoped(
            user,
            lambda u: (
                self.center_q(u, roles=[Role.COORDINATOR])
                | (Q(volunteer__user_id=u.pk) & self.center_q(u, roles=[Role.VOLUNTEER]))
            ),
        )

    def active(self) -> InterpreterProfileQuerySet:
        """Profiles switched active."""
        return self.filter(is_active=True)


class InterpreterProfile(models.Model):
    """What makes a volunteer (or a paid honorary interpreter) a Sprachmittler/in of the pool."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("volunteer lay interpreter")
        HONORARY = "honorary", _("paid honorary interpreter")

    class Qualification(models.TextChoices):
        LAY = "lay", _("lay interpreter")
        TRAINED = "trained", _("trained community interpreter")
        CERTIFIED = "certified", _("certified interpreter")

    class AllowanceTier(models.TextChoices):
        STANDARD = "standard", _("standard")
        EXPERIENCED = "experienced", _("experienced")
        CERTIFIED = "certified", _("certified")

    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="interpreter_profile",
        verbose_name=_("volunteer"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VOLUNTEER)
    qualification = models.CharField(
        _("qualification"), max_length=10, choices=Qualification.choices, default=Qualification.LAY
    )
    modes = models.JSONField(
        _("ways of working"),
        default=default_modes,
        help_text=_("In person, by phone, by video: at least one."),
    )
    max_travel_km = models.PositiveSmallIntegerField(
        _("maximum travel distance (km)"),
        default=25,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_TRAVEL_KM)],
        help_text=_("How far from home the interpreter travels to in-person appointments."),
    )
    gender = models.CharField(
        _("gender"),
        max_length=1,
        choices=Gender.choices,
        blank=True,
        help_text=_(
            "Optional. Used only when a requester asks for an interpreter of a certain gender."
        ),
    )
    excluded_clients = models.JSONField(
        _("excluded clients"),
        default=list,
        blank=True,
        help_text=_(
            "Pseudonymous client references (e.g. K-2291) this interpreter must not be offered, "
            "e.g. because of a conflict of interest. Never names or contact details."
        ),
    )
    declined_topics = models.JSONField(
        _("declined settings"),
        default=list,
        blank=True,
        help_text=_("Settings this interpreter does not take."),
    )
    allowance_tier = models.CharField(
        _("allowance tier"),
        max_length=12,
        choices=AllowanceTier.choices,
        default=AllowanceTier.STANDARD,
    )
    is_active = models.BooleanField(_("active in the pool"), default=False)
    #: The secret of the personal calendar feed (empty: no feed); renewing replaces it.
    calendar_token = models.CharField(_("calendar feed secret"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = InterpreterProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("interpreter profile")
        verbose_name_plural = _("interpreter profiles")
        ordering = ["volunteer__last_name", "volunteer__first_name", "id"]
        indexes = [models.Index(fields=["is_active"], name="interpreter_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_travel_km__lte=MAX_TRAVEL_KM),
                name="interpreter_max_travel_km_range",
            ),
            models.UniqueConstraint(
                fields=["calendar_token"],
                condition=~models.Q(calendar_token=""),
                name="interpreter_calendar_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.volunteer)

    @property
    def center_id(self) -> int:
        """The center of the volunteer (for scoping checks and the audit trail)."""
        return self.volunteer.center_id

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        errors.update(_clean_choice_list(self, "modes", Mode, required=True))
        errors.update(_clean_choice_list(self, "declined_topics", Topic, required=False))
        clients = self.excluded_clients
        if not isinstance(clients, list) or not all(isinstance(c, str) for c in clients):
            errors["excluded_clients"] = [_("Give a list of client references.")]
        else:
            cleaned = list(dict.fromkeys(c.strip() for c in clients if c.strip()))
            messages: list[ValidationError] = []
            for ref in cleaned:
                try:
                    validate_pseudonym(ref)
                except ValidationError as exc:
                    messages.append(exc)
            if len(cleaned) > MAX_EXCLUDED_CLIENTS:
                messages.append(
                    ValidationError(
                        _("At most %(max)d client references."),
                        params={"max": MAX_EXCLUDED_CLIENTS},
                    )
                )
            if messages:
                errors["excluded_clients"] = messages
            else:
                self.excluded_clients = cleaned
        if errors:
            raise ValidationError(errors)


def _clean_choice_list(
    profile: InterpreterProfile, name: str, choices: type[models.TextChoices], *, required: bool
) -> dict[str, list[Any]]:
    """Check a JSON list field holds known codes; normalise it to the choices' order."""
    value = getattr(profile, name)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return {name: [_("Give a list of codes.")]}
    unknown = sorted(set(value) - set(choices.values))
    if unknown:
        return {
            name: [
                ValidationError(
                    _("Unknown value: %(codes)s"), params={"codes": ", ".join(unknown)[:200]}
                )
            ]
        }
    if required and not value:
        return {name: [_("Choose at least one.")]}
    setattr(profile, name, [code for code in choices.values if code in value])
    return {}
