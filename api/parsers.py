"""The API's JSON parser: bodies no endpoint can use are a 400 before any view sees them.

Refused, with a ``{"detail": ...}`` message:

- nesting deeper than :data:`MAX_DEPTH` (``[`` × 50,000 would otherwise end in a
  ``RecursionError`` inside the JSON decoder);
- NUL characters anywhere (PostgreSQL cannot store them in text: ``DataError``);
- lone UTF-16 surrogates such as ``"\\ud800"`` (not encodable as UTF-8: an error
  message that repeats the value could not be rendered).

It is the default parser of every endpoint (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``),
so a new endpoint is covered without doing anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

#: Deepest nesting of arrays and objects a body may have (our deepest payload uses 3).
MAX_DEPTH = 32

#: Characters no text field can hold: NUL and the lone surrogates.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")

TOO_DEEP = _("The request body is nested too deeply.")
BAD_CHARACTER = _("The request contains a character that is not allowed (e.g. a NUL byte).")


def forbidden_character(text: str) -> bool:
    """Whether ``text`` holds a NUL byte or a lone surrogate."""
    return _FORBIDDEN.search(text) is not None


def check_parsed(data: Any) -> None:
    """Walk a parsed body (iteratively, so depth cannot exhaust the stack).

    :raises ParseError: too deep, or a string (value or key) with a forbidden character.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if forbidden_character(value):
                raise ParseError(BAD_CHARACTER)
        elif isinstance(value, Mapping | list):
            if depth > MAX_DEPTH:
                raise ParseError(TOO_DEEP)
            if isinstance(value, Mapping):
                for key, item in value.items():
                    if isinstance(key, str) and forbidden_character(key):
                        raise ParseError(BAD_CHARACTER)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser that refuses what no endpoint can use (see the module docstring)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc
        check_parsed(data)
        return data


class FormParser(parsers.FormParser):
    """DRF's form parser that refuses NUL bytes in names and values."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        for key, values in data.lists():
            if forbidden_character(key) or any(forbidden_character(v) for v in values):
                raise ParseError(BAD_CHARACTER)
        return data
