"""What-if replay benchmark: the ranking's work for county-size runs, without a database.

``python -m bench.replay [--runs 5] [--requests 300] [--interpreters 120]`` generates
distinct county instances (Wetteraukreis, two weeks), takes the 8 languages with the most
requests the engine leaves unfilled × the county's towns as candidates (the ranking's
bound is 8 × 8) and replays every run for all of them with
:func:`matching.core.whatif.replay_instance`, as the replay task does. Prints the seconds
per run for one scenario and for the whole ranking, and how many solves the "the extra
interpreter could take nothing" shortcut saved.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from zoneinfo import ZoneInfo

from bench.generate import COUNTIES, generate
from matching.core import parse_instance, solve
from matching.core.whatif import Hypothetical, could_serve, extra_interpreter, replay_instance

BERLIN = ZoneInfo("Europe/Berlin")
COUNTY = "Wetteraukreis"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--interpreters", type=int, default=120)
    args = parser.parse_args(argv)
    instances = [
        parse_instance(
            generate(
                seed=seed,
                n_requests=args.requests,
                n_interpreters=args.interpreters,
                counties=[COUNTY],
                days=10,
            )
        )
        for seed in range(1, args.runs + 1)
    ]
    unfilled: Counter[str] = Counter()
    language_of = {}
    for instance in instances:
        language_of.update({r.id: r.language for r in instance.requests})
        for u in solve(instance).unfilled:
            unfilled[language_of[u.request]] += 1
    languages = [code for code, _n in unfilled.most_common(8)]
    towns = COUNTIES[COUNTY][:8]
    scenarios = [
        Hypothetical(
            language=code,
            level="C1",
            lat=lat,
            lon=lon,
            modes=("in_person", "phone", "video"),
            weekly_hours=10,
            max_travel_km=25,
        )
        for code in languages
        for _name, lat, lon in towns
    ]
    solves = skipped = 0
    for instance in instances:
        for h in scenarios:
            extra = extra_interpreter(h, instance, BERLIN)
            if extra is not None and could_serve(instance, extra):
                solves += 1
            else:
                skipped += 1
    started, cpu = time.perf_counter(), time.process_time()
    for instance in instances:
        replay_instance(instance, scenarios[:1], BERLIN)
    one = (time.perf_counter() - started) / len(instances)
    one_cpu = (time.process_time() - cpu) / len(instances)
    started, cpu = time.perf_counter(), time.process_time()
    for instance in instances:
        replay_instance(instance, scenarios, BERLIN)
    ranking = (time.perf_counter() - started) / len(instances)
    ranking_cpu = (time.process_time() - cpu) / len(instances)
    print(
        f"{len(instances)} runs of {args.requests} requests / {args.interpreters} interpreters, "
        f"{len(scenarios)} candidates ({len(languages)} languages x {len(towns)} towns)"
    )
    print(f"one scenario:   {one:.3f} s per run, CPU {one_cpu:.3f} s (baseline + one re-solve)")
    print(
        f"whole ranking:  {ranking:.3f} s per run, CPU {ranking_cpu:.3f} s; "
        f"{solves} re-solves, {skipped} skipped"
    )
    print(
        f"300 distinct runs: one scenario {300 * one:.0f} s, ranking {300 * ranking:.0f} s "
        f"(CPU {300 * one_cpu:.0f} s and {300 * ranking_cpu:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
