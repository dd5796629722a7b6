"""Scoping, checked over every model: each model of the project that belongs to a center
(a foreign key to ``Center``, or a relation to another model that does) has a
``visible_to(user)`` on its default manager's queryset, its ``center_lookup`` leads to
the center, and nobody of another center sees any of its rows through it.

A new model with a center fails here until its queryset says who may see what
(``core.scoping.CenterScopedQuerySet.scoped`` and ``center_q`` are the building blocks),
and until :func:`center_a_rows` below makes one row of it.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone

from core.models import AuditEvent, Center, Department, Notification, Role
from core.scoping import CenterScopedQuerySet
from matching.models import MatchingRun
from networks.models import Household, ProposalRejection
from reports.models import Replay
from requests.models import AllowanceEntry, BillingMonth, ClientCapException, Confirmation
from tests.conftest import Tenant, make_tenant
from tests.factories import UserFactory
from tests.networks.factories import (
    CheckInFactory,
    HouseholdFactory,
    NetworkLeadFactory,
    NetworkMemberFactory,
)
from tests.requests.factories import AssignmentFactory, RequestExclusionFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import (
    AbsenceFactory,
    ConsentFactory,
    LanguageSkillFactory,
    PledgeSignatureFactory,
    PoliceCertificateFactory,
    TrainingFactory,
    VolunteerFactory,
    WeeklySlotFactory,
)
from volunteers.models import Absence, Volunteer

#: Models with a center that are no data anyone reads, and why.
EXEMPT = {
    "matching.MatchingState": "the lock row that serialises a center's runs; never shown",
}


def _project_models() -> list[type[models.Model]]:
    base = Path(settings.BASE_DIR).resolve()
    return [
        model
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).resolve().is_relative_to(base)
        and ".venv" not in Path(apps.get_app_config(model._meta.app_label).path).parts
    ]


def _models_with_a_center() -> list[type[models.Model]]:
    """Models with a foreign key to ``Center``, or to a model that has one (transitively),
    or whose queryset names a path to the center (``center_lookup``)."""
    candidates = _project_models()
    found: set[type[models.Model]] = {
        model
        for model in candidates
        if isinstance(model._default_manager.get_queryset(), CenterScopedQuerySet)
    }
    centered: set[type[models.Model]] = {Center}
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in centered or model is Center:
                continue
            if any(
                field.is_relation
                and field.concrete
                and (field.many_to_one or field.one_to_one)
                and field.related_model in centered
                for field in model._meta.fields
            ):
                centered.add(model)
                changed = True
    found |= centered - {Center}
    return sorted(found, key=lambda m: m._meta.label)


SCOPED = [m for m in _models_with_a_center() if m._meta.label not in EXEMPT]


def test_the_walk_finds_the_scoped_models():
    labels = {m._meta.label for m in _models_with_a_center()}
    expected = {
        "core.Department",
        "volunteers.Volunteer",
        "volunteers.Consent",
        "sprachpool.InterpreterProfile",
        "networks.CheckIn",
        "requests.Confirmation",
        "matching.MatchingState",
    }
    assert expected <= labels
    assert "core.Language" not in labels
    assert "core.User" not in labels


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_every_model_with_a_center_has_visible_to(model):
    queryset = model._default_manager.get_queryset()
    assert isinstance(queryset, CenterScopedQuerySet), (
        f"{model._meta.label}: its manager should be a CenterScopedQuerySet with center_lookup"
    )
    assert callable(getattr(queryset, "visible_to", None)), (
        f"{model._meta.label}: its queryset has no visible_to(user)"
    )


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_center_lookup_leads_to_the_center(model):
    current: Any = model
    for name in model._default_manager.get_queryset().center_lookup.split("__"):
        current = current._meta.get_field(name).related_model
    assert current is Center


# --------------------------------------------------------------------------- per model


def center_a_rows(a: Tenant) -> None:
    """One row of every scoped model in center ``a``."""
    center = a.center
    volunteer = VolunteerFactory(center=center, user=a.users[Role.VOLUNTEER])
    for factory in (
        LanguageSkillFactory,
        WeeklySlotFactory,
        AbsenceFactory,
        ConsentFactory,
        PoliceCertificateFactory,
        PledgeSignatureFactory,
        TrainingFactory,
    ):
        factory(volunteer=volunteer)
    profile = InterpreterProfileFactory(volunteer=volunteer, is_active=True)
    member = NetworkMemberFactory(network__center=center, volunteer=volunteer)
    NetworkLeadFactory(network=member.network, user=a.users[Role.NETWORK_LEAD])
    checkin = CheckInFactory(
        sponsorship__network=member.network,
        sponsorship__pate=volunteer,
        sponsorship__household__center=center,
    )
    ProposalRejection.objects.create(
        network=member.network,
        household=checkin.sponsorship.household,
        pate=volunteer,
        reason="Andere Interessen",
    )
    assignment = AssignmentFactory(
        request__center=center, request__department=a.department, interpreter=profile
    )
    RequestExclusionFactory(
        request=assignment.request, interpreter=InterpreterProfileFactory(volunteer__center=center)
    )
    Confirmation.objects.create(assignment=assignment, side="requester", took_place=True)
    AllowanceEntry.objects.create(
        center=center,
        interpreter=profile,
        assignment=assignment,
        basis=AllowanceEntry.Basis.TOOK_PLACE,
        rule=Center.AllowanceRule.values[0],
        amount=Decimal("20.00"),
        month=timezone.localdate().replace(day=1),
    )
    ClientCapException.objects.create(center=center, client_ref="K-7001", cap=8, reason="Reha")
    BillingMonth.objects.create(
        center=center, month=timezone.localdate().replace(day=1), closed_at=timezone.now()
    )
    Replay.objects.create(
        center=center, period_from=timezone.localdate(), period_to=timezone.localdate()
    )
    MatchingRun.objects.create(center=center, trigger="manual", started_at=timezone.now())
    AuditEvent.objects.create(center=center, action="view", object_type="volunteers.volunteer")
    Notification.objects.create(
        key="meta-test", center=center, recipient=a.users[Role.VOLUNTEER], channel="email"
    )


@pytest.fixture
def two_centers(db: None) -> tuple[Tenant, Tenant]:
    """Center A with a row of every model; center B with a member of every role, the
    volunteer with their own record and profile, the network lead with their own network."""
    a, b = make_tenant("a"), make_tenant("b")
    center_a_rows(a)
    own = VolunteerFactory(center=b.center, user=b.users[Role.VOLUNTEER])
    InterpreterProfileFactory(volunteer=own)
    NetworkLeadFactory(network__center=b.center, user=b.users[Role.NETWORK_LEAD])
    return a, b


def _rows_of_a(model: type[models.Model], a: Tenant, user: Any) -> int:
    queryset: Any = model._default_manager.all()
    return queryset.visible_to(user).in_center(a.center).count()


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_center_a_has_a_row_its_coordinator_sees(two_centers, model):
    a, _b = two_centers
    assert _rows_of_a(model, a, a.users[Role.COORDINATOR]) > 0


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_a_member_of_another_center_sees_nothing(two_centers, model, role):
    a, b = two_centers
    assert _rows_of_a(model, a, b.users[role]) == 0


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_a_login_without_membership_and_an_anonymous_caller_see_nothing(two_centers, model):
    a, _b = two_centers
    assert _rows_of_a(model, a, UserFactory(username="nobody")) == 0
    assert _rows_of_a(model, a, AnonymousUser()) == 0


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_an_admin_sees_every_center(two_centers, model):
    a, _b = two_centers
    admin = UserFactory(username="admin", is_superuser=True)
    assert _rows_of_a(model, a, admin) == model._default_manager.in_center(a.center).count()


# --------------------------------------------------------------------------- rules within a center


def test_a_volunteer_sees_their_own_record_and_parts_not_another_volunteers(tenant):
    own = VolunteerFactory(center=tenant.center, user=tenant.users[Role.VOLUNTEER])
    other = VolunteerFactory(center=tenant.center)
    for volunteer in (own, other):
        AbsenceFactory(volunteer=volunteer)
    user = tenant.users[Role.VOLUNTEER]
    assert list(Volunteer.objects.visible_to(user)) == [own]
    assert {a.volunteer_id for a in Absence.objects.visible_to(user)} == {own.pk}


def test_a_network_lead_sees_the_households_of_their_network_only(tenant):
    led = NetworkLeadFactory(network__center=tenant.center, user=tenant.users[Role.NETWORK_LEAD])
    mine = HouseholdFactory(network=led.network)
    HouseholdFactory(network__center=tenant.center)
    assert list(Household.objects.visible_to(tenant.users[Role.NETWORK_LEAD])) == [mine]


def test_a_caseworker_sees_the_centers_departments_but_no_volunteer(tenant):
    VolunteerFactory(center=tenant.center)
    caseworker = tenant.users[Role.CASEWORKER]
    assert list(Department.objects.visible_to(caseworker)) == [tenant.department]
    assert not Volunteer.objects.visible_to(caseworker).exists()


def test_anyone_sees_the_messages_to_them_but_not_to_others(tenant):
    for key, role in (("to-me", Role.CASEWORKER), ("to-other", Role.VOLUNTEER)):
        Notification.objects.create(
            key=key, center=tenant.center, recipient=tenant.users[role], channel="in_app"
        )
    seen = Notification.objects.visible_to(tenant.users[Role.CASEWORKER])
    assert [n.key for n in seen] == ["to-me"]
