"""Validators of the Sprachpool: client references must stay pseudonymous."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: Longest accepted client reference.
PSEUDONYM_MAX_LENGTH = 40

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"^\s*(\+|00)?[\d\s()/.\-]+$")
_WORD = r"[^\W\d_]+(?:['.-][^\W\d_]+)*\.?"
_NAME = re.compile(rf"^{_WORD}(?:\s+{_WORD})+$")
_PSEUDONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./#-]*$")

MESSAGES = {
    "email": _("“%(value)s” looks like an e-mail address. Please use the pseudonymous reference."),
    "phone": _("“%(value)s” looks like a phone number. Please use the pseudonymous reference."),
    "name": _("“%(value)s” looks like a name. Please use the pseudonymous reference, e.g. K-2291."),
    "format": _(
        "“%(value)s” is not a valid reference: use letters, digits and - _ . / # only, "
        "without spaces, at most %(max)d characters (e.g. K-2291)."
    ),
}


def validate_pseudonym(value: str) -> None:
    """Accept a pseudonymous client reference such as ``K-2291``; refuse personal data.

    Values that look like an e-mail address, a phone number or a "Firstname Lastname"
    are refused with a message saying so; anything else outside a short, space-free
    reference format is refused too.

    :raises ValidationError: with code ``email``, ``phone``, ``name`` or ``format``.
    """
    shown = value if len(value) <= 60 else value[:57] + "…"
    params = {"value": shown, "max": PSEUDONYM_MAX_LENGTH}
    if _EMAIL.search(value):
        raise ValidationError(MESSAGES["email"], code="email", params=params)
    if _PHONE.match(value) and sum(ch.isdigit() for ch in value) >= 6:
        raise ValidationError(MESSAGES["phone"], code="phone", params=params)
    if _NAME.match(value.strip()):
        raise ValidationError(MESSAGES["name"], code="name", params=params)
    if len(value) > PSEUDONYM_MAX_LENGTH or not _PSEUDONYM.match(value):
        raise ValidationError(MESSAGES["format"], code="format", params=params)
