"""The audit trail is complete: every view of a personal record in the request flow and
the registries' detail pages and API, every export, every login (successful or not); and
it cannot be changed or deleted through the app."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEvent, AuditTrailImmutable
from core.services import audit_log
from matching.models import MatchingRun
from requests.calendar import calendar_feed_exported
from tests.factories import UserFactory
from tests.requests.factories import AssignmentFactory, InterpreterRequestFactory, OfferFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import VolunteerFactory

V = AuditEvent.Action


def web(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def entries(obj: Any, action: str = V.VIEW) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
    )


@pytest.fixture
def interpreter(tenant):
    volunteer = VolunteerFactory(center=tenant.center, user=tenant.users["volunteer"])
    return InterpreterProfileFactory(volunteer=volunteer, is_active=True, calendar_token="t" * 43)


@pytest.fixture
def request_(tenant):
    return InterpreterRequestFactory(center=tenant.center, department=tenant.department)


# --------------------------------------------------------------------------- views


@pytest.mark.django_db
def test_the_request_page_is_audited(tenant, request_):
    caseworker = tenant.users["caseworker"]
    assert web(caseworker).get(reverse("request-detail", args=[request_.pk])).status_code == 200
    [event] = entries(request_)
    assert (event.actor, event.center_id) == (caseworker, tenant.center.pk)


@pytest.mark.django_db
def test_the_request_api_retrieve_is_audited(tenant, request_):
    response = api(tenant.users["coordinator"]).get(f"/api/v1/requests/{request_.pk}/")
    assert response.status_code == 200
    assert [e.actor for e in entries(request_)] == [tenant.users["coordinator"]]


@pytest.mark.django_db
def test_an_offer_retrieved_by_the_coordinator_is_audited_not_by_its_interpreter(
    tenant, interpreter
):
    offer = OfferFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
    )
    assert api(tenant.users["volunteer"]).get(f"/api/v1/offers/{offer.pk}/").status_code == 200
    assert entries(offer) == []
    assert api(tenant.users["coordinator"]).get(f"/api/v1/offers/{offer.pk}/").status_code == 200
    [event] = entries(offer)
    assert (event.actor, event.center_id) == (tenant.users["coordinator"], tenant.center.pk)


@pytest.mark.django_db
def test_an_assignment_retrieved_by_the_department_is_audited(tenant, interpreter):
    assignment = AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
    )
    client = api(tenant.users["caseworker"])
    assert client.get(f"/api/v1/assignments/{assignment.pk}/").status_code == 200
    assert [e.actor for e in entries(assignment)] == [tenant.users["caseworker"]]


@pytest.mark.django_db
def test_a_matching_run_opened_is_audited_on_the_page_and_the_api(tenant):
    run = MatchingRun.objects.create(
        center=tenant.center,
        trigger=MatchingRun.Trigger.MANUAL,
        status=MatchingRun.Status.FINISHED,
        started_at=timezone.now(),
    )
    coordinator = tenant.users["coordinator"]
    assert web(coordinator).get(reverse("matching-run-detail", args=[run.pk])).status_code == 200
    assert api(coordinator).get(f"/api/v1/matching/runs/{run.pk}/").status_code == 200
    assert len(entries(run)) == 2


@pytest.mark.django_db
def test_a_member_record_opened_is_audited_under_the_shared_center(tenant):
    member = tenant.users["caseworker"]
    coordinator = tenant.users["coordinator"]
    assert web(coordinator).get(reverse("member-detail", args=[member.pk])).status_code == 200
    assert api(coordinator).get(f"/api/v1/users/{member.pk}/").status_code == 200
    assert [(e.actor, e.center_id) for e in entries(member)] == [
        (coordinator, tenant.center.pk)
    ] * 2


# --------------------------------------------------------------------------- exports


@pytest.mark.django_db
def test_an_ics_download_is_audited_as_an_export(tenant, interpreter):
    assignment = AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=interpreter,
    )
    response = web(tenant.users["volunteer"]).get(reverse("assignment-ics", args=[assignment.pk]))
    assert response.status_code == 200
    [event] = entries(assignment, V.EXPORT)
    assert (event.actor, event.detail) == (tenant.users["volunteer"], {"via": "ics"})


@pytest.mark.django_db
def test_the_calendar_feed_read_is_audited_at_most_hourly(tenant, interpreter):
    client = Client()
    url = reverse("calendar-feed", args=[interpreter.calendar_token])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    [event] = entries(interpreter, V.EXPORT)
    assert (event.actor, event.center_id) == (None, tenant.center.pk)
    calendar_feed_exported(profile=interpreter, now=timezone.now() + dt.timedelta(hours=2))
    assert len(entries(interpreter, V.EXPORT)) == 2


@pytest.mark.django_db
def test_the_volunteer_export_is_audited(tenant, interpreter):
    volunteer = interpreter.volunteer
    url = reverse("volunteer-export", args=[volunteer.pk])
    assert web(tenant.users["coordinator"]).get(url).status_code == 200
    assert [e.actor for e in entries(volunteer, V.EXPORT)] == [tenant.users["coordinator"]]


# --------------------------------------------------------------------------- logins


def log_in(username: str, password: str) -> int:
    client = Client(headers={"accept-language": "en"})
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


@pytest.mark.django_db
def test_a_successful_login_is_audited(tenant):
    user = tenant.users["volunteer"]
    assert log_in(user.username, "secret-pass-123") == 302
    assert [e.actor for e in entries(user, V.LOGIN)] == [user]


@pytest.mark.django_db
def test_a_failed_login_is_audited_on_the_account_without_the_password(tenant):
    user = tenant.users["volunteer"]
    assert log_in(user.username, "wrong-password") == 200
    [event] = entries(user, V.LOGIN)
    assert (event.actor, event.center_id, event.detail) == (
        None,
        tenant.center.pk,
        {"failed": True},
    )
    assert "wrong-password" not in str(event.detail)


@pytest.mark.django_db
def test_a_login_for_an_unknown_user_is_audited_without_the_name(db):
    assert log_in("niemand-hier", "whatever") == 200
    [event] = AuditEvent.objects.filter(action=V.LOGIN)
    assert (event.object_id, event.detail) == ("", {"failed": True})
    assert "niemand-hier" not in str(event.detail)


# --------------------------------------------------------------------------- immutable


@pytest.mark.django_db
def test_an_entry_cannot_be_changed(tenant):
    event = audit_log(actor=None, action=V.VIEW, center=tenant.center, object_type="x")
    event.action = V.DELETE
    with pytest.raises(AuditTrailImmutable):
        event.save()
    with pytest.raises(AuditTrailImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action=V.DELETE)
    event.refresh_from_db()
    assert event.action == V.VIEW


@pytest.mark.django_db
def test_an_entry_cannot_be_deleted(tenant):
    event = audit_log(actor=None, action=V.VIEW, center=tenant.center, object_type="x")
    with pytest.raises(AuditTrailImmutable):
        event.delete()
    with pytest.raises(AuditTrailImmutable):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_deleting_a_login_keeps_its_entries_without_the_actor(tenant):
    user = UserFactory(username="weg")
    event = audit_log(actor=user, action=V.VIEW, center=tenant.center, object_type="x")
    user.delete()
    event.refresh_from_db()
    assert event.actor_id is None


@pytest.mark.django_db
def test_the_admin_cannot_change_or_delete_entries(tenant):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    event = audit_log(actor=None, action=V.VIEW, center=tenant.center, object_type="x")
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[AuditEvent]
    request = type("R", (), {"user": admin})()
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert not model_admin.has_add_permission(request)


# --------------------------------------------------------------------------- the page


@pytest.mark.django_db
def test_the_coordinators_trail_shows_retention_and_filters_by_request(tenant, request_):
    audit_log(
        actor=None,
        action=V.UPDATE,
        obj=request_,
        detail={"fields": ["notes"], "redacted": True, "reason": "retention"},
    )
    client = web(tenant.users["coordinator"])
    response = client.get(reverse("audit-list"), {"object_type": "requests.interpreterrequest"})
    assert response.status_code == 200
    assert b"Removed after the retention period." in response.content
