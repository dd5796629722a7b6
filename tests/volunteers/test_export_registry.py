"""The registry of personal data (core.personal_data) against the models, and a person's
export (Art. 15) with every app's section.

The meta-test walks every model: a model of the project with a relation to a person
(login, volunteer, interpreter profile) or a field that looks personal, and any installed
model with a relation to the login, must be in the registry with each such field named,
so a new model or field cannot be forgotten in the export, the erasure or the processing
record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from core.models import Notification, User
from core.personal_data import personal_data_registry
from networks.models import CheckIn
from requests.models import AllowanceEntry, Assignment, Confirmation, Offer
from sprachpool.models import InterpreterProfile
from tests.networks.factories import NetworkMemberFactory, SponsorshipFactory
from tests.requests.factories import AssignmentFactory, OfferFactory
from tests.sprachpool.factories import InterpreterProfileFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import Volunteer

PROJECT_APPS = {"core", "volunteers", "sprachpool", "networks", "requests", "matching", "reports"}

#: Field names that look personal (names, contact data, addresses, coordinates, free text).
PERSONAL_NAME = re.compile(
    r"(^|_)(name|first_name|last_name|email|phone|address|street|postcode|city|birth|lat|lon|"
    r"notes?|client_ref|clients|reference|reason|description|comment|text|body|subject|"
    r"gender|token|key|password|username|instance|result|detail|needs|children|district|"
    r"contact|session_data|change_message|object_repr|scenario|error)(_|$)"
)
#: Models that point at a person.
PERSON_MODELS = (User, Volunteer, InterpreterProfile)


def looks_personal(field: models.Field) -> bool:
    """A field name that looks personal, a free text, or a relation to a person."""
    if field.is_relation:
        return field.related_model in PERSON_MODELS
    if PERSONAL_NAME.search(field.name):
        return True
    if isinstance(field, models.TextField | models.JSONField):
        return True
    return isinstance(field, models.CharField) and not field.choices and field.max_length >= 100


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def linked_to_login(model: type[models.Model]) -> bool:
    return (
        any(f.is_relation and f.related_model is User for f in model._meta.concrete_fields)
        or model._meta.label_lower == "sessions.session"
    )


def test_every_personal_field_of_the_project_is_in_the_registry():
    registry = personal_data_registry()
    missing = []
    for model in project_models():
        personal = [f.name for f in model._meta.concrete_fields if looks_personal(f)]
        if not personal:
            continue
        entry = registry.get(model._meta.label_lower)
        named = entry.fields if entry else set()
        missing += [f"{model._meta.label_lower}.{name}" for name in personal if name not in named]
    assert missing == [], (
        "Register these fields in the app's personal_data.py (exported, erased or kept) and "
        f"in docs/processing-record.md: {missing}"
    )


def test_every_installed_model_linked_to_a_login_is_in_the_registry():
    registry = personal_data_registry()
    missing = [
        m._meta.label_lower
        for m in apps.get_models()
        if linked_to_login(m) and m._meta.label_lower not in registry
    ]
    assert missing == []


def test_the_registry_names_only_existing_models_and_fields():
    wrong = []
    for label, entry in personal_data_registry().items():
        try:
            model = apps.get_model(label)
        except LookupError:
            wrong.append(label)
            continue
        names = {f.name for f in model._meta.get_fields()}
        wrong += [f"{label}.{name}" for name in sorted(entry.fields - names)]
    assert wrong == []


def test_the_walk_catches_a_new_personal_field():
    """The meta-test's rule itself: a field called ``birth_date`` or a free text is caught."""
    assert looks_personal(models.DateField(name="birth_date"))
    assert looks_personal(models.TextField(name="remarks"))
    assert looks_personal(models.ForeignKey(Volunteer, on_delete=models.CASCADE, name="person"))
    assert not looks_personal(models.PositiveIntegerField(name="size"))


# --------------------------------------------------------------------------- the export


