"""The volunteer's languages: the check of (language code, level) pairs
(:func:`clean_languages`) and replacing them (:func:`volunteer_languages_set`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.choices import Level
from core.models import AuditEvent, Language, User
from core.services import audit_log
from volunteers.models import (
    LanguageSkill,
    Volunteer,
)
from volunteers.services.common import _row_error, refuse_if_anonymised
from volunteers.signals import volunteer_parts_changed

#: Upper bounds that keep a single request small.
MAX_LANGUAGES = 20


def clean_languages(languages: Iterable[Sequence[str]]) -> list[tuple[str, str]]:
    """Check (language code, level) pairs: known codes, known levels, each language once.

    :raises ValidationError: ``{"languages": [...]}``, each message carrying the index of
        its pair as ``params["row"]``.
    """
    pairs = list(languages)
    messages: list[ValidationError] = []
    if len(pairs) > MAX_LANGUAGES:
        raise ValidationError(
            {"languages": [_("Please list at most %(max)d languages.") % {"max": MAX_LANGUAGES}]}
        )
    cleaned: list[tuple[str, str]] = []
    codes = [str(code).strip()[:20] for code, _level in pairs]
    known = set(Language.objects.filter(code__in=codes).values_list("code", flat=True))
    seen: set[str] = set()
    for row, (code, (_raw, level)) in enumerate(zip(codes, pairs, strict=True)):
        level = str(level).strip()[:20]
        if code not in known:
            messages.append(_row_error(_("Unknown language: “%(code)s”.") % {"code": code}, row))
            continue
        if level not in Level.values:
            message = _(
                "Unknown level “%(level)s” for “%(code)s”: choose A1, A2, B1, B2, C1, C2 or native."
            ) % {"level": level, "code": code}
            messages.append(_row_error(message, row))
            continue
        if code in seen:
            message = _("Please list each language only once: “%(code)s”.") % {"code": code}
            messages.append(_row_error(message, row))
            continue
        seen.add(code)
        cleaned.append((code, level))
    if messages:
        raise ValidationError({"languages": messages})
    return cleaned


@transaction.atomic
def volunteer_languages_set(
    *, actor: User | None, volunteer: Volunteer, languages: list[tuple[str, str]]
) -> list[LanguageSkill]:
    """Replace the volunteer's languages with (language code, level) pairs.

    :raises ValidationError: ``{"languages": [...]}`` for unknown codes or levels and
        duplicates; nothing is stored then.
    """
    refuse_if_anonymised(volunteer)
    cleaned = clean_languages(languages)
    before = set(volunteer.languages.values_list("language_id", "level"))
    volunteer.languages.all().delete()
    skills = [
        LanguageSkill(volunteer=volunteer, language_id=code, level=level) for code, level in cleaned
    ]
    for skill in skills:
        skill.full_clean(validate_unique=False)
    LanguageSkill.objects.bulk_create(skills)
    # Other apps' rules on languages (an active interpreter's German) may refuse here.
    volunteer_parts_changed.send(
        sender=Volunteer, volunteer=volunteer, actor=actor, parts=("languages",)
    )
    if before != set(cleaned):
        audit_log(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=volunteer,
            detail={"fields": ["languages"], "languages": sorted(code for code, _l in cleaned)},
        )
    return list(volunteer.languages.select_related("language").order_by("language_id"))
