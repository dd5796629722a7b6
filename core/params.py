"""Parameters of query strings and forms, read one way by every page.

``str.isdigit()`` is true for "²", "١٢" or "１２", which ``int()`` then refuses or reads as
another number, and a very long digit string overflows the database's integers. Every page
that reads a number or a choice from ``request.GET``/``request.POST`` by hand uses these:
a value that does not parse is ``None`` (or ``""``), so the filter is ignored instead of
failing. The API validates its query strings with serializers
(:func:`api.filters.parse_query`, :class:`api.serializers.IdField`), built on the same rule.
"""

from __future__ import annotations

from collections.abc import Collection

#: Largest id the database stores: ids are ``BigAutoField`` (``DEFAULT_AUTO_FIELD``), a
#: signed 64-bit integer on PostgreSQL and SQLite.
MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more ASCII digits 0–9 and nothing else (no sign, no
    spaces, no exponent, no "²" or other scripts' digits)."""
    return bool(text) and text.isascii() and text.isdigit()


def parse_id(value: object) -> int | None:
    """The database id in a parameter, or ``None`` when it is not one.

    Text counts when, without surrounding spaces, it is :func:`is_digits` and the number
    lies between 1 and :data:`MAX_ID`; an ``int`` (not a ``bool``) in that range counts too.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip().lstrip("0") or "0"
        if not is_digits(text) or len(text) > _MAX_ID_DIGITS:
            return None
        number = int(text)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def parse_choice(value: object, choices: Collection[str]) -> str:
    """``value`` when it is one of ``choices`` (e.g. ``Model.Status.values``), else ``""``."""
    return value if isinstance(value, str) and value in choices else ""
