"""Formal German everywhere: Django's and DRF's own messages are worded by the project."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework import serializers

from core.i18n_overrides import OVERRIDDEN_MESSAGES

INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|gib|nutze|benutze|lade|prüfe|stelle sicher)\b", re.I)


def _errors(field, value) -> list[str]:
    with translation.override("de"):
        try:
            field.clean(value)
        except ValidationError as exc:
            return [str(m) for m in exc.messages]
    return []


def test_an_invalid_email_address_is_reported_formally():
    assert _errors(forms.EmailField(), "keine-adresse") == [
        "Bitte geben Sie eine gültige E-Mail-Adresse ein."
    ]


def test_the_api_reports_an_invalid_email_address_formally():
    serializer = type("S", (serializers.Serializer,), {"email": serializers.EmailField()})
    with translation.override("de"):
        s = serializer(data={"email": "keine-adresse"})
        s.is_valid()
        message = str(s.errors["email"][0])
    assert message == "Bitte geben Sie eine gültige E-Mail-Adresse ein."


def test_the_api_reports_a_too_long_text_formally():
    serializer = type("S", (serializers.Serializer,), {"code": serializers.CharField(max_length=3)})
    with translation.override("de"):
        s = serializer(data={"code": "abcdef"})
        s.is_valid()
        message = str(s.errors["code"][0])
    assert message == "Bitte geben Sie höchstens 3 Zeichen ein."


@pytest.mark.parametrize("msgid", OVERRIDDEN_MESSAGES)
def test_no_overridden_message_addresses_the_reader_informally(msgid):
    with translation.override("de"):
        text = translation.gettext(msgid)
    assert text != msgid
    assert not INFORMAL.search(text), text


def test_a_unique_constraint_message_names_no_database_field_phrase():
    with translation.override("de"):
        text = translation.gettext("%(model_name)s with this %(field_labels)s already exists.") % {
            "model_name": "Haushalt",
            "field_labels": "Zentrum und Kennung",
        }
    assert "mit diesem Wert für das Feld" not in text
    assert "bereits vergeben" in text


def test_the_project_catalog_uses_the_glossarys_words():
    """docs/glossary.md: one word per thing; the variants it names are not used."""
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES" / "django.po"
    lines, in_msgstr = [], False
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            in_msgstr = True
        elif not line.startswith('"'):
            in_msgstr = False
        if in_msgstr:
            lines.append(line.partition('"')[2].rstrip('"'))
    translations = "".join(lines)
    for variant in (
        "Basiskurs",
        "Basisschulung",
        "Sprachmittelnde",
        "ohne Kontakt",
        "still geworden",
        "Ehrenamtliche Person",
        "Gib ",
    ):
        assert variant not in translations, variant
