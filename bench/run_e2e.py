"""End-to-end matching runs from the database: build, solve and write of the real service.

    .venv/bin/python scripts/with_postgres.py -- .venv/bin/python bench/run_e2e.py
    make bench-e2e                      # the same

Creates the test database the way the test setup does (on the throwaway PostgreSQL that
``scripts/with_postgres.py`` starts; on SQLite without it), bulk-inserts the rows of
``bench/generate.py``'s instances (volunteers with languages, weekly times and paperwork,
interpreter profiles, open requests in the coming week) and runs
:func:`matching.services.run_for_center` on them:

* *county*: one center, 150 open requests x 120 interpreters (best and median of 3 runs;
  between runs the offers are deleted and the requests reopened, outside the timing);
* *state*: 21 centers, 3,000 open requests x 5,000 interpreters, every center in turn;
* *query count*: one run (``CaptureQueriesContext``) for 50 and for 500 open requests in one
  center, which must be equal.

Prints one table (stdout; progress on stderr); exit code 1 if a target is missed.
Targets: a county run end to end < 0.5 s, all 21 centers in turn < 15 s, the query count
the same for 50 and for 500 requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.generate import COUNTIES, generate  # noqa: E402
from core.models import Center, Department  # noqa: E402
from matching.models import MatchingRun  # noqa: E402
from matching.services import instance_build, run_for_center  # noqa: E402
from requests.models import InterpreterRequest, Offer  # noqa: E402
from sprachpool.models import InterpreterProfile  # noqa: E402
from volunteers.models import (  # noqa: E402
    LanguageSkill,
    PledgeSignature,
    PoliceCertificate,
    Training,
    Volunteer,
    WeeklySlot,
)
from volunteers.privacy import BASIC_COURSE_TITLE, PLEDGE_VERSION  # noqa: E402

COUNTY_TARGET_S = 0.5
STATE_TARGET_S = 15.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def next_monday(today: dt.date) -> dt.date:
    """The Monday of next week (the generated requests fall on Wed..Tue after it)."""
    return today + dt.timedelta(days=7 - today.weekday())


def seed_center(*, slug: str, county: str, instance: dict[str, Any], today: dt.date) -> Center:
    """One center with the instance's interpreters and requests, bulk-inserted."""
    center = Center.objects.create(
        slug=slug,
        name=f"Bench {slug}",
        county=county,
        gap_minutes=instance["gap_minutes"],
        excluded_topics=["court", "police", "bamf"],
    )
    department = Department.objects.create(
        center=center, name="Gesundheitsamt", kind="health_office"
    )
    now = timezone.now()
    people = instance["interpreters"]
    volunteers = Volunteer.objects.bulk_create(
        [
            Volunteer(
                center=center,
                first_name="Bench",
                last_name=f"{slug}-{k}",
                email=f"{slug}-{k}@bench.example",
                home_lat=person["home"]["lat"],
                home_lon=person["home"]["lon"],
                interests=["interpreting"],
                status=Volunteer.Status.ACTIVE,
                email_confirmed_at=now,
                approved_at=now,
            )
            for k, person in enumerate(people)
        ]
    )
    skills, slots, pledges, certificates, trainings, profiles = [], [], [], [], [], []
    for volunteer, person in zip(volunteers, people, strict=True):
        languages = dict(person["languages"])
        languages.setdefault("de", "C1")
        skills += [
            LanguageSkill(volunteer=volunteer, language_id=code, level=level)
            for code, level in languages.items()
        ]
        seen: set[int] = set()
        for window in person["availability"]:
            start = dt.datetime.fromisoformat(window["start"])
            end = dt.datetime.fromisoformat(window["end"])
            if start.weekday() in seen:  # one slot per weekday (the generator's week)
                continue
            seen.add(start.weekday())
            slots.append(
                WeeklySlot(
                    volunteer=volunteer,
                    weekday=start.weekday(),
                    start_time=start.time(),
                    end_time=end.time(),
                )
            )
        pledges.append(
            PledgeSignature(
                volunteer=volunteer,
                version=PLEDGE_VERSION,
                signed_on=today - dt.timedelta(days=200),
            )
        )
        issued = today - dt.timedelta(days=300)
        certificates.append(
            PoliceCertificate(
                volunteer=volunteer,
                kind=(
                    PoliceCertificate.Kind.EXTENDED
                    if person["child_clearance"]
                    else PoliceCertificate.Kind.STANDARD
                ),
                issued_on=issued,
                seen_on=issued + dt.timedelta(days=10),
                listed_offence=False,
            )
        )
        trainings.append(
            Training(
                volunteer=volunteer,
                kind=Training.Kind.BASIC_COURSE,
                title=BASIC_COURSE_TITLE,
                lessons=Training.BASIC_COURSE_LESSONS,
                attended_on=today - dt.timedelta(days=250),
            )
        )
        profiles.append(
            InterpreterProfile(
                volunteer=volunteer,
                modes=person["modes"],
                max_travel_km=person["max_travel_km"],
                gender=person["gender"] or "",
                excluded_clients=person["excluded_clients"],
                declined_topics=person["declined_topics"],
                is_active=True,
            )
        )
    LanguageSkill.objects.bulk_create(skills, batch_size=2000)
    WeeklySlot.objects.bulk_create(slots, batch_size=2000)
    PledgeSignature.objects.bulk_create(pledges, batch_size=2000)
    PoliceCertificate.objects.bulk_create(certificates, batch_size=2000)
    Training.objects.bulk_create(trainings, batch_size=2000)
    InterpreterProfile.objects.bulk_create(profiles, batch_size=2000)
    requests = []
    for item in instance["requests"]:
        location = item.get("location") or {}
        requests.append(
            InterpreterRequest(
                center=center,
                department=department,
                language_id=item["language"],
                min_level=item["min_level"],
                start=dt.datetime.fromisoformat(item["start"]),
                end=dt.datetime.fromisoformat(item["end"]),
                mode=item["mode"],
                city=county,
                lat=location.get("lat"),
                lon=location.get("lon"),
                topic=item["topic"],
                minors_involved=item["minors_involved"],
                gender_preference=item["gender_preference"] or "",
                client_ref=item["client_ref"],
                priority=item["priority"],
                urgency_reason="Bench" if item["priority"] != "normal" else "",
            )
        )
    InterpreterRequest.objects.bulk_create(requests, batch_size=2000)
    return center


