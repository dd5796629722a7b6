"""Validators that keep clients pseudonymous and free text free of contact data, and the
one postcode rule.

Clients and newcomer households appear only by a pseudonymous reference such as
``K-2291``. Every app that stores such a reference or a free-text note uses these; every
form and service that takes a postcode asks :func:`is_postcode`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.params import is_digits

#: Longest accepted pseudonymous reference.
PSEUDONYM_MAX_LENGTH = 40
#: Free text is scanned for contact data up to this length.
SCAN_MAX_LENGTH = 5000

# One character either side of an "@" is enough, and keeps the search linear.
_EMAIL = re.compile(r"[^@\s]@[^@\s]")
_PHONE_ONLY = re.compile(r"^\s*(\+|00)?[\d\s()/.\-]+$")
_WORD = r"[^\W\d_]+(?:['.-][^\W\d_]+)*\.?"
_NAME = re.compile(rf"^{_WORD}(?:\s+{_WORD})+$")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./#-]*$")
# Dates and times are fine in a note; they are blanked out before looking for phone numbers.
_DATES = re.compile(r"\b\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})?|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b")
_PHONE_IN_TEXT = re.compile(r"(?:\+|\b00)?\d(?:[\s/()\-.]{0,2}\d){6,}")

PSEUDONYM_MESSAGES = {
    "email": _("“%(value)s” looks like an e-mail address. Please use the pseudonymous reference."),
    "phone": _("“%(value)s” looks like a phone number. Please use the pseudonymous reference."),
    "name": _(
        "“%(value)s” looks like a name. Please use the pseudonymous reference, e.g. %(example)s."
    ),
    "format": _(
        "“%(value)s” is not a valid reference: use letters, digits and - _ . / # only, "
        "at least one digit, no spaces, at most %(max)d characters (e.g. %(example)s)."
    ),
}


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def validate_pseudonym(value: str, *, example: str = "K-2291") -> None:
    """Accept a pseudonymous reference such as ``K-2291``; refuse personal data.

    Values that look like an e-mail address, a phone number or "Firstname Lastname" are
    refused with a message saying so; anything else outside a short, space-free reference
    with at least one digit is refused too.

    :param example: the reference shown as an example in messages.
    :raises ValidationError: with code ``email``, ``phone``, ``name`` or ``format``.
    """
    params = {"value": _shown(value), "max": PSEUDONYM_MAX_LENGTH, "example": example}
    if len(value) > PSEUDONYM_MAX_LENGTH:
        raise ValidationError(PSEUDONYM_MESSAGES["format"], code="format", params=params)
    if _EMAIL.search(value):
        raise ValidationError(PSEUDONYM_MESSAGES["email"], code="email", params=params)
    if _PHONE_ONLY.match(value) and sum(ch.isdigit() for ch in value) >= 6:
        raise ValidationError(PSEUDONYM_MESSAGES["phone"], code="phone", params=params)
    if _NAME.match(value.strip()):
        raise ValidationError(PSEUDONYM_MESSAGES["name"], code="name", params=params)
    if not _REFERENCE.match(value) or not any(ch.isdigit() for ch in value):
        raise ValidationError(PSEUDONYM_MESSAGES["format"], code="format", params=params)


def validate_no_contact_data(value: str) -> None:
    """Refuse free text (notes) that contains an e-mail address or a phone number.

    Dates (``12.03.2026``, ``2026-03-12``) and times are allowed.

    :raises ValidationError: with code ``email`` or ``phone``.
    """
    if not value:
        return
    value = value[:SCAN_MAX_LENGTH]  # longer text is refused by the field's length limit
    if _EMAIL.search(value):
        raise ValidationError(_("Please do not write e-mail addresses into notes."), code="email")
    if _PHONE_IN_TEXT.search(_DATES.sub(" ", value)):
        raise ValidationError(_("Please do not write phone numbers into notes."), code="phone")


def validate_household_reference(value: str) -> None:
    """A newcomer household's pseudonymous reference such as ``H-2291``."""
    validate_pseudonym(value, example="H-2291")


POSTCODE_MESSAGE = _("A German postcode has five digits.")


def is_postcode(value: str) -> bool:
    """Whether ``value`` is a German postcode: exactly five ASCII digits (not "１２３４５")."""
    return len(value) == 5 and is_digits(value)


def validate_postcode(value: str) -> None:
    """Accept an empty value or a German postcode (:func:`is_postcode`).

    :raises ValidationError: with code ``postcode``.
    """
    if value and not is_postcode(value):
        raise ValidationError(POSTCODE_MESSAGE, code="postcode")
