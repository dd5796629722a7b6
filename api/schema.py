"""OpenAPI generation: component names that stay unique with nested serializers.

Every API view nests its own ``InputSerializer`` and ``OutputSerializer`` (see STYLE.md);
by class name alone they would all become the component "Output". We name a component by
its qualified name instead: ``MeApi.OutputSerializer`` → ``MeApiOutput``.

Every operation also documents the errors any endpoint can answer (the contract's
``{"detail": ...}`` or ``{"field": [...]}``): 400, 401, 403, 404, 429 and 503 (the
database briefly unreachable, with ``Retry-After``), and 409 for writes. A client generated
from the schema, and schemathesis in ``tests/api/test_schemathesis.py``, expect exactly
these.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

#: ``{"detail": "..."}`` or ``{"field": ["message", ...], ...}``.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": True,
    "description": '{"detail": "..."} or {"field": ["message", ...]}',
}

#: The errors every operation can answer, and those only writes can.
ERRORS = {
    "400": "Bad input: field errors, or a detail.",
    "401": "Not logged in, or the token is not valid.",
    "403": "Logged in, but the role may not do this.",
    "404": "Not found, or outside the caller's centers.",
    "429": "Too many requests; try again later.",
    "503": "The database is briefly unreachable; try again after Retry-After seconds.",
}
WRITE_ERRORS = {"409": "Collided with another change, or no longer possible."}


class AutoSchema(SpectacularAutoSchema):
    def _get_paginator(self) -> Any:
        """Our list views are ``APIView``s that paginate by hand with the one paginator:
        document the page (``count``, ``next``, ``previous``, ``results``) and its
        parameters, not a bare array."""
        paginator = super()._get_paginator()
        if paginator is None and self.method == "GET":
            from api.pagination import PageNumberPagination

            return PageNumberPagination()
        return paginator

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = dict(super()._get_response_bodies(direction))
        errors = dict(ERRORS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors |= WRITE_ERRORS
        for code, description in errors.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
        return responses

    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        qualified = type(serializer).__qualname__.replace("<locals>.", "")
        return qualified.replace(".", "")
