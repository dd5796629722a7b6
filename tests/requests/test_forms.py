"""The request form: it parses a date and two quarter-hour times into Berlin datetimes,
finds languages by any of their names, and reports every error at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from core.models import Language, Place
from requests.forms import (
    RequestFilterForm,
    RequestForm,
    bookable_languages,
    find_language,
    language_label,
)
from requests.services import earliest_start_day
from tests.conftest import Tenant
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def good_day(tenant: Tenant) -> dt.date:
    """A day comfortably past the center's lead time."""
    return earliest_start_day(center=tenant.center) + dt.timedelta(days=7)


def data(tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "department": str(tenant.department.pk),
        "language": "Tigrinya (ትግርኛ)",
        "min_level": "B2",
        "date": good_day(tenant).isoformat(),
        "start_time": "09:00",
        "end_time": "10:30",
        "mode": "in_person",
        "place": str(tenant.place.pk),
        "street": "",
        "postcode": "",
        "city": "",
        "topic": "health",
        "gender_preference": "f",
        "client_ref": "K-1177",
        "priority": "normal",
        "urgency_reason": "",
        "notes": "",
    }
    values.update(overrides)
    return values


def form_for(tenant: Tenant, values: dict[str, Any] | None = None, **kwargs: Any) -> RequestForm:
    return RequestForm(
        values,
        center=tenant.center,
        departments=[tenant.department],
        places=[tenant.place],
        **kwargs,
    )


def test_a_filled_form_gives_berlin_times_and_the_service_fields(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant))

    assert form.is_valid(), form.errors
    fields = form.service_data()
    assert fields["language"] == "ti"
    assert timezone.localtime(fields["start"]).strftime("%H:%M") == "09:00"
    assert fields["end"] - fields["start"] == dt.timedelta(minutes=90)
    assert str(fields["start"].tzinfo) == "Europe/Berlin"
    assert fields["place"] == tenant.place
    assert fields["gender_preference"] == "f"


def test_an_empty_form_names_every_missing_field_at_once(tenant: Tenant) -> None:
    form = form_for(tenant, {"department": str(tenant.department.pk)})

    assert not form.is_valid()
    assert {"language", "date", "start_time", "end_time", "mode", "topic", "priority"} <= set(
        form.errors
    )


def test_several_bad_entries_are_all_reported_in_one_go(tenant: Tenant) -> None:
    form = form_for(
        tenant,
        data(
            tenant,
            language="Klingonisch",
            end_time="08:00",
            client_ref="Max Mustermann",
            priority="urgent",
            urgency_reason="",
            notes="Bitte Frau Müller unter 0151 2345 6789 anrufen",
            topic="court",
        ),
    )

    assert not form.is_valid()
    assert set(form.errors) >= {
        "language",
        "end_time",
        "client_ref",
        "urgency_reason",
        "notes",
        "topic",
    }
    assert "looks like a name" in form.errors["client_ref"][0]
    assert "phone numbers" in form.errors["notes"][0]


def test_the_summary_links_each_error_to_its_input(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, language="", mode=""))

    assert not form.is_valid()
    anchors = [anchor for anchor, _label, _message in form.error_summary()]
    assert anchors == ["id_language", "id_mode_0"]


@pytest.mark.parametrize(
    "typed",
    ["Tigrinya (ትግርኛ)", "ti", "Tigrinya", "ትግርኛ", "tigrinya", "  Tigrinya  ", "Tigriny"],
)
def test_a_language_is_found_by_label_code_and_any_of_its_names(typed: str) -> None:
    assert find_language(typed, bookable_languages()).code == "ti"


def test_dialects_are_their_own_entries_and_ambiguous_text_finds_none() -> None:
    languages = bookable_languages()

    assert find_language("Kurmancî", languages).code == "kmr"
    assert find_language("سۆرانی", languages).code == "ckb"
    assert find_language("Dari", languages).code == "prs"
    assert find_language("Arabisch", languages) is None  # standard and eight regions
    assert find_language("Tigr", languages) is None  # Tigrinya and Tigre


def test_languages_are_labelled_with_their_native_name_and_sorted() -> None:
    with translation.override("de"):
        languages = bookable_languages()
        labels = [language_label(lang) for lang in languages]

    assert "Tigrinya (ትግርኛ)" in labels
    assert "Kurdisch (Kurmandschi) – Kurmancî" in labels
    assert "Deutsch" not in labels
    assert [lang.name_de.casefold() for lang in languages] == sorted(
        lang.name_de.casefold() for lang in languages
    )


def test_english_pages_name_languages_in_english() -> None:
    labels = [language_label(lang) for lang in bookable_languages()]

    assert "Kurdish (Kurmanji) – Kurmancî" in labels


