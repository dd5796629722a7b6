"""Fixtures for the pure engine tests: solve a document and check it independently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bench.checker import check_result
from matching.core import parse_instance, solve


@pytest.fixture
def solved() -> Callable[..., dict[str, Any]]:
    """Solve an instance document; fail the test if the result violates the contract."""

    def run(doc: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        result = solve(parse_instance(doc), **kwargs).to_json()
        assert check_result(doc, result) == []
        return result

    return run
