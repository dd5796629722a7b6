"""Anonymised records carry ``anonymised_at``, are read-only and are shown as anonymised."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymised(tenant) -> Volunteer:
    volunteer = VolunteerFactory(center=tenant.center)
    return services.volunteer_anonymise(actor=None, volunteer=volunteer)


def test_anonymising_sets_the_explicit_field(anonymised) -> None:
    anonymised.refresh_from_db()

    assert anonymised.anonymised_at is not None
    assert Volunteer.objects.filter(services.anonymised_q()).get() == anonymised


@pytest.mark.parametrize(
    "change",
    [
        lambda v: services.volunteer_update(actor=None, volunteer=v, first_name="Neu"),
        lambda v: services.volunteer_languages_set(
            actor=None, volunteer=v, languages=[("ar", "native")]
        ),
        lambda v: services.pledge_record(actor=None, volunteer=v, signed_on=v.created_at.date()),
        lambda v: services.volunteer_activate(actor=None, volunteer=v),
    ],
    ids=["contact", "languages", "paperwork", "status"],
)
def test_services_refuse_changes_to_an_anonymised_record(anonymised, change) -> None:
    before = Volunteer.objects.get(pk=anonymised.pk)

    with pytest.raises(ValidationError) as exc:
        change(anonymised)

    after = Volunteer.objects.get(pk=anonymised.pk)
    assert exc.value.code == "anonymised"
    assert (after.first_name, after.status) == (before.first_name, before.status)
    assert not after.languages.exists() or after.languages.count() == before.languages.count()
    assert not after.pledges.exists()


def test_the_detail_page_is_read_only_and_marked(tenant, anonymised) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users["coordinator"])

    page = client.get(reverse("volunteer-detail", args=[anonymised.pk])).content.decode()
    edit = client.get(reverse("volunteer-edit", args=[anonymised.pk]))

    assert "anonymised" in page
    assert reverse("volunteer-edit", args=[anonymised.pk]) not in page
    assert reverse("volunteer-pledge-add", args=[anonymised.pk]) not in page
    assert "missing" not in page
    assert edit.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_marks_records_anonymised_earlier(tenant) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("volunteers", "0002_volunteer_anonymised_at")])
    old_apps = executor.loader.project_state([("volunteers", "0002_volunteer_anonymised_at")]).apps
    OldVolunteer = old_apps.get_model("volunteers", "Volunteer")
    erased = OldVolunteer.objects.create(
        center_id=tenant.center.pk, first_name="Anonymised", last_name="#", email="x@example.org"
    )
    OldVolunteer.objects.filter(pk=erased.pk).update(
        email=f"anonymised-{erased.pk}@anonymised.invalid"
    )
    lookalike = OldVolunteer.objects.create(
        center_id=tenant.center.pk, first_name="A", last_name="B", email="a@anonymised.invalid"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Volunteer.objects.get(pk=erased.pk).anonymised_at is not None
    assert Volunteer.objects.get(pk=lookalike.pk).anonymised_at is None
