"""The instance parser, for any JSON: a parsed :class:`Instance` or an ``InstanceError`` (a
``ValueError`` naming the field), never another exception (hypothesis). Random JSON, and
valid documents with one value anywhere replaced by random JSON; ``load_instance`` on any
text or bytes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.core.instance import Instance, InstanceError, load_instance, parse_instance

from .strategies import instances

pytestmark = pytest.mark.unit

FUZZ = settings(
    max_examples=50,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()  # NaN and infinities too: a decoded document may hold them
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "wir-matching/1",
            "2026-10-25T02:30:00+02:00",
            "2026-13-45T25:00:00Z",
            "ar",
            "B2",
            "in_person",
            "\x00",
            "\ud800",
            "",
            "native",
        ]
    )  # fmt: skip
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)


def _parses_or_refuses(document: Any) -> None:
    try:
        result = parse_instance(document)
    except InstanceError as exc:
        assert isinstance(exc, ValueError) and str(exc)
        return
    assert isinstance(result, Instance)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@FUZZ
@given(document=json_values)
def test_any_json_value_parses_or_is_refused_with_an_instance_error(document: Any) -> None:
    _parses_or_refuses(document)


@FUZZ
@given(top=st.dictionaries(st.sampled_from(["format", "gap_minutes", "interpreters",
       "requests", "x"]), json_values, max_size=5))  # fmt: skip
def test_any_top_level_fields_parse_or_are_refused(top: dict[str, Any]) -> None:
    _parses_or_refuses({"format": "wir-matching/1", **top})


@settings(FUZZ, max_examples=25)
@given(document=instances(max_interpreters=2, max_requests=2), data=st.data())
def test_a_valid_document_with_any_value_replaced_parses_or_is_refused(
    document: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(_paths(document)))
    _parses_or_refuses(_replace(document, path, data.draw(json_values)))


@FUZZ
@given(text=st.text(max_size=200) | st.binary(max_size=200) | json_values.map(json.dumps))
def test_load_instance_on_any_text_parses_or_refuses(text: str | bytes) -> None:
    try:
        result = load_instance(text)
    except InstanceError:
        return
    assert isinstance(result, Instance)
