"""Query parameters of the API, parsed one way: a view declares a ``FilterSerializer`` with
the parameters it takes and calls :func:`parse_query`. A value that does not parse is a 400
naming every bad parameter at once (``{"network": ["..."], "status": ["..."]}``), never a
500 and never silently another filter. Ids are :class:`api.serializers.IdField` (ASCII
digits within the database's range, the rule of :func:`core.params.parse_id`), choices
``ChoiceField``, flags ``BooleanField(allow_null=True, default=None)`` and free search text
:class:`SearchField` (cut to its length, as on the pages).

An empty value (``?network=``) counts as not given.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


class SearchField(serializers.CharField):
    """Free search text: optional, trimmed, and cut to ``max_length`` (default 100)
    instead of refused, as the pages do."""

    def __init__(self, *, max_length: int = 100, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("default", "")
        # Not the field's own max_length: that would document (and refuse) longer text.
        self.cut_at = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        return super().to_internal_value(data)[: self.cut_at]


def flag(**kwargs: Any) -> serializers.BooleanField:
    """An optional yes/no filter (``true``/``false``, ``1``/``0``, ``yes``/``no``); ``None``
    when not given."""
    return serializers.BooleanField(required=False, allow_null=True, default=None, **kwargs)


def parse_query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The query parameters of ``request`` as ``serializer_class`` validates them.

    :raises rest_framework.exceptions.ValidationError: every bad parameter at once (400).
    """
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
