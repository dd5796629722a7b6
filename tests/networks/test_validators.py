"""Household references stay pseudonymous; notes carry no contact data."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from networks.validators import validate_household_reference, validate_no_contact_data

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("value", ["H-2291", "FB-017", "wk1.003", "H2291", "2024/17#3"])
def test_pseudonymous_references_are_accepted(value):
    validate_household_reference(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("familie.haddad@example.org", "email"),
        ("0151 23456789", "phone"),
        ("+49 6031 123456", "phone"),
        ("Amina Haddad", "name"),
        ("Jean-Luc Müller", "name"),
        ("Haddad", "format"),
        ("H 2291 x", "format"),
        ("H-" + "1" * 60, "format"),
    ],
)
def test_personal_data_is_refused_as_reference(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_household_reference(value)
    assert exc.value.code == code


@pytest.mark.parametrize(
    "note",
    [
        "Treffen am 12.03.2026 um 14:30, alles gut.",
        "Termin 2026-03-12 beim Bürgerbüro, Zimmer 204.",
        "3 von 4 Treffen erledigt.",
        "",
    ],
)
def test_notes_with_dates_and_small_numbers_are_accepted(note):
    validate_no_contact_data(note)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Bitte melden: pate@example.org", "email"),
        ("Erreichbar unter 0151 23456789", "phone"),
        ("Tel. +49 (6031) 12 34 56", "phone"),
    ],
)
def test_notes_with_contact_data_are_refused(note, code):
    with pytest.raises(ValidationError) as exc:
        validate_no_contact_data(note)
    assert exc.value.code == code
