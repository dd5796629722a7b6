"""The matching adapter on a real database with the real engine: instances built from the
registries and the request flow, runs, offers, re-offers and the whole path to an assignment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from core.choices import Mode
from matching import services
from matching.models import MatchingRun, MatchingState
from requests import services as request_services
from requests.models import Assignment, InterpreterRequest, Offer
from tests.conftest import Tenant
from tests.factories import UserFactory
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, next_week_at
from tests.sprachpool.factories import interpreter
from tests.volunteers.factories import WeeklySlotFactory


def pool_member(
    tenant: Tenant,
    *,
    languages: tuple[tuple[str, str], ...] = (("de", "C1"), ("ar", "native")),
    **kwargs: Any,
) -> Any:
    """An active, cleared interpreter of the tenant, free 08:00–18:00 on the requests' weekday."""
    profile = interpreter(
        center=tenant.center,
        languages=languages,
        user=UserFactory(),
        email_confirmed_at=timezone.now(),
        home_place=tenant.place,
        **kwargs,
    )
    WeeklySlotFactory(
        volunteer=profile.volunteer,
        weekday=next_week_at().weekday(),
        start_time=dt.time(8, 0),
        end_time=dt.time(18, 0),
    )
    return profile


def open_request(tenant: Tenant, **kwargs: Any) -> InterpreterRequest:
    kwargs.setdefault("center", tenant.center)
    kwargs.setdefault("department", tenant.department)
    kwargs.setdefault("created_by", tenant.users["caseworker"])
    kwargs.setdefault("place__center", tenant.center)
    return InterpreterRequestFactory(**kwargs)


def run(tenant: Tenant, **kwargs: Any) -> MatchingRun:
    return services.run_for_center(center=tenant.center, **kwargs)


def test_a_run_offers_a_feasible_request(tenant: Tenant) -> None:
    profile = pool_member(tenant)
    request = open_request(tenant)
    result = run(tenant)
    assert result.status == MatchingRun.Status.FINISHED
    offer = Offer.objects.get(request=request)
    assert (offer.interpreter, offer.status, offer.run_id) == (profile, "pending", result.pk)
    request.refresh_from_db()
    assert request.status == InterpreterRequest.Status.OFFERED
    assert result.stats["requests"] == 1 and result.stats["offers_created"] == 1
    assert set(result.stats) >= {"build_seconds", "solve_seconds", "write_seconds", "unfilled"}


def test_a_request_nobody_speaks_stays_open_with_the_reason(tenant: Tenant) -> None:
    pool_member(tenant)
    request = open_request(tenant, language_id="ti")
    result = run(tenant)
    assert not Offer.objects.exists()
    assert result.result["unfilled"][0]["reasons"] == ["no_interpreter_for_language"]
    rows = services.run_explanations(result)
    assert rows[0]["request"] == request.pk and rows[0]["outcome"] == "unfilled"


def test_pending_offers_and_assignments_count_as_busy(tenant: Tenant) -> None:
    profile = pool_member(tenant)
    booked = AssignmentFactory(request=open_request(tenant, status="assigned"), interpreter=profile)
    clash = open_request(tenant, start=booked.start, end=booked.end)
    built = services.instance_build(center=tenant.center)
    entry = built.instance["interpreters"][0]
    assert len(entry["busy"]) == 1
    assert [r["id"] for r in built.instance["requests"]] == [f"r-{clash.pk}"]
    run(tenant)
    assert not Offer.objects.filter(request=clash).exists()


def test_an_interpreter_is_never_offered_two_overlapping_requests(tenant: Tenant) -> None:
    pool_member(tenant)
    first = open_request(tenant)
    run(tenant)
    second = open_request(tenant, start=first.start, end=first.end)
    run(tenant)
    assert Offer.objects.filter(status="pending").count() == 1
    assert not Offer.objects.filter(request=second).exists()


def test_a_second_run_makes_no_second_offer(tenant: Tenant) -> None:
    pool_member(tenant)
    pool_member(tenant)
    request = open_request(tenant)
    run(tenant)
    run(tenant)
    assert Offer.objects.filter(request=request).count() == 1


