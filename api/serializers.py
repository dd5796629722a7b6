"""Serializer building blocks every resource of the API shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


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
