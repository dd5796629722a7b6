"""The what-if replay on a crafted case with a known gain: through the real (sync) queue,
with its progress, idempotence, scoping and the runs left out.

The case (a Monday two weeks ago, Friedberg; no Tigrinya interpreter in the pool):

- run 1: Arabic ``a1`` (filled by the pool's Arabic interpreter), Tigrinya ``t1`` (Mon
  9–10), ``t2`` (urgent, Wed 9–10), ``t3`` (Mon 14–15), ``t4`` (Tue 9–10 in Büdingen);
- run 2 (re-offer): ``t2``, ``t3``, ``t4`` and ``t5`` (Wed 10:30–11:30, later filled in
  reality: completed);
- run 3: ``t3``, ``t4``; run 5: the same instance as run 3;
- run 4: ``t6`` (critical, Mon 10:30), but its instance was redacted: left out; and a
  run without a stored instance, also left out.

One extra Tigrinya interpreter in Friedberg, 8 hours a week (Monday and Wednesday
mornings), radius 20 km: fills ``t1`` and ``t2`` (weight 1 + 2 = 3) of those that stayed
unfilled; ``t3`` is in the afternoon, ``t4`` 26 km away, ``t5`` was filled in reality,
``t2`` is in two runs and counts once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEvent, Place
from matching.models import MatchingRun
from reports import replay as replay_service
from reports import tasks
from reports.models import Replay
from requests.models import InterpreterRequest, Priority
from tests.conftest import Tenant, make_tenant
from tests.factories import PlaceFactory
from tests.requests.factories import InterpreterRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """The pages' texts are asserted in English (the default language is German)."""
    settings.LANGUAGE_CODE = "en"

BERLIN = ZoneInfo("Europe/Berlin")
FRIEDBERG = (50.3353, 8.7550)
BUEDINGEN = (50.2906, 9.1126)
Status = InterpreterRequest.Status


def _monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 14)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)