def reopen(center: Center) -> None:
    """Undo a run: its offers deleted, the requests open again (not timed)."""
    Offer.objects.filter(request__center=center).delete()
    InterpreterRequest.objects.filter(center=center).update(status=InterpreterRequest.Status.OPEN)


def timed_run(center: Center) -> tuple[float, MatchingRun]:
    t0 = time.perf_counter()
    run = run_for_center(center=center)
    wall = time.perf_counter() - t0
    if run.status != MatchingRun.Status.FINISHED:
        raise SystemExit(f"run for {center.slug} failed: {run.error}")
    return wall, run


_TABLE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)|\bFROM\s+"(\w+)"')


def query_profile(center: Center) -> tuple[int, Counter[str]]:
    """Queries of one run, and how many of them each table leads (transaction statements
    counted together as ``transaction``)."""
    with CaptureQueriesContext(connection) as captured:
        run = run_for_center(center=center)
    if run.status != MatchingRun.Status.FINISHED:
        raise SystemExit(f"run for {center.slug} failed: {run.error}")
    tables: Counter[str] = Counter()
    for query in captured.captured_queries:
        match = _TABLE.search(query["sql"])
        tables[(match.group(1) or match.group(2)) if match else "transaction"] += 1
    return len(captured.captured_queries), tables


