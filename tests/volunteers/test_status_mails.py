"""Approval and activation are explained, confirmed in plain words and told to the person
by e-mail (a django-q2 task enqueued on commit, in the person's language)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_activation_mails_the_volunteer_after_commit(
    tenant, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    volunteer = VolunteerFactory(center=tenant.center, status=Volunteer.Status.APPROVED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.volunteer_activate(actor=None, volunteer=volunteer)
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert [m.to for m in mailoutbox] == [[volunteer.email]]


def test_the_mail_is_written_in_the_stored_language(
    tenant, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    volunteer = VolunteerFactory(
        center=tenant.center, status=Volunteer.Status.APPROVED, language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.volunteer_activate(actor=None, volunteer=volunteer)

    assert "You are now active" in mailoutbox[0].subject


def test_approval_says_what_it_means(tenant, mailoutbox, django_capture_on_commit_callbacks):
    volunteer = VolunteerFactory(center=tenant.center, status=Volunteer.Status.CONFIRMED)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tenant.users["coordinator"])

    page = client.get(reverse("volunteer-detail", args=[volunteer.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("volunteer-transition", args=[volunteer.pk, "approve"]), follow=True
        )

    assert "Approving means" in page
    text = done.content.decode()
    assert "Status changed." not in text
    assert "is approved" in text
    assert len(mailoutbox) == 1
