"""Every mistake of a page is reported on the first submit: the form's own checks and the
service's rules together (core.forms.run_service), each at its field or row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.volunteers.factories import LanguageSkillFactory, VolunteerFactory
from tests.volunteers.test_views import client_for, form_data, register_url
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(tenant):
    tenant.place.kind = "town"
    tenant.place.save()
    return tenant.place


def test_a_registration_with_five_mistakes_shows_all_of_them_at_once(tenant, town):
    data = form_data(
        tenant,
        email="not-an-address",  # the form's check
        phone="12",  # the service's check
        username="samira hat leerzeichen",  # the service's check
        privacy_consent=None,  # the service's rule
        **{"lang-0-level": ""},  # the row's check
    )

    response = client_for(language="en").post(register_url(tenant), data)

    form = response.context["form"]
    languages = response.context["languages"]
    assert {"email", "phone", "username", "privacy_consent"} <= set(form.errors)
    assert languages.forms[0].errors
    assert not Volunteer.objects.exists()


def test_a_valid_password_is_kept_after_a_mistake_elsewhere(tenant, town):
    data = form_data(tenant, phone="12")

    page = client_for(language="en").post(register_url(tenant), data).content.decode()

    assert 'value="Sommer-Wind-2026"' in page


def test_a_refused_password_is_not_shown_again(tenant, town):
    data = form_data(tenant, password="kurz", password_again="kurz")

    page = client_for(language="en").post(register_url(tenant), data).content.decode()

    assert 'value="kurz"' not in page


def test_the_edit_page_flags_the_phone_together_with_name_and_address(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    client = client_for(tenant.users["coordinator"], language="en")

    response = client.post(
        reverse("volunteer-edit", args=[volunteer.pk]),
        {"first_name": "", "last_name": "Haidari", "email": "kaputt", "phone": "12"},
    )

    assert {"first_name", "email", "phone"} <= set(response.context["form"].errors)
    volunteer.refresh_from_db()
    assert volunteer.last_name != "Haidari"


def test_an_overlap_is_shown_at_the_later_row_with_both_times_in_full(tenant):
    volunteer = VolunteerFactory(center=tenant.center)
    LanguageSkillFactory(volunteer=volunteer)
    client = client_for(tenant.users["coordinator"], language="en")
    data = {
        "slot-TOTAL_FORMS": "3",
        "slot-INITIAL_FORMS": "0",
        "slot-0-weekday": "0",
        "slot-0-start": "08:00",
        "slot-0-end": "10:00",
        "slot-1-weekday": "0",
        "slot-1-start": "09:00",
        "slot-1-end": "11:00",
        "slot-2-weekday": "",
        "slot-2-start": "",
        "slot-2-end": "",
    }

    response = client.post(reverse("volunteer-availability", args=[volunteer.pk]), data)

    rows = response.context["slots"].forms
    assert not rows[0].errors
    assert "08:00–10:00 and 09:00–11:00" in " ".join(rows[1].non_field_errors())
    assert not volunteer.weekly_slots.exists()
