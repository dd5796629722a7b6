"""Pseudonymous references and contact-free notes."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import validate_no_contact_data, validate_pseudonym


@pytest.mark.parametrize("value", ["K-2291", "H-17", "AZ.2026/113", "k_55"])
def test_pseudonyms_are_accepted(value):
    validate_pseudonym(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("anna.schmidt@example.org", "email"),
        ("0151 23456789", "phone"),
        ("+49 6031 830", "phone"),
        ("Anna Schmidt", "name"),
        ("Mehmet Ali Yılmaz", "name"),
        ("Kunde", "format"),
        ("K 2291 x", "format"),
        ("K-" + "1" * 60, "format"),
    ],
)
def test_personal_data_is_refused_as_pseudonym(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_pseudonym(value)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "text", ["Termin am 12.03.2026 um 09:30, Raum 2.14", "Rückruf 2026-03-12", ""]
)
def test_notes_with_dates_pass(text):
    validate_no_contact_data(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [("Bitte an mama@example.org schreiben", "email"), ("Ruf an: 0151 2345 6789", "phone")],
)
def test_notes_with_contact_data_are_refused(text, code):
    with pytest.raises(ValidationError) as caught:
        validate_no_contact_data(text)
    assert caught.value.code == code