def profile_build(center: Center, top: int = 25) -> None:
    """cProfile of one instance build (the slowest part of a run) to stderr."""
    import cProfile
    import pstats

    reopen(center)
    profiler = cProfile.Profile()
    profiler.enable()
    instance_build(center=center)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(top)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="county runs (best and median)")
    parser.add_argument("--keep-db", action="store_true", help="leave the test database")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one build of the slowest center"
    )
    args = parser.parse_args(argv)
    logging.getLogger("django-q").setLevel(logging.WARNING)

    vendor = connection.vendor
    log(f"creating the test database ({vendor}) ...")
    t0 = time.perf_counter()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    log(f"  migrated in {time.perf_counter() - t0:.1f} s")
    try:
        return _bench(args, vendor)
    finally:
        if not args.keep_db:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _bench(args: argparse.Namespace, vendor: str) -> int:
    today = timezone.localdate()
    monday = next_monday(today)
    counties = list(COUNTIES)
    t0 = time.perf_counter()
    county = seed_center(
        slug="county",
        county="Wetteraukreis",
        instance=generate(
            seed=1, n_requests=150, n_interpreters=120, counties=["Wetteraukreis"], monday=monday
        ),
        today=today,
    )
    q50 = seed_center(
        slug="queries-50",
        county="Wetteraukreis",
        instance=generate(
            seed=2, n_requests=50, n_interpreters=120, counties=["Wetteraukreis"], monday=monday
        ),
        today=today,
    )
    q500 = seed_center(
        slug="queries-500",
        county="Wetteraukreis",
        instance=generate(
            seed=3, n_requests=500, n_interpreters=400, counties=["Wetteraukreis"], monday=monday
        ),
        today=today,
    )
    state = generate(seed=4, n_requests=3000, n_interpreters=5000, monday=monday)
    state_centers = []
    for k, name in enumerate(counties):
        part = {
            **state,
            "interpreters": state["interpreters"][k :: len(counties)],
            "requests": state["requests"][k :: len(counties)],
        }
        state_centers.append(
            seed_center(slug=f"state-{k:02d}", county=name, instance=part, today=today)
        )
    log(
        f"seeded {Volunteer.objects.count()} interpreters, "
        f"{InterpreterRequest.objects.count()} requests in {time.perf_counter() - t0:.1f} s"
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # county: best and median of several runs
    county_runs = []
    for _ in range(max(1, args.repeat)):
        reopen(county)
        county_runs.append(timed_run(county))
    walls = [w for w, _r in county_runs]
    best_wall, best_run = min(county_runs, key=lambda item: item[0])
    log(f"county: {', '.join(f'{w:.3f}' for w in walls)} s")

    # state: every center in turn
    t0 = time.perf_counter()
    state_runs = [timed_run(center) for center in state_centers]
    state_wall = time.perf_counter() - t0
    log(f"state: {state_wall:.2f} s")

    # query counts
    n50, tables50 = query_profile(q50)
    n500, tables500 = query_profile(q500)

    def total(runs: list[tuple[float, MatchingRun]], key: str) -> float:
        return sum(r.stats[key] for _w, r in runs)

    state_requests = sum(r.stats["requests"] for _w, r in state_runs)
    state_filled = sum(r.stats["filled"] for _w, r in state_runs)
    print(f"# {vendor}, {today.isoformat()}, requests in the week after {monday}")
    print()
    print(
        "| run | requests x interpreters | filled | build s | solve s | write s | wall s | target |"
    )
    print("|---|---|---|---|---|---|---|---|")
    stats = best_run.stats
    print(
        f"| county, best of {len(walls)} (median {statistics.median(walls):.3f} s) | 150 x 120 "
        f"| {stats['filled']} | {stats['build_seconds']:.3f} | {stats['solve_seconds']:.3f} "
        f"| {stats['write_seconds']:.3f} | {best_wall:.3f} | < {COUNTY_TARGET_S} s |"
    )
    print(
        f"| state: 21 centers in turn | {state_requests} x 5000 | {state_filled} "
        f"| {total(state_runs, 'build_seconds'):.2f} | {total(state_runs, 'solve_seconds'):.2f} "
        f"| {total(state_runs, 'write_seconds'):.2f} | {state_wall:.2f} | < {STATE_TARGET_S} s |"
    )
    walls_state = [w for w, _r in state_runs]
    print(
        f"| state: one center, median / max of 21 | ~143 x ~238 | | | | "
        f"| {statistics.median(walls_state):.3f} / {max(walls_state):.3f} | |"
    )
    slowest = max(state_runs, key=lambda item: item[0])
    print(
        f"| state: slowest center ({slowest[1].stats['requests']} requests) | | "
        f"{slowest[1].stats['filled']} | {slowest[1].stats['build_seconds']:.3f} "
        f"| {slowest[1].stats['solve_seconds']:.3f} | {slowest[1].stats['write_seconds']:.3f} "
        f"| {slowest[0]:.3f} | |"
    )
    if args.profile:
        profile_build(slowest[1].center)
    print()
    print("| one run | queries | of them by table |")
    print("|---|---|---|")
    for label, count, tables in (
        ("50 open requests x 120 interpreters", n50, tables50),
        ("500 open requests x 400 interpreters", n500, tables500),
    ):
        detail = ", ".join(f"{name} {n}" for name, n in sorted(tables.items()))
        print(f"| {label} | {count} | {detail} |")
    met = {
        "county < 0.5 s": best_wall < COUNTY_TARGET_S,
        "state < 15 s": state_wall < STATE_TARGET_S,
        "queries equal": n50 == n500,
    }
    print()
    print(
        "targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in met.items())
    )
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
