"""Client references in the Sprachpool stay pseudonymous."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sprachpool.validators import validate_pseudonym


@pytest.mark.parametrize("value", ["K-2291", "K1177", "FAM-2026/03", "jugendamt.0815", "K_17#2"])
def test_pseudonymous_references_are_accepted(value: str) -> None:
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
        ("K 2291 x", "format"),
        ("K-" + "9" * 60, "format"),
    ],
)
def test_personal_data_is_refused_with_a_reason(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_pseudonym(value)
    assert info.value.code == code
