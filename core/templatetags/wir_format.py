"""Template filters for what every app shows: language names, levels, figures.

``{% load wir_format %}``, then ``{{ skill|skill_label }}`` ("Ukrainisch: Muttersprache"),
``{{ code|language_name }}`` ("Ukrainisch" for ``uk``), ``{{ skill.level|level_label }}``
("Muttersprache" for ``native``) and ``{{ amount|number:2 }}`` ("1.234,50" in German).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.choices import Level
from core.models import Language

register = template.Library()

_NAMES: dict[str, tuple[str, str]] = {}


def _names(code: str) -> tuple[str, str] | None:
    """(German, English) name of a language code; languages are fixed data, so cached."""
    if code not in _NAMES:
        row = Language.objects.filter(pk=code).values_list("name_de", "name_en").first()
        if row is None:
            return None
        _NAMES[code] = row
    return _NAMES[code]


@register.filter
def language_name(value: Any) -> str:
    """The name of a language (a ``Language``, a row with ``.language``, or a code) in the
    active UI language; an unknown code stays as it is."""
    if value is None or value == "":
        return ""
    language = getattr(value, "language", value)
    if isinstance(language, Language):
        return language.name
    code = str(language)
    names = _names(code)
    if names is None:
        return code
    return names[1] if (get_language() or "de").startswith("en") else names[0]


@register.filter
def level_label(value: Any) -> str:
    """The label of a language level: "B1" stays "B1", ``native`` reads "Muttersprache"."""
    level = getattr(value, "level", value)
    if level in Level.values:
        return str(Level(level).label)
    return "" if level is None else str(level)


@register.filter
def skill_label(skill: Any) -> str:
    """A language skill as the lists show it: "Ukrainisch: Muttersprache", "Farsi: B2"."""
    return _("%(language)s: %(level)s") % {
        "language": language_name(skill),
        "level": level_label(skill),
    }


@register.filter
def number(value: Any, decimals: Any = None) -> str:
    """A figure in the UI language's format with thousands grouped ("1.234,5" in German).

    :param decimals: digits after the decimal separator; as stored when not given.
    """
    if value is None or value == "":
        return ""
    try:
        places = int(decimals) if decimals not in (None, "") else None
    except (TypeError, ValueError):
        places = None
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
