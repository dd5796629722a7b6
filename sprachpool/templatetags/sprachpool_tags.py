"""Template filters of the Sprachpool pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from volunteers.models import LanguageSkill

register = template.Library()

GERMAN = "de"


@register.filter
def working_languages(skills: Iterable[LanguageSkill]) -> list[LanguageSkill]:
    """The languages besides German (every interpreter works with German)."""
    return [skill for skill in skills if skill.language_id != GERMAN]