def test_declined_interpreters_are_excluded_and_the_next_one_is_offered(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    first, second = pool_member(tenant), pool_member(tenant)
    request = open_request(tenant)
    run(tenant)
    offer = Offer.objects.get(request=request)
    with django_capture_on_commit_callbacks(execute=True):
        request_services.offer_decline(actor=offer.interpreter.volunteer.user, offer=offer)
    reoffer = Offer.objects.get(request=request, status="pending")
    assert reoffer.interpreter != offer.interpreter
    assert {first, second} == {offer.interpreter, reoffer.interpreter}
    assert MatchingRun.objects.filter(trigger="reoffer").count() == 1
    built_entry = MatchingRun.objects.get(trigger="reoffer").instance["requests"][0]
    assert built_entry["excluded_interpreters"] == [f"i-{offer.interpreter_id}"]


def test_previous_interpreter_and_recent_hours_are_in_the_instance(tenant: Tenant) -> None:
    profile = pool_member(tenant)
    past = timezone.now() - dt.timedelta(days=3)
    AssignmentFactory(
        request=open_request(
            tenant,
            status="completed",
            client_ref="K-77",
            start=past,
            end=past + dt.timedelta(hours=2),
        ),
        interpreter=profile,
        status=Assignment.Status.COMPLETED,
    )
    open_request(tenant, client_ref="K-77")
    built = services.instance_build(center=tenant.center)
    assert built.instance["requests"][0]["previous_interpreter"] == f"i-{profile.pk}"
    assert built.instance["interpreters"][0]["hours_last_30_days"] == 2.0


def test_interpreters_without_paperwork_or_of_other_centers_are_left_out(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    pool_member(tenant, pledge=False)
    pool_member(other_tenant)
    open_request(tenant)
    built = services.instance_build(center=tenant.center)
    assert built.instance["interpreters"] == []


def test_the_instance_is_valid_for_the_command_line_engine(tenant: Tenant, tmp_path: Any) -> None:
    import json
    import subprocess
    import sys

    pool_member(tenant)
    open_request(tenant, mode=Mode.PHONE, place=None, lat=None, lon=None)
    open_request(tenant)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(services.instance_build(center=tenant.center).instance))
    done = subprocess.run(
        [sys.executable, "manage.py", "solve_instance", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["stats"]["requests"] == 2


def test_a_trigger_that_waited_for_a_newer_run_is_coalesced(tenant: Tenant) -> None:
    pool_member(tenant)
    open_request(tenant)
    first = run(tenant)
    # A run that started after this trigger was asked covers it.
    MatchingState.objects.filter(center=tenant.center).update(
        last_started_at=timezone.now() + dt.timedelta(seconds=5)
    )
    joined = run(tenant, trigger="reoffer")
    assert joined == first
    assert MatchingRun.objects.count() == 1
    # A manual run always runs.
    assert run(tenant, trigger="manual", actor=tenant.users["coordinator"]) != first


def test_a_failing_run_is_stored_as_failed_and_changes_nothing(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool_member(tenant)
    request = open_request(tenant)

    def broken(**kwargs: Any) -> Any:
        built = services.Built(instance={"format": "wir-matching/1", "requests": "nope"})
        return built

    monkeypatch.setattr(services, "instance_build", broken)
    result = run(tenant)
    assert result.status == MatchingRun.Status.FAILED and "invalid instance" in result.error
    request.refresh_from_db()
    assert request.status == "open" and not Offer.objects.exists()


def test_only_coordinators_of_the_center_start_runs(tenant: Tenant, other_tenant: Tenant) -> None:
    from django.core.exceptions import PermissionDenied

    for actor in (tenant.users["caseworker"], other_tenant.users["coordinator"]):
        with pytest.raises(PermissionDenied):
            run(tenant, actor=actor)
    assert not MatchingRun.objects.exists()


def test_scheduled_runs_follow_each_center_interval(tenant: Tenant) -> None:
    pool_member(tenant)
    open_request(tenant)
    assert len(services.runs_scheduled()) == 1
    open_request(tenant, start=next_week_at(14), end=next_week_at(15))
    assert services.runs_scheduled() == []  # within 15 minutes of the last run
    later = timezone.now() + dt.timedelta(minutes=16)
    assert len(services.runs_scheduled(now=later)) == 1


def test_manual_offer_checks_the_hard_constraints(tenant: Tenant) -> None:
    from django.core.exceptions import ValidationError

    speaker = pool_member(tenant)
    stranger = pool_member(tenant, languages=(("de", "C1"), ("uk", "native")))
    request = open_request(tenant)
    with pytest.raises(ValidationError) as caught:
        services.offer_manual(
            actor=tenant.users["coordinator"], request=request, interpreter=stranger
        )
    assert caught.value.message_dict["interpreter"]
    assert not Offer.objects.exists()
    offer = services.offer_manual(
        actor=tenant.users["coordinator"], request=request, interpreter=speaker
    )
    assert offer.source == Offer.Source.COORDINATOR


def test_the_whole_path_from_urgent_request_to_assignment(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    profile = pool_member(tenant)
    start = next_week_at(10)
    with django_capture_on_commit_callbacks(execute=True):
        request = request_services.request_create(
            actor=tenant.users["caseworker"],
            language="ar",
            start=start,
            end=start + dt.timedelta(hours=1),
            mode=Mode.IN_PERSON,
            place=tenant.place.pk,
            topic="health",
            priority="urgent",
            urgency_reason="Acute case",
        )
    # The urgent request started a run at once, which offered it and mailed the link.
    offer = Offer.objects.get(request=request)
    assert MatchingRun.objects.get().trigger == "urgent"
    link = next(m for m in mail.outbox if m.to == [profile.volunteer.email]).body
    token = link.split("/o/", 1)[1].split("/", 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        request_services.offer_accept(
            actor=profile.volunteer.user, offer=request_services.offer_from_token(token)
        )
    request.refresh_from_db()
    assert request.status == "assigned"
    from requests.selectors import request_interpreter

    shown = request_interpreter(request=request)
    assert shown == {
        "id": profile.pk,
        "display_name": profile.volunteer.display_name,
        "phone": profile.volunteer.phone,
    }
    assert any(m.to == [tenant.users["caseworker"].email] for m in mail.outbox)
    assert offer.pk


def test_the_relay_number_replaces_the_private_one(tenant: Tenant) -> None:
    from requests.selectors import request_interpreter

    tenant.center.relay_contact, tenant.center.relay_phone = True, "+4960311234"
    tenant.center.save()
    assignment = AssignmentFactory(request=open_request(tenant, status="assigned"))
    shown = request_interpreter(request=assignment.request)
    assert shown is not None and shown["phone"] == "+4960311234"
