"""Matching runs: one stored batch of the engine for one center (instance, result, timings).

A run is stored whole, so any decision can be replayed (``solve_instance``) and explained.
``MatchingState`` is one row per center that serialises runs: a run holds its row's lock
(``select_for_update``) for its whole transaction, so two runs for one center never overlap.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Center, Role
from core.scoping import CenterScopedQuerySet


class MatchingRunQuerySet(CenterScopedQuerySet):
    """Matching runs, scoped by role."""

    def visible_to(self, user: Any) -> Self:
        """Coordinators: the runs of their centers (admins: all)."""
        return self.scoped(user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]))


class MatchingRun(models.Model):
    """One run of the engine for one center."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("on demand")
        SCHEDULED = "scheduled", _("scheduled")
        URGENT = "urgent", _("urgent request")
        REOFFER = "reoffer", _("re-offer")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="matching_runs", verbose_name=_("center")
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    instance = models.JSONField(_("instance"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    stats = models.JSONField(_("figures"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    redacted_at = models.DateTimeField(
        _("instance removed at"),
        null=True,
        blank=True,
        help_text=_("Set by the retention clean-up: the stored instance and result are emptied."),
    )

    objects = MatchingRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["center", "-started_at"], name="run_center_recent_idx")]

    def __str__(self) -> str:
        return f"run #{self.pk} {self.center_id} {self.trigger}"

    @classmethod
    def visible_to(cls, user: Any) -> MatchingRunQuerySet:
        """Runs of the centers the user coordinates (admins: all); the same as
        ``MatchingRun.objects.visible_to(user)``."""
        return cls.objects.visible_to(user)


class MatchingState(models.Model):
    """Per center: the lock row that serialises runs, and when the last run started."""

    center = models.OneToOneField(
        Center, on_delete=models.CASCADE, related_name="matching_state", verbose_name=_("center")
    )
    last_started_at = models.DateTimeField(_("last run started"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching state")
        verbose_name_plural = _("matching states")

    def __str__(self) -> str:
        return f"matching state {self.center_id}"
