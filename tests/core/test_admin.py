"""The Django admin: superusers only; personal data read-only and audited when opened; the
other records validated, saved through their services where one exists, and audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token, TokenProxy

from core.admin_site import PersonalDataAdmin
from core.models import AuditEvent, Center, Department, Language, Notification, Place
from matching.models import MatchingRun
from tests.factories import DepartmentFactory, UserFactory
from tests.networks.factories import CheckInFactory, NetworkLeadFactory
from tests.requests.factories import AssignmentFactory, RequestExclusionFactory
from tests.volunteers.factories import LanguageSkillFactory, VolunteerFactory
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

EDITABLE = {Center, Department, Place, Language}
#: Apps of the project (and DRF's tokens) whose admin this project decides.
OURS = {"core", "volunteers", "sprachpool", "networks", "requests", "matching", "authtoken"}


def _url(model: type[models.Model], view: str, *args: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _registered() -> list[type[models.Model]]:
    ours = [m for m in admin.site._registry if m._meta.app_label in OURS]
    return sorted(ours, key=lambda m: m._meta.label)


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def every_kind_of_row(tenant: Any) -> None:
    """At least one row of every registered model, so each changelist renders a row."""
    assignment = AssignmentFactory(request__center=tenant.center)
    RequestExclusionFactory(request=assignment.request)
    LanguageSkillFactory(volunteer=assignment.interpreter.volunteer, language_id="de")
    CheckInFactory(sponsorship__network__center=tenant.center)
    NetworkLeadFactory(network__center=tenant.center, user=tenant.users["network_lead"])
    MatchingRun.objects.create(center=tenant.center, trigger="manual", started_at=timezone.now())
    Notification.objects.create(
        key="offer-made:1:email", center=tenant.center, channel="email", event="offer-made"
    )
    AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, center=tenant.center)
    Token.objects.create(user=tenant.users["coordinator"])


def test_an_api_tokens_key_is_never_shown(tenant: Any, superuser_client: Client) -> None:
    token = Token.objects.create(user=tenant.users["coordinator"])

    listing = superuser_client.get(_url(TokenProxy, "changelist")).content.decode()
    proxy = TokenProxy.objects.get(key=token.key)
    record = superuser_client.get(_url(TokenProxy, "change", proxy.pk))

    assert record.status_code == 200
    record_page = record.content.decode()
    assert token.key not in listing
    assert token.key not in record_page


def test_the_request_flow_models_are_registered() -> None:
    labels = {m._meta.label for m in admin.site._registry}

    assert {
        "requests.InterpreterRequest",
        "requests.Offer",
        "requests.Assignment",
        "requests.RequestExclusion",
        "matching.MatchingRun",
        "core.Notification",
    } <= labels


def test_every_model_with_personal_data_is_shown_read_only() -> None:
    for model in _registered():
        if model in EDITABLE:
            continue
        assert isinstance(admin.site._registry[model], PersonalDataAdmin), model._meta.label


@pytest.mark.parametrize("model", _registered(), ids=lambda m: m._meta.label)
def test_a_superuser_sees_every_changelist_and_record(
    model: type[models.Model], superuser_client: Client, every_kind_of_row: None
) -> None:
    listing = superuser_client.get(_url(model, "changelist"))
    obj = model._default_manager.first()
    assert obj is not None
    record = superuser_client.get(_url(model, "change", obj.pk))

    assert listing.status_code == 200
    assert record.status_code == 200


@pytest.mark.parametrize(
    "model",
    [m for m in _registered() if m not in EDITABLE],
    ids=lambda m: m._meta.label,
)
def test_personal_data_cannot_be_added_changed_or_deleted(
    model: type[models.Model], superuser_client: Client, every_kind_of_row: None
) -> None:
    obj = model._default_manager.first()
    assert obj is not None
    before = list(model._default_manager.values())

    add = superuser_client.post(_url(model, "add"), {"name": "x"})
    change = superuser_client.post(_url(model, "change", obj.pk), {"name": "x"})
    delete = superuser_client.post(_url(model, "delete", obj.pk), {"post": "yes"})
    after = list(model._default_manager.values())
    page = superuser_client.get(_url(model, "change", obj.pk)).content.decode()

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert after == before
    assert 'name="_save"' not in page  # no form to submit


def test_the_volunteer_form_has_no_inputs_and_bulk_delete_is_not_offered(
    tenant: Any, superuser_client: Client
) -> None:
    volunteer = VolunteerFactory(center=tenant.center, last_name="Weber")
    LanguageSkillFactory(volunteer=volunteer, language_id="de")

    page = superuser_client.get(_url(Volunteer, "change", volunteer.pk)).content.decode()
    listing = superuser_client.get(_url(Volunteer, "changelist")).content.decode()

    assert 'name="last_name"' not in page
    assert "Weber" in page
    assert "delete_selected" not in listing


def test_opening_a_persons_record_is_audited(tenant: Any, superuser_client: Client) -> None:
    volunteer = VolunteerFactory(center=tenant.center)

    superuser_client.get(_url(Volunteer, "change", volunteer.pk))

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.object_type, event.object_id) == ("volunteers.volunteer", str(volunteer.pk))
    assert event.actor is not None and event.actor.username == "root"
    assert event.center_id == tenant.center.pk


def test_opening_an_assignment_is_audited_in_its_center(
    tenant: Any, superuser_client: Client
) -> None:
    assignment = AssignmentFactory(request__center=tenant.center)

    superuser_client.get(_url(type(assignment), "change", assignment.pk))

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (event.object_type, event.center_id) == ("requests.assignment", tenant.center.pk)


def test_a_staff_user_who_is_not_superuser_is_refused(tenant: Any) -> None:
    volunteer = VolunteerFactory(center=tenant.center, last_name="Weber")
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client = Client()
    client.force_login(staff)

    index = client.get(reverse("admin:index"))
    listing = client.get(_url(Volunteer, "changelist"))
    record = client.get(_url(Volunteer, "change", volunteer.pk))
    department = client.post(
        _url(Department, "add"),
        {"center": tenant.center.pk, "name": "Neu", "kind": "other"},
    )

    assert {index.status_code, listing.status_code, record.status_code} == {302}
    assert "login" in index["Location"]
    assert department.status_code == 302
    assert not Department.objects.filter(name="Neu").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_a_department_is_created_through_the_service_and_audited(
    tenant: Any, superuser_client: Client
) -> None:
    response = superuser_client.post(
        _url(Department, "add"),
        {"center": tenant.center.pk, "name": "Jugendamt", "kind": "youth_office"},
    )

    department = Department.objects.get(name="Jugendamt")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="core.department", object_id=department.pk
    ).exists()


def test_a_department_change_is_audited_with_its_fields(
    tenant: Any, superuser_client: Client
) -> None:
    department = tenant.department

    superuser_client.post(
        _url(Department, "change", department.pk),
        {"name": department.name, "kind": "job_centre", "cost_centre": "", "is_active": "on"},
    )

    department.refresh_from_db()
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert department.kind == "job_centre"
    assert "kind" in event.detail["fields"]


def test_the_services_refusal_is_shown_on_the_form_and_nothing_changes(
    tenant: Any, superuser_client: Client
) -> None:
    # The center is read-only on the change form, so the form cannot see the unique name
    # per center; the service's full_clean refuses it.
    DepartmentFactory(center=tenant.center, name="Sozialamt")
    department = tenant.department

    response = superuser_client.post(
        _url(Department, "change", department.pk),
        {"name": "Sozialamt", "kind": "other", "cost_centre": "", "is_active": "on"},
    )

    department.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert department.name == "Gesundheitsamt"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_a_center_is_validated_and_its_change_audited(
    tenant: Any, superuser_client: Client
) -> None:
    center = tenant.center
    url = _url(Center, "change", center.pk)
    page = superuser_client.get(url)
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None
    }
    data["excluded_topics"] = '["court"]'
    data.pop("relay_contact", None)

    refused = superuser_client.post(url, {**data, "relay_contact": "on", "relay_phone": ""})
    accepted = superuser_client.post(url, {**data, "min_lead_working_days": 5})

    center.refresh_from_db()
    assert refused.status_code == 200
    assert "relay_phone" in refused.context["adminform"].form.errors
    assert accepted.status_code == 302
    assert center.min_lead_working_days == 5
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="core.center")
    assert "min_lead_working_days" in event.detail["fields"]


def test_a_language_delete_is_audited(superuser_client: Client) -> None:
    language = Language.objects.create(code="xx-test", name_de="Testisch", name_en="Testish")

    superuser_client.post(_url(Language, "delete", language.pk), {"post": "yes"})

    assert not Language.objects.filter(code="xx-test").exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DELETE, object_type="core.language", object_id="xx-test"
    ).exists()
