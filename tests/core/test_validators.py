"""Pseudonymous references (clients, households) and contact-free notes."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    validate_household_reference,
    validate_no_contact_data,
    validate_pseudonym,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "value",
    ["K-2291", "K1177", "FAM-2026/03", "jugendamt.0815", "K_17#2", "H-17", "AZ.2026/113", "k_55"],
)
def test_pseudonyms_are_accepted(value):
    validate_pseudonym(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("anna.schmidt@example.org", "email"),
        ("mail: a@b.de", "email"),
        ("0151 23456789", "phone"),
        ("+49 6031 83-0", "phone"),
        ("06031/123456", "phone"),
        ("Anna Schmidt", "name"),
        ("Jean-Luc Picard", "name"),
        ("anna schmidt", "name"),
        ("Dr. Ayşe Yılmaz", "name"),
        ("Mehmet Ali Yılmaz", "name"),
        ("Kunde", "format"),
        ("Haddad", "format"),
        ("K 2291 x", "format"),
        ("K-" + "1" * 60, "format"),
    ],
)
def test_personal_data_is_refused_as_pseudonym(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_pseudonym(value)
    assert caught.value.code == code


def test_household_reference_messages_give_a_household_example():
    with pytest.raises(ValidationError) as caught:
        validate_household_reference("Amina Haddad")
    assert "H-2291" in caught.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "Termin am 12.03.2026 um 09:30, Raum 2.14",
        "Termin 2026-03-12 beim Bürgerbüro, Zimmer 204.",
        "3 von 4 Treffen erledigt.",
        "",
    ],
)
def test_notes_with_dates_pass(text):
    validate_no_contact_data(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bitte an mama@example.org schreiben", "email"),
        ("Ruf an: 0151 2345 6789", "phone"),
        ("Tel. +49 (6031) 12 34 56", "phone"),
    ],
)
def test_notes_with_contact_data_are_refused(text, code):
    with pytest.raises(ValidationError) as caught:
        validate_no_contact_data(text)
    assert caught.value.code == code
