"""The hard-constraint checks on compiled instances: candidate pairs and violation bits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matching.core import parse_instance
from matching.core.feasibility import (
    PAIR_CODES,
    Compiled,
    candidate_pairs,
    compile_instance,
    pair_violations,
)
from tests.matching.core.builders import document, interpreter, request

pytestmark = pytest.mark.unit


def _compiled(doc: dict[str, Any]) -> Compiled:
    return compile_instance(parse_instance(doc))


def _candidates(c: Compiled) -> set[tuple[str, str]]:
    pairs = candidate_pairs(c)
    return {
        (c.request_ids[r], c.interpreter_ids[i])
        for r, i in zip(pairs.request.tolist(), pairs.interpreter.tolist(), strict=True)
    }


def _violations(c: Compiled) -> dict[tuple[str, str], list[str]]:
    """Violated codes per (request, speaker) pair, by id."""
    pr, bits = pair_violations(c, np.arange(c.n_requests))
    # pair_violations lists the speakers of each request's language in interpreter order
    out: dict[tuple[str, str], list[str]] = {}
    for r in range(c.n_requests):
        cols, _ = c.speakers[int(c.r_lang[r])]
        mine = bits[pr == r].tolist()
        for i, b in zip(cols.tolist(), mine, strict=True):
            codes = [code for j, code in enumerate(PAIR_CODES) if b >> j & 1]
            out[(c.request_ids[r], c.interpreter_ids[i])] = codes
    return out


def test_excluded_interpreter_is_no_candidate_of_that_request_only() -> None:
    c = _compiled(
        document(
            [interpreter("i-1"), interpreter("i-2")],
            [request("r-1", excluded_interpreters=["i-2", "i-unknown"]), request("r-2")],
        )
    )

    assert _candidates(c) == {("r-1", "i-1"), ("r-2", "i-1"), ("r-2", "i-2")}


def test_excluded_interpreter_violates_only_interpreter_excluded() -> None:
    c = _compiled(
        document(
            [interpreter("i-1"), interpreter("i-2", modes=["phone"])],
            [request("r-1", excluded_interpreters=["i-1", "i-2"])],
        )
    )

    assert _violations(c) == {
        ("r-1", "i-1"): ["interpreter_excluded"],
        ("r-1", "i-2"): ["mode_not_offered", "interpreter_excluded"],
    }
