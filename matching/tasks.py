"""Background work of the matching app (django-q2 tasks, enqueued by dotted path)."""

from __future__ import annotations

from django.utils import timezone

from core.models import Center
from matching import services
from matching.models import MatchingRun
from matching.retention import runs_redact
from requests import notifications as request_notifications
from requests.notifications import Explain


def run_center(center_id: int, trigger: str = "scheduled") -> int | None:
    """Run the engine for one center (urgent requests, re-offers); the run's id."""
    center = Center.objects.filter(pk=center_id).first()
    if center is None:
        return None
    return services.run_for_center(center=center, trigger=trigger).pk


def run_scheduled() -> list[int]:
    """Run every center whose matching interval has passed (scheduled every 5 minutes)."""
    return [run.pk for run in services.runs_scheduled()]


#: How many recent runs of a center are searched for a request's last explanation.
RECENT_RUNS = 50


def _last_unfilled(request_pk: int, runs: list[MatchingRun]) -> MatchingRun | None:
    """The newest run that left the request unfilled (it holds the reasons and hints)."""
    engine_id = services.request_engine_id(request_pk)
    for run in runs:
        unfilled = (run.result or {}).get("unfilled", [])
        if any(entry.get("request") == engine_id for entry in unfilled):
            return run
    return None


def _explainer(request_pk: int, run: MatchingRun | None) -> Explain | None:
    """Reasons and hints of ``run`` for the request, in the language active when called."""
    if run is None:
        return None

    def explain() -> tuple[list[str], list[str]]:
        for row in services.run_explanations(run):
            if row["request"] == request_pk:
                return list(row["reasons"]), list(row["hints"])
        return [], []

    return explain


def requests_at_risk() -> int:
    """Tell caseworkers and coordinators about requests still without an interpreter at the
    center's lead time, with the last run's reasons and suggested changes.

    Scheduled every 15 minutes (``requests-at-risk``); once per request (Notification keys).
    :return: how many messages went out.
    """
    now = timezone.now()
    due = request_notifications.requests_at_risk(now=now)
    runs: dict[int, list[MatchingRun]] = {}
    sent = 0
    for request in due:
        if request.center_id not in runs:
            runs[request.center_id] = list(
                MatchingRun.objects.filter(
                    center_id=request.center_id, status=MatchingRun.Status.FINISHED
                )
                .defer("instance")
                .order_by("-started_at", "-id")[:RECENT_RUNS]
            )
        run = _last_unfilled(request.pk, runs[request.center_id])
        sent += request_notifications.request_at_risk(
            request, explain=_explainer(request.pk, run), now=now
        )
    return sent


def retention_apply() -> int:
    """Empty the stored instances of runs past their center's retention period.

    Scheduled daily (``matching-runs-retention``); a second run changes nothing.
    :return: how many runs were emptied.
    """
    return runs_redact()
