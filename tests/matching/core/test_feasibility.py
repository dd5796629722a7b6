"""The hard-constraint checks on compiled instances: candidate pairs and violation bits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bench.checker import pair_violations as pair_violations_checker
from bench.generate import generate
from matching.core import REASON_CODES, feasibility, parse_instance
from matching.core.feasibility import (
    CHECKS,
    PAIR_CODES,
    Cells,
    Compiled,
    FloatArray,
    IntArray,
    Pairs,
    candidate_pairs,
    compile_instance,
    pair_violations,
    travel_km,
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


def _one_big_language(seed: int) -> dict[str, Any]:
    """201 Arabic requests x 200 Arabic speakers: one block above ``_BLOCK_CELLS``, with
    every kind of violation present (clients and interpreters excluded by hand)."""
    doc = generate(
        seed=seed,
        n_requests=201,
        n_interpreters=200,
        counties=["Wetteraukreis", "Main-Kinzig-Kreis"],
        supply={"ar": 1.0},
        demand={"ar": 1.0},
    )
    ids = [it["id"] for it in doc["interpreters"]]
    for k, req in enumerate(doc["requests"]):
        if k % 5 == 0:
            req["excluded_interpreters"] = [ids[(k * 7) % len(ids)], ids[(k * 11) % len(ids)]]
        if k % 9 == 0:
            doc["interpreters"][k % len(ids)]["excluded_clients"] = [req["client_ref"]]
    return doc


def _as_tuples(pairs: Pairs) -> list[tuple[int, int, float]]:
    return list(
        zip(
            pairs.request.tolist(),
            pairs.interpreter.tolist(),
            pairs.travel_km.tolist(),
            strict=True,
        )
    )


def test_big_language_block_gives_exactly_the_checkers_feasible_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = _one_big_language(seed=5)
    c = _compiled(doc)
    blocks: list[int] = []
    block_pairs = feasibility._block_pairs

    def spy(c: Compiled, li: int) -> tuple[IntArray, IntArray, FloatArray]:
        blocks.append(li)
        return block_pairs(c, li)

    monkeypatch.setattr(feasibility, "_block_pairs", spy)
    pairs = candidate_pairs(c)

    assert c.n_requests * c.n_interpreters > feasibility._BLOCK_CELLS
    assert blocks == [c.languages.index("ar")]
    by_id = {it["id"]: it for it in doc["interpreters"]}
    expected = {
        (req["id"], ident)
        for req in doc["requests"]
        for ident in c.interpreter_ids
        if not pair_violations_checker(req, by_id[ident], doc["gap_minutes"])
    }
    assert _candidates(c) == expected
    assert 0 < len(expected) < c.n_requests * c.n_interpreters // 4
    assert np.all(np.diff(pairs.request * c.n_interpreters + pairs.interpreter) > 0)


def test_big_language_block_and_flat_pairs_agree_to_the_bit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = _compiled(_one_big_language(seed=6))

    as_block = candidate_pairs(c)
    monkeypatch.setattr(feasibility, "_BLOCK_CELLS", 10**9)
    as_flat = candidate_pairs(c)

    assert _as_tuples(as_block) == _as_tuples(as_flat)


def test_every_check_gives_the_same_mask_on_a_block_as_on_flat_pairs() -> None:
    c = _compiled(_one_big_language(seed=7))
    rows = np.arange(c.n_requests, dtype=np.int64)
    cols, levels = c.speakers[c.languages.index("ar")]
    block = Cells(rows[:, None], cols[None, :], levels[None, :], np.zeros((1, 1)))
    block = Cells(block.r, block.i, block.level, travel_km(c, block.r, block.i))
    flat = Cells(
        np.repeat(rows, len(cols)),
        np.tile(cols, len(rows)),
        np.tile(levels, len(rows)),
        block.km.ravel(),
    )

    for check in CHECKS:
        on_block = check.violated(c, block)
        assert on_block.shape == (len(rows), len(cols)), check.code
        assert np.array_equal(on_block.ravel(), check.violated(c, flat)), check.code
        assert on_block.any(), f"{check.code} never violated: the test would not see a bug"


def test_pair_codes_are_the_contract_codes_in_order() -> None:
    assert REASON_CODES[1:-1] == PAIR_CODES
    assert tuple(check.code for check in CHECKS) == PAIR_CODES
