"""The what-if replay pages: the form with the center's recent replays, and one replay's
progress and result (``/reports/replay/``, ``/reports/replay/<id>/``).

Coordinators only (others 403); a replay of a center the user does not coordinate is a
404 (``Replay.objects.visible_to``). Thin: the form is parsed here, :func:`reports.replay.
replay_create` checks and stores, the task does the work; the result page refreshes
itself with a ``<meta http-equiv="refresh">`` while the replay runs (no script).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Gender, Level, Mode
from core.forms import run_service
from core.models import Center, Language, Role
from core.params import parse_id
from core.web import AuthenticatedHttpRequest, role_required
from matching.core.whatif import MAX_WEEKLY_HOURS
from matching.selectors import console_requests, coordinated_centers
from reports import replay as replay_service
from reports.models import Replay
from sprachpool.models import GERMAN, MAX_TRAVEL_KM

DEFAULT_PERIOD_DAYS = 90
REFRESH_SECONDS = 3
RECENT = 10


class ReplayForm(forms.Form):
    """One scenario (language, town, ...) or the ranking of recruitment targets."""

    kind = forms.ChoiceField(
        label=_("What to replay"),
        choices=[
            (replay_service.KIND_SINGLE, _("One extra interpreter")),
            (replay_service.KIND_RANKING, _("Rank recruitment targets (language × town)")),
        ],
        initial=replay_service.KIND_SINGLE,
        widget=forms.RadioSelect,
    )
    period_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Needed for one extra interpreter; the ranking tries the languages itself."),
    )
    town = forms.ChoiceField(label=_("Town"), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.C1)
    modes = forms.MultipleChoiceField(
        label=_("Ways of working"),
        choices=Mode.choices,
        initial=list(Mode.values),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    weekly_hours = forms.IntegerField(
        label=_("Hours a week"),
        min_value=1,
        max_value=MAX_WEEKLY_HOURS,
        initial=10,
        help_text=_(
            "Placed as half days: mornings 8–12 first (Monday, Wednesday, Friday, Tuesday, "
            "Thursday), then afternoons 13–17."
        ),
    )
    max_travel_km = forms.IntegerField(
        label=_("Travel radius (km)"), min_value=0, max_value=MAX_TRAVEL_KM, required=False
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("not specified")), *Gender.choices],
        required=False,
        help_text=_("Only matters for requests with a gender preference."),
    )

    def __init__(self, *args: Any, center: Center, radius: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = Language.objects.exclude(code=GERMAN).order_by("name_de")
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = [("", "---------")] + [
            (lang.code, str(lang)) for lang in languages
        ]
        town_field = self.fields["town"]
        assert isinstance(town_field, forms.ChoiceField)
        town_field.choices = [("", "---------")] + [
            (str(t.pk), t.name) for t in replay_service.center_towns(center=center)
        ]
        self.fields["max_travel_km"].help_text = _(
            "Empty: the typical radius of your interpreters, %(km)d km."
        ) % {"km": radius}


def _center(request: AuthenticatedHttpRequest, centers: list[Center]) -> Center | None:
    wanted = parse_id(request.POST.get("center") or request.GET.get("center"))
    for center in centers:
        if center.pk == wanted:
            return center
    return centers[0] if centers else None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@role_required(Role.COORDINATOR)
def replay_form(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form (GET) and starting a replay (POST), with the center's recent replays."""
    centers = coordinated_centers(user=request.user)
    center = _center(request, centers)
    if center is None:
        return render(request, "reports/replay_form.html", {"center": None})
    radius = replay_service.typical_radius(center=center)
    if request.method == "POST":
        form = ReplayForm(request.POST, center=center, radius=radius)
        valid = form.is_valid()
        data = form.cleaned_data if valid else {}
        town_pk = parse_id(data.get("town"))
        town = next(
            (t for t in replay_service.center_towns(center=center) if t.pk == town_pk), None
        )
        stored, replay = run_service(
            lambda: replay_service.replay_create(
                actor=request.user,
                center=center,
                period_from=data.get("period_from"),
                period_to=data.get("period_to"),
                kind=data.get("kind") or replay_service.KIND_SINGLE,
                language=data.get("language") or None,
                town=town,
                level=data.get("level") or Level.C1,
                modes=data.get("modes") or [],
                weekly_hours=data.get("weekly_hours"),
                max_travel_km=data.get("max_travel_km"),
                gender=data.get("gender") or "",
            ),
            valid=valid,
            form=form,
        )
        if stored and replay is not None:
            return redirect("reports-replay-detail", pk=replay.pk)
    else:
        today = timezone.localdate()
        form = ReplayForm(
            center=center,
            radius=radius,
            initial={
                "period_from": _date(request.GET.get("from"))
                or today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1),
                "period_to": _date(request.GET.get("to")) or today,
            },
        )
    recent = list(Replay.objects.visible_to(request.user).filter(center=center)[:RECENT])
    names = {
        lang.code: lang.name
        for lang in Language.objects.filter(
            code__in={c.get("language") for r in recent for c in r.scenario.get("candidates", [])}
        )
    }
    for item in recent:
        first = (item.scenario.get("candidates") or [{}])[0]
        item.label = (
            f"{names.get(first.get('language'), first.get('language'))} · {first.get('town_name')}"
        )
    return render(
        request,
        "reports/replay_form.html",
        {
            "center": center,
            "centers": centers,
            "many_centers": len(centers) > 1,
            "form": form,
            "recent": recent,
        },
    )


@role_required(Role.COORDINATOR)
def replay_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One replay: its progress while it runs (the page refreshes), then its result."""
    replay = get_object_or_404(
        Replay.objects.visible_to(request.user).select_related("center", "requested_by"), pk=pk
    )
    running = replay.status in (Replay.Status.QUEUED, Replay.Status.RUNNING)
    ranking = replay.scenario.get("kind") == replay_service.KIND_RANKING
    result = replay.result if replay.status == Replay.Status.FINISHED else {}
    candidates = replay.scenario.get("candidates") or [{}]
    languages = {
        lang.code: lang.name
        for lang in Language.objects.filter(code__in={c.get("language") for c in candidates})
    }
    scenarios = [
        {**s, "language_name": languages.get(s["language"], s["language"])}
        for s in result.get("scenarios", [])
    ]
    shown_index = 0
    if ranking:
        wanted = parse_id(request.GET.get("target"))
        if wanted is not None and wanted < len(scenarios):
            shown_index = wanted
    shown = scenarios[shown_index] if scenarios else None
    requests_shown: list[dict[str, Any]] = []
    if shown:
        found = (
            console_requests(user=request.user)
            .select_related("language", "place")
            .in_bulk([row["id"] for row in shown["requests"]])
        )
        requests_shown = [{**row, "request": found.get(row["id"])} for row in shown["requests"]]
    mode_names = dict(Mode.choices)
    response = render(
        request,
        "reports/replay_detail.html",
        {
            "replay": replay,
            "center": replay.center,
            "running": running,
            "refresh": REFRESH_SECONDS,
            "progress": replay_service.replay_progress(replay),
            "result": result,
            "scenarios": scenarios,
            "shown": shown,
            "shown_index": shown_index,
            "requests_shown": requests_shown,
            "modes": [str(mode_names.get(m, m)) for m in replay.scenario.get("modes", [])],
            "ranking": ranking,
            "language_name": languages.get(candidates[0].get("language"), ""),
        },
    )
    if running:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response
