"""German and English formats, real empty labels, and the filters apps use for languages."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from core.forms import PlaceForm
from core.models import Center, Place
from core.templatetags.wir_format import language_name, level_label, number, skill_label


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


def test_german_dates_are_day_dot_month_dot_year():
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', "de", d=date(2026, 3, 5)) == "05.03.2026"


def test_english_dates_name_the_month_so_day_and_month_cannot_be_swapped():
    when = datetime(2026, 3, 5, 14, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', "en", d=date(2026, 3, 5)) == "5 Mar 2026"
    assert _render('{{ d|date:"SHORT_DATETIME_FORMAT" }}', "en", d=when) == "5 Mar 2026, 14:30"


def test_decimals_use_a_comma_in_german():
    assert _render("{{ x }}", "de", x=90.5) == "90,5"


@pytest.mark.django_db
def test_a_select_offers_a_real_empty_choice_instead_of_dashes():
    class F(forms.Form):
        center = forms.ModelChoiceField(queryset=Center.objects.all(), required=False)
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)

    with translation.override("de"):
        html = str(F()["center"]) + str(F()["kind"])
    assert "---------" not in html
    assert html.count("– bitte wählen –") == 2


@pytest.mark.django_db
def test_language_name_gives_the_name_not_the_iso_code():
    with translation.override("de"):
        assert language_name("uk") == "Ukrainisch"
        assert language_name("xx-unknown") == "xx-unknown"
    with translation.override("en"):
        assert language_name("uk") == "Ukrainian"


def test_level_label_says_muttersprache_for_native():
    with translation.override("de"):
        assert level_label("native") == "Muttersprache"
        assert level_label("B1") == "B1"


@pytest.mark.django_db
def test_skill_label_reads_like_a_person_says_it():
    skill = SimpleNamespace(language="uk", level="native")
    with translation.override("de"):
        assert skill_label(skill) == "Ukrainisch: Muttersprache"


def test_number_groups_thousands_in_the_ui_language():
    with translation.override("de"):
        assert number(1234.5, 1) == "1.234,5"
    with translation.override("en"):
        assert number(1234.5, 1) == "1,234.5"


@pytest.mark.django_db
def test_an_out_of_range_latitude_is_reported_without_a_decimal_point(tenant):
    form = PlaceForm(
        {
            "center": tenant.center.pk,
            "name": "X",
            "kind": "other",
            "city": "X",
            "coordinates": "manual",
            "lat": "95",
            "lon": "8",
        },
        centers=Center.objects.filter(pk=tenant.center.pk),
        towns=Place.objects.none(),
    )
    with translation.override("de"):
        assert not form.is_valid()
        message = form.errors["lat"][0]
    assert "90" in message and "90.0" not in message and "90,0" not in message
