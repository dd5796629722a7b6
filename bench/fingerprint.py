"""Fingerprints of the engine's results on every benchmark instance, for refactors.

``python bench/fingerprint.py OUT.json`` solves each instance of :func:`instances` (the
benchmark's own families with their seeds, plus the shape variants) with ``explain=True``
and writes one SHA-256 per instance of the result JSON without its timing
(assignments with ``why``, unfilled reasons and hints, the counts), and one of the
instance document itself. ``--compare BEFORE.json`` prints every instance whose
fingerprint changed and exits 1 if any did, so a refactor that should change nothing can
prove it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import COUNTIES, adversarial, generate
from matching.core import parse_instance, solve

COUNTY_NAMES = list(COUNTIES)


def instances(*, state: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every benchmark instance (name, document), as :mod:`bench.run` generates them."""
    for s in range(10):
        yield (
            f"county-{s}",
            generate(
                seed=s,
                n_requests=150,
                n_interpreters=120,
                counties=[COUNTY_NAMES[s % len(COUNTY_NAMES)]],
            ),
        )
    for s in range(10):
        yield (
            f"scarce-{s}",
            generate(
                seed=1000 + s,
                n_requests=400,
                n_interpreters=150,
                counties=[COUNTY_NAMES[(s * 5) % len(COUNTY_NAMES)]],
                availability_rate=0.3,
            ),
        )
    for s in range(10):
        yield f"adversarial-{s}", adversarial(seed=s)
    for s in range(50):
        yield (
            f"small-{s}",
            adversarial(seed=s, n_requests=8 + s % 20, n_interpreters=2 + s % 3),
        )
    if state:
        for s in range(3):
            yield f"state-{s}", generate(seed=7000 + s, n_requests=3000, n_interpreters=5000)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(doc: dict[str, Any]) -> dict[str, str]:
    """Hashes of the instance and of its explained result (timing left out)."""
    out = solve(parse_instance(doc), explain=True).to_json()
    del out["stats"]["solve_seconds"]
    return {"instance": _digest(doc), "result": _digest(out)}


def main(argv: list[str] | None = None) -> int:
    """Write fingerprints, or compare them with an earlier file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="where to write the fingerprints (JSON)")
    parser.add_argument("--compare", help="fingerprints to compare with (JSON)")
    parser.add_argument("--no-state", action="store_true", help="skip the state instances")
    args = parser.parse_args(argv)
    prints: dict[str, dict[str, str]] = {}
    for name, doc in instances(state=not args.no_state):
        prints[name] = fingerprint(doc)
        print(f"  {name}", file=sys.stderr, flush=True)
    Path(args.out).write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n")
    if not args.compare:
        return 0
    before = json.loads(Path(args.compare).read_text())
    changed = [name for name in sorted(prints) if name in before and before[name] != prints[name]]
    for name in changed:
        print(f"CHANGED {name}: {before[name]} -> {prints[name]}")
    print(f"{len(prints) - len(changed)}/{len(prints)} unchanged")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
