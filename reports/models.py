"""What oversight stores: the what-if replays (a re-solve of a period's matching runs with
one hypothetical extra interpreter), run as django-q2 tasks with their progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Center, Role
from core.scoping import CenterScopedQuerySet


class ReplayQuerySet(CenterScopedQuerySet):
    """What-if replays, scoped by role."""

    def visible_to(self, user: Any) -> ReplayQuerySet:
        """Coordinators: the replays of their centers."""
        return self.scoped(user, lambda u: self.center_q(u, roles=[Role.COORDINATOR]))


class Replay(models.Model):
    """One what-if replay of a center's matching runs over a period.

    ``scenario`` holds the hypothetical interpreter (language, town, modes, weekly hours) or,
    for a ranking of recruitment targets, the candidates tried; ``result`` the requests and
    priority weight that would have been filled, per scenario.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="+", verbose_name=_("center")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    scenario = models.JSONField(_("scenario"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    runs_total = models.PositiveIntegerField(_("matching runs to replay"), default=0)
    runs_done = models.PositiveIntegerField(_("matching runs replayed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ReplayQuerySet.as_manager()

    class Meta:
        verbose_name = _("what-if replay")
        verbose_name_plural = _("what-if replays")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"replay #{self.pk} ({self.center_id}, {self.period_from}–{self.period_to})"