@pytest.fixture
def person(tenant):
    """An interpreter and Pate with a login and a row in every app."""
    user = tenant.users["volunteer"]
    volunteer = VolunteerFactory(center=tenant.center, user=user, first_name="Amal")
    profile = InterpreterProfileFactory(
        volunteer=volunteer, is_active=True, calendar_token="s3cret-feed-token-value"
    )
    offer = OfferFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=profile,
        status=Offer.Status.DECLINED,
        decline_reason="Urlaub",
    )
    assignment = AssignmentFactory(
        request__center=tenant.center,
        request__department=tenant.department,
        interpreter=profile,
        status=Assignment.Status.COMPLETED,
    )
    Confirmation.objects.create(
        assignment=assignment, side=Confirmation.Side.INTERPRETER, took_place=True, note="ok"
    )
    AllowanceEntry.objects.create(
        center=tenant.center,
        interpreter=profile,
        assignment=assignment,
        basis=AllowanceEntry.Basis.TOOK_PLACE,
        rule=tenant.center.allowance_rule,
        amount=Decimal("25.00"),
        month=dt.date(2026, 1, 1),
    )
    Notification.objects.create(
        key="k1",
        center=tenant.center,
        recipient=user,
        channel="email",
        event="offer_made",
        address=volunteer.email,
        subject="Anfrage",
        body="Neue Anfrage",
    )
    member = NetworkMemberFactory(network__center=tenant.center, volunteer=volunteer)
    sponsorship = SponsorshipFactory(network=member.network, pate=volunteer)
    CheckIn.objects.create(sponsorship=sponsorship, date=dt.date(2026, 2, 1), note="Treffen gut")
    return {"volunteer": volunteer, "offer": offer, "assignment": assignment}


EXPORT_SECTIONS = {
    "account": dict,
    "memberships": list,
    "messages": list,
    "record_history": list,
    "interpreter_profile": dict,
    "offers": list,
    "assignments": list,
    "einsatznachweise": list,
    "request_exclusions": list,
    "allowance_entries": list,
    "network_memberships": list,
    "networks_led": list,
    "sponsorships": list,
    "check_ins": list,
    "rejected_proposals": list,
}


@pytest.mark.django_db
def test_the_export_has_every_apps_section(tenant, person):
    data = services.volunteer_export(
        actor=tenant.users["coordinator"], volunteer=person["volunteer"]
    )
    assert {key: type(data.get(key)) for key in EXPORT_SECTIONS} == EXPORT_SECTIONS


@pytest.mark.django_db
def test_the_export_holds_the_request_flow_and_the_networks(tenant, person):
    data = services.volunteer_export(
        actor=tenant.users["coordinator"], volunteer=person["volunteer"]
    )
    assert sorted(o["decline_reason"] for o in data["offers"]) == ["", "Urlaub"]
    assert [a["id"] for a in data["assignments"]] == [person["assignment"].pk]
    assert [c["note"] for c in data["einsatznachweise"]] == ["ok"]
    assert [e["amount"] for e in data["allowance_entries"]] == ["25.00"]
    assert [m["text"] for m in data["messages"]] == ["Neue Anfrage"]
    assert [c["note"] for c in data["check_ins"]] == ["Treffen gut"]
    assert len(data["sponsorships"]) == 1
    assert len(data["network_memberships"]) == 1
    assert data["memberships"][0]["role"] == "volunteer"


@pytest.mark.django_db
def test_the_export_says_a_calendar_feed_exists_but_not_its_secret(tenant, person):
    data = services.volunteer_export(
        actor=tenant.users["coordinator"], volunteer=person["volunteer"]
    )
    assert data["interpreter_profile"]["calendar_feed"] is True
    assert "s3cret-feed-token-value" not in json.dumps(data)
    assert data["account"]["api_token"] is False


@pytest.mark.django_db
def test_the_export_is_json_and_audited(tenant, person):
    from core.models import AuditEvent

    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    data = services.volunteer_export(
        actor=tenant.users["coordinator"], volunteer=person["volunteer"]
    )
    json.dumps(data)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 1


@pytest.mark.django_db
def test_the_own_download_holds_the_sections(tenant, person):
    from django.test import Client

    client = Client(headers={"accept-language": "en"})
    client.force_login(tenant.users["volunteer"])
    response = client.get("/my/data/?format=json")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert len(data["offers"]) == 2  # the declined one and the assignment's
    assert timezone.is_aware(dt.datetime.fromisoformat(data["offers"][0]["made_at"]))


@pytest.mark.django_db
def test_the_own_page_names_every_further_record_with_its_count(tenant, person):
    from django.test import Client

    client = Client(headers={"accept-language": "en"})
    client.force_login(tenant.users["volunteer"])
    response = client.get("/my/data/")
    assert response.status_code == 200
    text = response.content.decode()
    for line in ("Offers: 2", "Allowance entries: 1", "Check-ins: 1", "Interpreter profile: 1"):
        assert line in text