class Case:
    """The crafted center: requests, runs and the two towns."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.center = tenant.center
        self.friedberg = tenant.place  # a town of the registry at Friedberg's coordinates
        self.buedingen = PlaceFactory(
            center=self.center, name="Büdingen", lat=BUEDINGEN[0], lon=BUEDINGEN[1]
        )
        monday = _monday()
        self.monday = monday
        wednesday = monday + dt.timedelta(days=2)
        self.req: dict[str, InterpreterRequest] = {}
        self._request("a1", "ar", _at(monday, 9), Status.COMPLETED)
        self._request("t1", "ti", _at(monday, 9), Status.UNFILLED)
        self._request("t2", "ti", _at(wednesday, 9), Status.UNFILLED, priority=Priority.URGENT)
        self._request("t3", "ti", _at(monday, 14), Status.UNFILLED)
        self._request(
            "t4", "ti", _at(monday + dt.timedelta(days=1), 9), Status.UNFILLED, at=BUEDINGEN
        )
        self._request("t5", "ti", _at(wednesday, 10, 30), Status.COMPLETED)
        self._request("t6", "ti", _at(monday, 10, 30), Status.UNFILLED, priority=Priority.CRITICAL)
        started = _at(monday - dt.timedelta(days=3), 10)
        self.runs = [
            self._run(started, ["a1", "t1", "t2", "t3", "t4"]),
            self._run(started + dt.timedelta(hours=1), ["t2", "t3", "t4", "t5"]),
            self._run(started + dt.timedelta(hours=2), ["t3", "t4"]),
            self._run(started + dt.timedelta(hours=3), ["t6"], redacted=True),
            self._run(started + dt.timedelta(hours=4), ["t3", "t4"]),
        ]
        MatchingRun.objects.create(  # a run whose instance was never stored: left out
            center=self.center,
            trigger=MatchingRun.Trigger.SCHEDULED,
            status=MatchingRun.Status.FINISHED,
            started_at=started,
            instance={},
        )
        self.period = (monday - dt.timedelta(days=7), timezone.localdate())

    def _request(
        self,
        key: str,
        language: str,
        start: dt.datetime,
        status: str,
        *,
        priority: str = Priority.NORMAL,
        at: tuple[float, float] = FRIEDBERG,
    ) -> None:
        self.req[key] = InterpreterRequestFactory(
            center=self.center,
            department=self.tenant.department,
            place=None,
            language_id=language,
            start=start,
            end=start + dt.timedelta(hours=1),
            lat=at[0],
            lon=at[1],
            priority=priority,
            status=status,
        )

    def _entry(self, key: str) -> dict[str, Any]:
        r = self.req[key]
        return {
            "id": f"r-{r.pk}",
            "language": r.language_id,
            "start": r.start.astimezone(BERLIN).isoformat(),
            "end": r.end.astimezone(BERLIN).isoformat(),
            "mode": r.mode,
            "location": {"lat": r.lat, "lon": r.lon},
            "priority": r.priority,
        }

    def _run(self, started: dt.datetime, keys: list[str], *, redacted: bool = False) -> MatchingRun:
        days = [self.monday + dt.timedelta(days=n) for n in range(5)]
        instance = {
            "format": "wir-matching/1",
            "gap_minutes": 30,
            "interpreters": [
                {
                    "id": "i-1",
                    "languages": {"ar": "native", "de": "C1"},
                    "gender": "f",
                    "home": {"lat": FRIEDBERG[0], "lon": FRIEDBERG[1]},
                    "max_travel_km": 25,
                    "modes": ["in_person", "phone", "video"],
                    "availability": [
                        {"start": _at(d, 8).isoformat(), "end": _at(d, 18).isoformat()}
                        for d in days
                    ],
                }
            ],
            "requests": [self._entry(k) for k in keys],
        }
        return MatchingRun.objects.create(
            center=self.center,
            trigger=MatchingRun.Trigger.SCHEDULED,
            status=MatchingRun.Status.FINISHED,
            started_at=started,
            finished_at=started,
            instance=instance,
            redacted_at=started if redacted else None,
        )

    def create(self, **kwargs: Any) -> Replay:
        fields: dict[str, Any] = {
            "actor": self.tenant.users["coordinator"],
            "center": self.center,
            "period_from": self.period[0],
            "period_to": self.period[1],
            "kind": replay_service.KIND_SINGLE,
            "language": "ti",
            "town": self.friedberg,
            "modes": ["in_person", "phone", "video"],
            "weekly_hours": 8,
            "max_travel_km": 20,
        }
        fields.update(kwargs)
        return replay_service.replay_create(**fields)


@pytest.fixture
def case(tenant: Tenant) -> Case:
    return Case(tenant)


def _through_queue(case: Case, capture: Any, **kwargs: Any) -> Replay:
    with capture(execute=True):
        replay = case.create(**kwargs)
    replay.refresh_from_db()
    return replay


def test_one_extra_interpreter_fills_exactly_two_unfilled_requests(
    case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    replay = _through_queue(case, django_capture_on_commit_callbacks)

    assert replay.status == Replay.Status.FINISHED
    assert (replay.runs_done, replay.runs_total) == (4, 4)
    assert replay.finished_at is not None
    result = replay.result
    assert (result["runs_replayed"], result["runs_skipped"], result["runs_identical"]) == (4, 2, 1)
    [scenario] = result["scenarios"]
    assert (scenario["gain_requests"], scenario["gain_weight"]) == (2, 3)
    assert [(row["id"], row["run"], row["weight"]) for row in scenario["requests"]] == [
        (case.req["t1"].pk, case.runs[0].pk, 1),
        (case.req["t2"].pk, case.runs[0].pk, 2),
    ]
    # run-level: run 1 1 → 3 (weight 1 → 4), run 2 0 → 2 (0 → 3); runs 3 and 5 not solved
    assert {k: scenario[k] for k in ("runs_solved", "filled_without", "filled_with")} == {
        "runs_solved": 2,
        "filled_without": 1,
        "filled_with": 5,
    }
    assert (scenario["weight_without"], scenario["weight_with"]) == (1, 7)
    assert "state" not in result


def test_the_replay_is_audited_and_enqueued_only_on_commit(case: Case) -> None:
    replay = case.create()  # no commit in this test: the task has not run
    replay.refresh_from_db()
    assert replay.status == Replay.Status.QUEUED
    assert replay.runs_done == 0
    assert AuditEvent.objects.filter(
        object_type="reports.replay", object_id=str(replay.pk), action=AuditEvent.Action.CREATE
    ).exists()


def test_progress_is_stored_run_by_run(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_service, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(replay_service, "BATCH", 1)
    replay = case.create()
    seen = []
    while replay_service.replay_step(replay_id=replay.pk):
        replay.refresh_from_db()
        seen.append((replay.status, replay.runs_done))
    replay.refresh_from_db()
    assert seen == [("running", 1), ("running", 2), ("running", 3)]
    assert (replay.status, replay.runs_done) == ("finished", 4)
    assert replay.result["scenarios"][0]["gain_weight"] == 3


def test_the_slices_run_through_the_queue(
    case: Case, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(replay_service, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(replay_service, "BATCH", 1)
    replay = _through_queue(case, django_capture_on_commit_callbacks)
    assert (replay.status, replay.runs_done) == ("finished", 4)
    assert replay.result["scenarios"][0]["gain_requests"] == 2


def test_a_finished_replay_run_again_changes_nothing(
    case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    replay = _through_queue(case, django_capture_on_commit_callbacks)
    before = (replay.result, replay.finished_at, replay.runs_done)

    tasks.replay_run(replay.pk)
    replay.refresh_from_db()

    assert (replay.result, replay.finished_at, replay.runs_done) == before
    again = _through_queue(case, django_capture_on_commit_callbacks)
    assert again.pk != replay.pk
    assert again.result["scenarios"] == replay.result["scenarios"]


def test_a_slice_another_worker_stored_first_is_thrown_away(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay_service, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(replay_service, "BATCH", 1)
    replay = case.create()
    real_slice = replay_service._slice

    def overtaken(item: Replay, state: dict[str, Any]) -> bool:
        more = real_slice(item, state)
        Replay.objects.filter(pk=item.pk).update(runs_done=3)  # the other worker's progress
        return more

    monkeypatch.setattr(replay_service, "_slice", overtaken)
    assert replay_service.replay_step(replay_id=replay.pk) is False
    replay.refresh_from_db()
    assert replay.runs_done == 3
    assert replay.result["state"]["tallies"][0]["runs_solved"] == 0


def test_a_failure_is_stored_with_its_error(case: Case, client: Client) -> None:
    replay = case.create()
    Replay.objects.filter(pk=replay.pk).update(scenario={**replay.scenario, "weekly_hours": "many"})
    tasks.replay_run(replay.pk)
    replay.refresh_from_db()
    assert replay.status == Replay.Status.FAILED
    assert "ValueError" in replay.error
    client.force_login(case.tenant.users["coordinator"])
    with translation.override("en"):
        page = client.get(reverse("reports-replay-detail", args=[replay.pk]))
    assert page.status_code == 200
    assert "The replay failed." in page.content.decode()
    assert "ValueError" in page.content.decode()


def test_ranking_orders_language_and_town_by_gain(
    case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    # 24 hours: every weekday morning and Monday afternoon
    replay = _through_queue(
        case,
        django_capture_on_commit_callbacks,
        kind=replay_service.KIND_RANKING,
        language=None,
        town=None,
        weekly_hours=24,
    )
    assert [(c["language"], c["town"]) for c in replay.scenario["candidates"]] == [
        ("ti", case.friedberg.pk),
        ("ti", case.buedingen.pk),
    ]
    ranking = [
        (s["town_name"], s["gain_requests"], s["gain_weight"]) for s in replay.result["scenarios"]
    ]
    # Friedberg: t1, t2 and t3 (Monday afternoon); Büdingen: t4 (Friedberg is 26 km away)
    assert ranking == [(case.friedberg.name, 3, 4), ("Büdingen", 1, 1)]


def test_a_period_without_replayable_runs_is_refused(case: Case) -> None:
    MatchingRun.objects.filter(center=case.center).update(redacted_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        case.create()
    assert "__all__" in refused.value.message_dict
    assert not Replay.objects.exists()


def test_bad_input_is_refused_all_at_once(case: Case) -> None:
    other_town = PlaceFactory(center=make_tenant("fremd").center)
    with pytest.raises(ValidationError) as refused:
        case.create(
            period_from=case.period[1],
            period_to=case.period[0],
            language="de",
            town=other_town,
            modes=[],
            weekly_hours=41,
        )
    assert set(refused.value.message_dict) == {
        "period_to",
        "language",
        "town",
        "modes",
        "weekly_hours",
    }
    assert not Replay.objects.exists()


# --- pages ---------------------------------------------------------------------------


def test_the_coordinator_starts_a_replay_and_sees_the_result(
    case: Case, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(case.tenant.users["coordinator"])
    with translation.override("en"):
        assert client.get(reverse("reports-replay")).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reports-replay"),
                {
                    "center": case.center.pk,
                    "kind": "single",
                    "period_from": case.period[0].isoformat(),
                    "period_to": case.period[1].isoformat(),
                    "language": "ti",
                    "town": case.friedberg.pk,
                    "level": "C1",
                    "modes": ["in_person", "phone"],
                    "weekly_hours": "8",
                    "max_travel_km": "20",
                },
            )
        replay = Replay.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("reports-replay-detail", args=[replay.pk])
        page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Refresh" not in page
    assert f"#{case.req['t1'].pk}" in html and f"#{case.req['t2'].pk}" in html
    assert f"#{case.req['t3'].pk}" not in html


def test_a_running_replay_page_refreshes_itself(case: Case, client: Client) -> None:
    replay = case.create()
    client.force_login(case.tenant.users["coordinator"])
    with translation.override("en"):
        page = client.get(reverse("reports-replay-detail", args=[replay.pk]))
    assert page["Refresh"] == "3"
    assert '<meta http-equiv="refresh" content="3">' in page.content.decode()
    assert "0 of 4 matching runs replayed." in page.content.decode()


def test_a_bad_form_shows_its_errors_and_stores_nothing(case: Case, client: Client) -> None:
    client.force_login(case.tenant.users["coordinator"])
    with translation.override("en"):
        page = client.post(
            reverse("reports-replay"),
            {
                "kind": "single",
                "period_from": case.period[1].isoformat(),
                "period_to": case.period[0].isoformat(),
                "weekly_hours": "8",
                "modes": ["phone"],
                "level": "C1",
            },
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert "The period must not end before it begins." in html
    assert "Choose a language." in html
    assert not Replay.objects.exists()


def test_another_centers_replay_is_not_found(case: Case, client: Client) -> None:
    replay = case.create()
    other = make_tenant("fremd")
    client.force_login(other.users["coordinator"])
    assert client.get(reverse("reports-replay-detail", args=[replay.pk])).status_code == 404


@pytest.mark.parametrize("role", ["caseworker", "volunteer", "network_lead"])
def test_other_roles_are_refused(case: Case, client: Client, role: str) -> None:
    replay = case.create()
    client.force_login(case.tenant.users[role])
    assert client.get(reverse("reports-replay")).status_code == 403
    assert client.post(reverse("reports-replay"), {"kind": "ranking"}).status_code == 403
    assert client.get(reverse("reports-replay-detail", args=[replay.pk])).status_code == 403
    assert Replay.objects.count() == 1


def test_the_service_refuses_a_coordinator_of_another_center(case: Case) -> None:
    other = make_tenant("fremd")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case.create(actor=other.users["coordinator"])
    assert not Replay.objects.exists()


def test_anonymous_visitors_go_to_the_login(client: Client) -> None:
    response = client.get(reverse("reports-replay"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_typical_radius_without_interpreters_is_25_km(tenant: Tenant) -> None:
    assert replay_service.typical_radius(center=tenant.center) == 25
    assert Place.objects.filter(center=tenant.center, kind=Place.Kind.TOWN).count() == 1
