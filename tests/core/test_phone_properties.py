"""Phone numbers, for any text: either a valid number in E.164 or a ``ValidationError``,
never another exception; a stored number reads back the same (hypothesis)."""

from __future__ import annotations

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.phone import format_phone_national, normalize_phone

pytestmark = pytest.mark.unit

PROPERTY = settings(max_examples=150, derandomize=True, deadline=None)

#: What people type: digits with spaces, dashes, slashes, brackets, a leading + or 00, and
#: now and then anything at all.
typed = st.text(alphabet="0123456789 +-/()", max_size=25) | st.text(max_size=45)
#: Real German mobile and landline numbers, written the ways people write them.
german = st.builds(
    lambda prefix, rest, style: style(prefix, rest),
    st.sampled_from(["151", "160", "170", "176", "69", "6031", "30", "89"]),
    st.text(alphabet="0123456789", min_size=6, max_size=8),
    st.sampled_from(
        [
            lambda p, r: f"0{p} {r}",
            lambda p, r: f"+49 {p} {r}",
            lambda p, r: f"0049{p}{r}",
            lambda p, r: f"(0{p}) {r[:3]}-{r[3:]}",
            lambda p, r: f"0{p}/{r}",
        ]
    ),
)


@PROPERTY
@given(text=typed | german)
@example(text="\x00")
@example(text="+" + "9" * 39)
@example(text="0151 23456789" + " " * 30)
def test_any_text_is_a_valid_e164_number_or_a_validation_error(text: str) -> None:
    try:
        number = normalize_phone(text)
    except ValidationError as exc:
        assert exc.code == "invalid_phone"
        return
    assert number.startswith("+") and number[1:].isdigit()
    assert phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    assert normalize_phone(number) == number  # idempotent: storing twice changes nothing


@PROPERTY
@given(text=german)
def test_a_stored_number_reads_back_as_the_same_number(text: str) -> None:
    try:
        number = normalize_phone(text)
    except ValidationError:
        return
    shown = format_phone_national(number)
    assert normalize_phone(shown) == number


@PROPERTY
@given(text=st.text(max_size=45))
def test_showing_any_stored_text_never_fails(text: str) -> None:
    assert isinstance(format_phone_national(text), str)
