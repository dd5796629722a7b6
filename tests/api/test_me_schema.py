"""``GET /api/v1/me/`` answers exactly what the OpenAPI schema at ``/api/v1/schema/`` says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft7Validator
from rest_framework.test import APIClient

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema, strictly: ``nullable`` as a null type, no unlisted keys."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _strict(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    if out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def _me_response_schema() -> dict[str, Any]:
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    answer = schema["paths"]["/api/v1/me/"]["get"]["responses"]["200"]
    body = answer["content"]["application/json"]["schema"]
    return _strict({**body, "definitions": schema["components"]["schemas"]})


def _validate(instance: Any, schema: dict[str, Any]) -> list[str]:
    resolved = json.loads(json.dumps(schema).replace("#/components/schemas/", "#/definitions/"))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(resolved).iter_errors(instance)
    ]


def test_the_me_response_matches_its_schema_for_a_caseworker(tenant: Any) -> None:
    client = APIClient()
    client.force_authenticate(tenant.users["caseworker"])

    body = client.get("/api/v1/me/").json()

    assert _validate(body, _me_response_schema()) == []
    assert body["memberships"][0]["department"] == tenant.department.pk


def test_the_me_response_matches_its_schema_without_department(
    tenant: Any, other_tenant: Any
) -> None:
    user = tenant.users["coordinator"]
    MembershipFactory(user=user, center=other_tenant.center, role="network_lead")
    client = APIClient()
    client.force_authenticate(user)

    body = client.get("/api/v1/me/").json()

    assert _validate(body, _me_response_schema()) == []
    assert [m["department"] for m in body["memberships"]] == [None, None]


def test_the_schema_requires_every_key_the_response_has(tenant: Any) -> None:
    client = APIClient()
    client.force_authenticate(tenant.users["caseworker"])
    body = client.get("/api/v1/me/").json()
    schema = _me_response_schema()
    components = schema["definitions"]

    def required(ref_or_schema: dict[str, Any]) -> set[str]:
        target = ref_or_schema
        if "$ref" in target:
            target = components[target["$ref"].rsplit("/", 1)[1]]
        return set(target.get("required", []))

    top = required(schema)
    member = components[
        components[schema["$ref"].rsplit("/", 1)[1]]["properties"]["memberships"]["items"][
            "$ref"
        ].rsplit("/", 1)[1]
    ]

    assert top == set(body)
    assert set(member["required"]) == set(body["memberships"][0])
