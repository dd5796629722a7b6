"""Serializer building blocks every resource of the API shares.

- :class:`IdField`: a database id in a body or a query string (the rule of
  :func:`core.params.parse_id`);
- the volunteer's parts, one set for ``/volunteers/`` and ``/interpreters/``:
  :class:`LanguageSkillSerializer`, :class:`SlotSerializer` (with :func:`language_pairs` and
  :func:`slot_tuples`, their rows as the services take them), :class:`PaperworkSerializer`
  and its short form :class:`PaperworkSummarySerializer`;
- :func:`validate_all_at_once`: a body's serializer errors and the service's together;
  :func:`service_call`: a view's failed look-ups (an unknown network) and the service's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField, empty
from rest_framework.serializers import as_serializer_error

from core.choices import Level
from core.forms import check_service
from core.params import MAX_ID, is_digits
from volunteers.services import MAX_LANGUAGES, MAX_SLOTS

T = TypeVar("T")


class IdField(serializers.IntegerField):
    """A database id: a JSON integer, or text of ASCII digits only (no "²", "١٢", sign,
    exponent or fraction), from 1 to :data:`core.params.MAX_ID` unless narrowed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not is_digits(data.strip()):
            self.fail("invalid")
        if isinstance(data, bool | float):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class ItemSerializer(serializers.Serializer):
    """A nested list item (a language, a weekly time): complete even inside a ``PATCH``.

    DRF lets every field of a partial update be left out, nested items' fields too, so
    ``PATCH {"languages": [{}]}`` reached the services with keys missing. An item is
    replaced as a whole, so its required fields are required whatever the request.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            missing = {
                name: [field.error_messages["required"]]
                for name, field in self.fields.items()
                if field.required and not field.read_only and name not in data
            }
            if missing:
                raise serializers.ValidationError(missing)
        return super().to_internal_value(data)


@extend_schema_field(serializers.ChoiceField(choices=Level.choices))
class LevelField(serializers.CharField):
    """A language level. The service checks it (``volunteers.services.clean_languages``),
    so a bad level is named at its row together with an unknown language in another."""


class LanguageSkillSerializer(ItemSerializer):
    """A language and the level the person speaks it at (``native`` for a mother tongue)."""

    language = serializers.CharField(
        max_length=20, source="language_id", help_text="Language code, e.g. ar."
    )
    level = LevelField(max_length=20)


#: ``09:00`` or ``09:00:00``, as the schema documents the wall-clock times.
WALL_CLOCK_PATTERN = r"^\d{2}:\d{2}(:\d{2})?$"


@extend_schema_field({"type": "string", "pattern": WALL_CLOCK_PATTERN, "example": "09:00"})
class WallClockTimeField(serializers.TimeField):
    """A time of day written ``HH:MM`` (seconds allowed on input): not OpenAPI's ``time``
    format, which would demand seconds and an offset."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(WALL_CLOCK_PATTERN, value, re.ASCII):
            self.fail("invalid", format="hh:mm")
        return super().to_internal_value(value)


class SlotSerializer(ItemSerializer):
    """A weekly time the person is available (Europe/Berlin wall-clock time)."""

    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
    start = WallClockTimeField(source="start_time")
    end = WallClockTimeField(source="end_time")


def languages_field(**kwargs: Any) -> serializers.ListSerializer:
    """A writable list of languages, at most as many as the registry keeps."""
    # With many=True, DRF hands max_length to the ListSerializer; the stubs' __init__ lacks it.
    return LanguageSkillSerializer(many=True, max_length=MAX_LANGUAGES, **kwargs)  # type: ignore[call-arg,return-value]


def availability_field(**kwargs: Any) -> serializers.ListSerializer:
    """A writable list of weekly times, at most as many as the registry keeps."""
    return SlotSerializer(many=True, max_length=MAX_SLOTS, **kwargs)  # type: ignore[call-arg,return-value]


def language_pairs(items: list[dict[str, Any]] | None) -> list[tuple[str, str]] | None:
    """Validated :class:`LanguageSkillSerializer` rows as the services' (code, level) pairs."""
    if items is None:
        return None
    return [(item["language_id"], item["level"]) for item in items]


