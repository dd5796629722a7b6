"""OpenAPI generation: component names that stay unique with nested serializers.

Every API view nests its own ``InputSerializer`` and ``OutputSerializer`` (see STYLE.md);
by class name alone they would all become the component "Output". We name a component by
its qualified name instead: ``MeApi.OutputSerializer`` → ``MeApiOutput``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        qualified = type(serializer).__qualname__.replace("<locals>.", "")
        return qualified.replace(".", "")
