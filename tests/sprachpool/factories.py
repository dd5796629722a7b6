"""factory_boy factories of the Sprachpool, and a helper for a ready-to-work interpreter."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from core.choices import Mode
from sprachpool.models import InterpreterProfile
from tests.volunteers.factories import (
    LanguageSkillFactory,
    PledgeSignatureFactory,
    PoliceCertificateFactory,
    VolunteerFactory,
)
from volunteers.models import PoliceCertificate


class InterpreterProfileFactory(DjangoModelFactory):
    class Meta:
        model = InterpreterProfile

    volunteer = factory.SubFactory(VolunteerFactory)
    kind = InterpreterProfile.Kind.VOLUNTEER
    qualification = InterpreterProfile.Qualification.TRAINED
    modes = factory.LazyFunction(lambda: [Mode.IN_PERSON, Mode.PHONE])
    max_travel_km = 25
    is_active = False


def ready_volunteer(
    *,
    languages: tuple[tuple[str, str], ...] = (("de", "C1"), ("ar", "native")),
    pledge: bool = True,
    police: bool = True,
    extended: bool = False,
    **fields: Any,
) -> Any:
    """A volunteer with the given languages and paperwork (pledge, police certificate)."""
    volunteer = VolunteerFactory(**fields)
    for code, level in languages:
        LanguageSkillFactory(volunteer=volunteer, language_id=code, level=level)
    if pledge:
        PledgeSignatureFactory(volunteer=volunteer)
    if police:
        PoliceCertificateFactory(
            volunteer=volunteer,
            kind=PoliceCertificate.Kind.EXTENDED if extended else PoliceCertificate.Kind.STANDARD,
        )
    return volunteer


def interpreter(
    *, active: bool = True, profile: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """An interpreter profile on a :func:`ready_volunteer` (active by default)."""
    volunteer = ready_volunteer(**kwargs)
    return InterpreterProfileFactory(volunteer=volunteer, is_active=active, **(profile or {}))
