"""Hypothesis strategies for small random instance documents (contract shape)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

LANGUAGES = ["ar", "ti", "fa"]
LEVELS = ["A2", "B1", "B2", "C1", "native"]
MODES = ["in_person", "phone", "video"]
TOPICS = ["health", "residence", None]
#: Two days: an ordinary Friday (+02:00) and the Sunday of the DST change (+02:00 -> +01:00).
DAYS = [("2026-10-23", "+02:00", "+02:00"), ("2026-10-25", "+02:00", "+01:00")]


def _stamp(day: int, quarter: int) -> str:
    """Quarter-hour ``quarter`` (0 = 00:00 local) on day ``day``; DST-aware offset."""
    date, before, after = DAYS[day]
    hours, minutes = divmod(quarter * 15, 60)
    # on the change day local times up to 02:00 use +02:00, from 03:00 on +01:00
    offset = before if hours < 3 else after
    return f"{date}T{hours:02d}:{minutes:02d}:00{offset}"


@st.composite
def _interval(draw: st.DrawFn, min_len: int = 1, max_len: int = 40) -> dict[str, str]:
    day = draw(st.integers(0, 1))
    start = draw(st.integers(16, 60))
    length = draw(st.integers(min_len, max_len))
    return {"start": _stamp(day, start), "end": _stamp(day, min(start + length, 95))}


@st.composite
def _point(draw: st.DrawFn) -> dict[str, float]:
    return {
        "lat": draw(st.floats(50.0, 50.6, allow_nan=False)),
        "lon": draw(st.floats(8.4, 9.0, allow_nan=False)),
    }


@st.composite
def _interpreter(draw: st.DrawFn, ident: str) -> dict[str, Any]:
    languages = draw(
        st.dictionaries(st.sampled_from(LANGUAGES), st.sampled_from(LEVELS), min_size=1, max_size=2)
    )
    return {
        "id": ident,
        "languages": languages,
        "gender": draw(st.sampled_from(["f", "m", None])),
        "home": draw(_point()),
        "max_travel_km": draw(st.sampled_from([5, 20, 60])),
        "modes": draw(st.lists(st.sampled_from(MODES), min_size=1, max_size=3, unique=True)),
        "availability": draw(st.lists(_interval(8, 40), min_size=0, max_size=3)),
        "busy": draw(st.lists(_interval(1, 8), max_size=2)),
        "hours_last_30_days": draw(st.sampled_from([0, 5, 12.5])),
        "excluded_clients": draw(st.lists(st.sampled_from(["K-1", "K-2"]), max_size=1)),
        "child_clearance": draw(st.booleans()),
        "declined_topics": draw(st.lists(st.sampled_from(["health", "residence"]), max_size=1)),
    }


@st.composite
def _request(draw: st.DrawFn, ident: str, interpreter_ids: list[str]) -> dict[str, Any]:
    interval = draw(_interval(1, 10))
    mode = draw(st.sampled_from(MODES))
    req: dict[str, Any] = {
        "id": ident,
        "language": draw(st.sampled_from(LANGUAGES)),
        "min_level": draw(st.sampled_from(LEVELS)),
        "start": interval["start"],
        "end": interval["end"],
        "mode": mode,
        "gender_preference": draw(st.sampled_from([None, None, "f", "m"])),
        "client_ref": draw(st.sampled_from([None, "K-1", "K-2", "K-3"])),
        "previous_interpreter": draw(st.sampled_from([None, *interpreter_ids])),
        "priority": draw(st.sampled_from(["normal", "normal", "urgent", "critical"])),
        "topic": draw(st.sampled_from(TOPICS)),
        "minors_involved": draw(st.booleans()),
        "excluded_interpreters": draw(
            st.lists(st.sampled_from([*interpreter_ids, "i-unknown"]), max_size=2)
        ),
    }
    if mode == "in_person":
        req["location"] = draw(_point())
    return req


@st.composite
def instances(draw: st.DrawFn, max_interpreters: int = 6, max_requests: int = 10) -> dict[str, Any]:
    """A random, valid instance document."""
    n_i = draw(st.integers(0, max_interpreters))
    n_r = draw(st.integers(0, max_requests))
    ids = [f"i-{k}" for k in range(n_i)]
    return {
        "format": "wir-matching/1",
        "gap_minutes": draw(st.sampled_from([0, 15, 30])),
        "interpreters": [draw(_interpreter(ident)) for ident in ids],
        "requests": [draw(_request(f"r-{k}", ids)) for k in range(n_r)],
    }