def test_an_unknown_language_is_a_field_error(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, language="Elbisch"))

    assert not form.is_valid()
    assert "choose a language from the list" in form.errors["language"][0]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("10:00", "09:00", "The end must come after the start."),
        ("10:00", "10:00", "The end must come after the start."),
        ("10:00", "10:10", "at least 15 minutes"),
        ("08:00", "16:15", "at most 8 hours"),
    ],
)
def test_the_duration_is_checked(tenant: Tenant, start: str, end: str, message: str) -> None:
    form = form_for(tenant, data(tenant, start_time=start, end_time=end))

    assert not form.is_valid()
    assert message in form.errors["end_time"][0]


def test_a_past_appointment_is_refused(tenant: Tenant) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    form = form_for(tenant, data(tenant, date=yesterday.isoformat()))

    assert not form.is_valid()
    assert "future" in form.errors["date"][0]


def test_the_lead_time_is_checked_unless_urgent(tenant: Tenant) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    normal = form_for(tenant, data(tenant, date=tomorrow))
    urgent = form_for(
        tenant, data(tenant, date=tomorrow, priority="urgent", urgency_reason="Termin vorgezogen")
    )

    assert not normal.is_valid()
    assert "working days' notice" in normal.errors["date"][0]
    assert urgent.is_valid(), urgent.errors


def test_malformed_dates_and_times_are_field_errors(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, date="31.02.2026", start_time="25:99", end_time="x"))

    assert not form.is_valid()
    assert {"date", "start_time", "end_time"} <= set(form.errors)


def test_a_huge_note_is_a_field_error(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, notes="x" * 100_000))

    assert not form.is_valid()
    assert "notes" in form.errors


def test_an_excluded_setting_is_refused_with_the_hint(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, topic="court"))

    assert not form.is_valid()
    assert "does not serve this setting" in form.errors["topic"][0]
    assert "professional interpreter" in form.errors["topic"][0]


def test_excluded_settings_are_listed_last_and_named_in_the_help(tenant: Tenant) -> None:
    form = form_for(tenant)

    values = [value for value, _label in form.fields["topic"].choices]
    assert values[-3:] == ["court", "police", "bamf"]
    assert "Court" in str(form.fields["topic"].help_text)


def test_in_person_needs_a_place_or_a_street(tenant: Tenant) -> None:
    nothing = form_for(tenant, data(tenant, place=""))
    no_street = form_for(tenant, data(tenant, place="", postcode="61169"))
    by_phone = form_for(tenant, data(tenant, place="", mode="phone"))

    assert not nothing.is_valid()
    assert "needs a place" in nothing.errors["place"][0]
    assert not no_street.is_valid()
    assert "street" in no_street.errors
    assert by_phone.is_valid(), by_phone.errors
    assert by_phone.service_data()["place"] is None


def test_a_place_of_another_list_is_refused(tenant: Tenant, other_tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, place=str(other_tenant.place.pk)))

    assert not form.is_valid()
    assert "place" in form.errors


def test_offices_come_before_towns_in_the_place_choices(tenant: Tenant) -> None:
    office = PlaceFactory(
        center=tenant.center, name="Gesundheitsamt", kind=Place.Kind.OFFICE, street="Europaplatz"
    )
    form = RequestForm(
        center=tenant.center,
        departments=[tenant.department],
        places=[tenant.place, office],
    )

    choices = form.fields["place"].choices
    assert choices[0][0] == ""  # another address
    assert choices[1][1][0][0] == str(office.pk)
    assert choices[2][1][0][0] == str(tenant.place.pk)


def test_times_step_in_quarter_hours_and_one_department_is_hidden(tenant: Tenant) -> None:
    form = form_for(tenant)
    html = str(form["start_time"])

    assert 'type="time"' in html
    assert 'step="900"' in html
    assert form["department"].is_hidden


def test_the_urgency_needs_a_reason(tenant: Tenant) -> None:
    form = form_for(tenant, data(tenant, priority="critical", urgency_reason="   "))

    assert not form.is_valid()
    assert "urgent" in form.errors["urgency_reason"][0]


def test_filters_drop_unknown_values() -> None:
    languages = list(Language.objects.filter(code__in=["ar", "ti"]))
    form = RequestFilterForm(
        {"status": "lost", "language": "xx", "mode": "video", "date_from": "gestern", "q": " K-1 "},
        languages=languages,
    )

    filters = form.filters()

    assert filters == {
        "search": "K-1",
        "status": "",
        "language": "",
        "mode": "video",
        "date_from": None,
        "date_to": None,
    }