def slot_tuples(items: list[dict[str, Any]] | None) -> list[tuple[int, Any, Any]] | None:
    """Validated :class:`SlotSerializer` rows as the services' (weekday, start, end)."""
    if items is None:
        return None
    return [(item["weekday"], item["start_time"], item["end_time"]) for item in items]


class PaperworkDueSerializer(serializers.Serializer):
    """A piece of paperwork that runs out soon, and when."""

    item = serializers.CharField()
    due = serializers.DateField()


class PaperworkSerializer(serializers.Serializer):
    """A volunteer's paperwork on today's date (``volunteers.selectors.PaperworkStatus``)."""

    pledge_signed = serializers.BooleanField()
    police_certificate_valid = serializers.BooleanField()
    police_certificate_valid_until = serializers.DateField(allow_null=True)
    child_clearance = serializers.BooleanField()
    extended_certificate_valid_until = serializers.DateField(allow_null=True)
    basic_course = serializers.BooleanField()
    cleared_for_offers = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    expiring = serializers.SerializerMethodField()

    @extend_schema_field(PaperworkDueSerializer(many=True))
    def get_expiring(self, obj: Any) -> list[dict[str, str]]:
        return [{"item": code, "due": due.isoformat()} for code, due in obj.expiring]


class PaperworkSummarySerializer(serializers.Serializer):
    """The short form of :class:`PaperworkSerializer` an interpreter's record shows."""

    cleared = serializers.BooleanField(source="cleared_for_offers")
    child_clearance = serializers.BooleanField()
    pledge_signed = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


# --------------------------------------------------------------------------- errors at once


def _parsed_fields(serializer: serializers.Serializer, refused: Mapping[str, Any]) -> dict:
    """The values of the fields that parsed, keyed as ``validated_data`` would be."""
    data = serializer.initial_data
    parsed: dict[str, Any] = {}
    for name, field in serializer.fields.items():
        if name in refused or field.read_only:
            continue
        try:
            value = field.run_validation(field.get_value(data))
        except (serializers.ValidationError, DjangoValidationError, SkipField):
            continue
        if value is empty:
            continue
        serializer.set_value(parsed, field.source_attrs, value)
    return parsed


def validate_all_at_once(
    serializer: serializers.Serializer,
    check: Callable[[dict[str, Any]], object],
    *,
    field_map: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The serializer's validated data, or a 400 naming every bad field at once.

    When the serializer refuses some fields, ``check`` (the service call the view would
    make, given the fields that did parse) runs for its checks only
    (:func:`core.forms.check_service`: always rolled back), so the service's messages about
    the other fields come in the same answer. ``check`` raises Django's
    ``ValidationError`` for what it refuses (the API's exception handler turns the same
    error into a 400 on the valid path); ``field_map`` renames a service's field to the
    API's (``home_place`` → ``place``).

    :raises rest_framework.exceptions.ValidationError: the serializer's and the service's
        field errors together; the serializer's message wins where both name a field.
    """
    if serializer.is_valid():
        return dict(serializer.validated_data)
    errors: dict[str, Any] = dict(serializer.errors)
    if isinstance(serializer.initial_data, Mapping):
        refused = check_service(lambda: check(_parsed_fields(serializer, errors)))
        if refused is not None:
            renames = field_map or {}
            for key, messages in as_serializer_error(refused).items():
                errors.setdefault(renames.get(key, key), messages)
    raise serializers.ValidationError(errors)


def service_call(call: Callable[[], T], *, problems: Mapping[str, list[Any]]) -> T:
    """``call()`` (a service), unless the view's own look-ups failed (``problems``: e.g.
    ``{"pate": ["Unknown Pate in this network."]}``): then ``call`` runs for its checks only
    (:func:`core.forms.check_service`) and its refusals come together with ``problems``.

    :raises django.core.exceptions.ValidationError: ``problems`` and the service's errors.
    """
    if not problems:
        return call()
    errors: dict[str, list[Any]] = {key: list(messages) for key, messages in problems.items()}
    refused = check_service(call)
    if refused is not None:
        for key, messages in as_serializer_error(refused).items():
            errors.setdefault(key, messages)
    raise DjangoValidationError(errors)
