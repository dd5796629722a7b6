"""Parse and strictly validate a matching instance (`wir-matching/1`).

The contract is ``/work/shared/spec/matching-instance.md``. Parsing turns the JSON document
into frozen dataclasses; every problem raises :class:`InstanceError` whose message starts
with the path of the offending field, e.g.
``requests[3].start: not an ISO 8601 datetime with offset``.

Strictness: unknown keys are rejected (a misspelt optional field would otherwise be
silently ignored). ``gender`` and ``gender_preference`` may be omitted and then mean
``null``; every other field not listed as optional by the contract is required.
``location`` is only read (and validated) for ``in_person`` requests.

Extensions of the contract used by this project (``docs/matching-extensions.md``; an
instance without them parses as before): the optional request field
``excluded_interpreters``, a list of interpreter ids (default empty).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from matching.core.gcpause import gc_paused

FORMAT = "wir-matching/1"
LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
LEVEL_RANK: Mapping[str, int] = MappingProxyType({lv: n for n, lv in enumerate(LEVELS)})
MODES: tuple[str, ...] = ("in_person", "phone", "video")
GENDERS: tuple[str, ...] = ("f", "m", "d")
PRIORITY_WEIGHTS: Mapping[str, int] = MappingProxyType({"normal": 1, "urgent": 2, "critical": 4})
DEFAULT_MIN_LEVEL = "B1"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")

_TOP_KEYS = frozenset({"format", "gap_minutes", "interpreters", "requests"})
_INTERPRETER_KEYS = frozenset(
    {
        "id",
        "languages",
        "gender",
        "home",
        "max_travel_km",
        "modes",
        "availability",
        "busy",
        "hours_last_30_days",
        "excluded_clients",
        "child_clearance",
        "declined_topics",
    }
)
_REQUEST_KEYS = frozenset(
    {
        "id",
        "language",
        "min_level",
        "start",
        "end",
        "mode",
        "location",
        "gender_preference",
        "client_ref",
        "previous_interpreter",
        "priority",
        "topic",
        "minors_involved",
        "excluded_interpreters",
    }
)
_POINT_KEYS = frozenset({"lat", "lon"})
_INTERVAL_KEYS = frozenset({"start", "end"})


class InstanceError(ValueError):
    """A malformed instance; the message names the offending field first."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open time interval ``[start, end)``; ``*_us`` are UTC epoch microseconds."""

    start: datetime
    end: datetime
    start_us: int = field(repr=False)
    end_us: int = field(repr=False)


@dataclass(frozen=True, slots=True)
class Interpreter:
    """One interpreter of the pool, as the contract describes it."""

    id: str
    languages: Mapping[str, str]
    gender: str | None
    home: Point
    max_travel_km: float
    modes: frozenset[str]
    availability: tuple[Interval, ...]
    busy: tuple[Interval, ...] = ()
    hours_last_30_days: float = 0.0
    excluded_clients: frozenset[str] = frozenset()
    child_clearance: bool = False
    declined_topics: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Request:
    """One interpreter request (appointment) to fill."""

    id: str
    language: str
    start: datetime
    end: datetime
    start_us: int = field(repr=False)
    end_us: int = field(repr=False)
    mode: str
    priority: str
    location: Point | None = None
    min_level: str = DEFAULT_MIN_LEVEL
    gender_preference: str | None = None
    client_ref: str | None = None
    previous_interpreter: str | None = None
    topic: str | None = None
    minors_involved: bool = False
    #: Extension (docs/matching-extensions.md): interpreters who declined this request, let
    #: its offer expire or were excluded by a coordinator; unknown ids are ignored.
    excluded_interpreters: frozenset[str] = frozenset()

    @property
    def weight(self) -> int:
        """The priority weight (normal 1, urgent 2, critical 4)."""
        return PRIORITY_WEIGHTS[self.priority]


@dataclass(frozen=True, slots=True)
class Instance:
    """A parsed matching instance; lists keep the document's order."""

    interpreters: tuple[Interpreter, ...]
    requests: tuple[Request, ...]
    gap_minutes: float = 0.0

    @property
    def gap_us(self) -> int:
        """The minimum gap between one interpreter's commitments, in microseconds."""
        return round(self.gap_minutes * 60_000_000)


# --------------------------------------------------------------------------- helpers


def _is_number(value: Any) -> bool:
    kind = type(value)
    if kind is float or kind is int:  # the JSON case first: no isinstance
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def _object(value: Any, path: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    # dict first: an isinstance check against the Mapping ABC costs more than the rest
    if type(value) is not dict and not isinstance(value, Mapping):
        raise InstanceError(path, "not an object")
    if not allowed.issuperset(value):
        for key in value:
            if key not in allowed:
                raise InstanceError(f"{path}.{key}" if path else str(key), "unknown field")
    return value


def _required(obj: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        raise InstanceError(f"{path}.{key}" if path else key, "required")
    return obj[key]


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise InstanceError(path, "not a non-empty string")
    return value


def _optional_string(value: Any, path: str) -> str | None:
    return None if value is None else _string(value, path)


def _number(value: Any, path: str, *, minimum: float | None = None) -> float:
    if not _is_number(value) or not math.isfinite(value):
        raise InstanceError(path, "not a finite number")
    if minimum is not None and value < minimum:
        raise InstanceError(path, f"must be at least {minimum:g}")
    return float(value)


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise InstanceError(path, "not a boolean")
    return value


def _choice(value: Any, path: str, choices: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InstanceError(path, f"not {what} ({', '.join(choices)})")
    return value


def _optional_choice(value: Any, path: str, choices: tuple[str, ...], what: str) -> str | None:
    return None if value is None else _choice(value, path, choices, what)


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise InstanceError(path, "not a list")
    return value


def _string_set(value: Any, path: str) -> frozenset[str]:
    return frozenset(_string(item, f"{path}[{n}]") for n, item in enumerate(_list(value, path)))


def _language(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _LANGUAGE_RE.match(value):
        raise InstanceError(path, "not a language code (ISO 639-1 or 639-3, lower case)")
    return value


@functools.lru_cache(maxsize=8192)
def _instant(text: str) -> tuple[datetime, int] | None:
    """An ISO 8601 datetime with offset and its UTC epoch microseconds, or None if invalid.

    Cached: an instance repeats a few hundred instants many thousand times (every window,
    busy interval and request of a week), and parsing each anew was most of the parse time.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment, (moment - _EPOCH) // _MICRO


def _datetime(value: Any, path: str) -> tuple[datetime, int]:
    parsed = _instant(value) if isinstance(value, str) else None
    if parsed is None:
        raise InstanceError(path, "not an ISO 8601 datetime with offset")
    return parsed


@functools.lru_cache(maxsize=8192)
def _span(start: str, end: str) -> Interval:
    """The interval of two valid datetime strings (cached like :func:`_instant`; intervals
    are immutable, so equal ones may be shared)."""
    (start_at, start_us), (end_at, end_us) = _instant(start), _instant(end)  # type: ignore[misc]
    return Interval(start=start_at, end=end_at, start_us=start_us, end_us=end_us)


def _interval(value: Any, path: str) -> Interval:
    if type(value) is dict and len(value) == 2:  # the common case, cached as a whole
        start, end = value.get("start"), value.get("end")
        if type(start) is str and type(end) is str:
            span = _valid_span(start, end)
            if span is not None:
                return span
    obj = _object(value, path, _INTERVAL_KEYS)
    start = _required(obj, "start", path)
    _, start_us = _datetime(start, f"{path}.start")
    end = _required(obj, "end", path)
    _, end_us = _datetime(end, f"{path}.end")
    if end_us <= start_us:
        raise InstanceError(f"{path}.end", "not after start")
    return _span(start, end)


@functools.lru_cache(maxsize=8192)
def _valid_span(start: str, end: str) -> Interval | None:
    """The interval of two datetime strings if both are valid and ``start < end``, else
    None (then :func:`_interval` names the problem)."""
    first, last = _instant(start), _instant(end)
    if first is None or last is None or last[1] <= first[1]:
        return None
    return _span(start, end)


def _intervals(value: Any, path: str) -> tuple[Interval, ...]:
    return tuple(_interval(item, f"{path}[{n}]") for n, item in enumerate(_list(value, path)))


def _point(value: Any, path: str) -> Point:
    obj = _object(value, path, _POINT_KEYS)
    lat = _number(_required(obj, "lat", path), f"{path}.lat")
    lon = _number(_required(obj, "lon", path), f"{path}.lon")
    if not -90.0 <= lat <= 90.0:
        raise InstanceError(f"{path}.lat", "not a latitude between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise InstanceError(f"{path}.lon", "not a longitude between -180 and 180")
    return Point(lat=lat, lon=lon)


def _check_unique_id(ident: str, seen: set[str], path: str) -> None:
    if ident in seen:
        raise InstanceError(path, f"duplicate id {json.dumps(ident)}")
    seen.add(ident)


# --------------------------------------------------------------------------- parsers


def _parse_interpreter(value: Any, path: str, seen: set[str]) -> Interpreter:
    obj = _object(value, path, _INTERPRETER_KEYS)
    ident = _string(_required(obj, "id", path), f"{path}.id")
    _check_unique_id(ident, seen, f"{path}.id")
    raw_languages = _required(obj, "languages", path)
    if not isinstance(raw_languages, Mapping):
        raise InstanceError(f"{path}.languages", "not an object")
    languages: dict[str, str] = {}
    for code, level in raw_languages.items():
        lpath = f"{path}.languages.{code}"
        _language(code, lpath)
        languages[code] = _choice(level, lpath, LEVELS, "a level")
    modes = _list(_required(obj, "modes", path), f"{path}.modes")
    return Interpreter(
        id=ident,
        languages=MappingProxyType(languages),
        gender=_optional_choice(obj.get("gender"), f"{path}.gender", GENDERS, "a gender"),
        home=_point(_required(obj, "home", path), f"{path}.home"),
        max_travel_km=_number(
            _required(obj, "max_travel_km", path), f"{path}.max_travel_km", minimum=0
        ),
        modes=frozenset(
            _choice(mode, f"{path}.modes[{n}]", MODES, "a mode") for n, mode in enumerate(modes)
        ),
        availability=_intervals(_required(obj, "availability", path), f"{path}.availability"),
        busy=_intervals(obj.get("busy", []), f"{path}.busy"),
        hours_last_30_days=_number(
            obj.get("hours_last_30_days", 0), f"{path}.hours_last_30_days", minimum=0
        ),
        excluded_clients=_string_set(obj.get("excluded_clients", []), f"{path}.excluded_clients"),
        child_clearance=_bool(obj.get("child_clearance", False), f"{path}.child_clearance"),
        declined_topics=_string_set(obj.get("declined_topics", []), f"{path}.declined_topics"),
    )


def _parse_request(value: Any, path: str, seen: set[str]) -> Request:
    obj = _object(value, path, _REQUEST_KEYS)
    ident = _string(_required(obj, "id", path), f"{path}.id")
    _check_unique_id(ident, seen, f"{path}.id")
    language = _language(_required(obj, "language", path), f"{path}.language")
    min_level = _choice(
        obj.get("min_level", DEFAULT_MIN_LEVEL), f"{path}.min_level", LEVELS, "a level"
    )
    start, start_us = _datetime(_required(obj, "start", path), f"{path}.start")
    end, end_us = _datetime(_required(obj, "end", path), f"{path}.end")
    if end_us <= start_us:
        raise InstanceError(f"{path}.end", "not after start")
    mode = _choice(_required(obj, "mode", path), f"{path}.mode", MODES, "a mode")
    location = None
    if mode == "in_person":
        raw_location = obj.get("location")
        if raw_location is None:
            raise InstanceError(f"{path}.location", "required for mode in_person")
        location = _point(raw_location, f"{path}.location")
    priority = _choice(
        _required(obj, "priority", path), f"{path}.priority", tuple(PRIORITY_WEIGHTS), "a priority"
    )
    return Request(
        id=ident,
        language=language,
        start=start,
        end=end,
        start_us=start_us,
        end_us=end_us,
        mode=mode,
        priority=priority,
        location=location,
        min_level=min_level,
        gender_preference=_optional_choice(
            obj.get("gender_preference"), f"{path}.gender_preference", GENDERS, "a gender"
        ),
        client_ref=_optional_string(obj.get("client_ref"), f"{path}.client_ref"),
        previous_interpreter=_optional_string(
            obj.get("previous_interpreter"), f"{path}.previous_interpreter"
        ),
        topic=_optional_string(obj.get("topic"), f"{path}.topic"),
        minors_involved=_bool(obj.get("minors_involved", False), f"{path}.minors_involved"),
        excluded_interpreters=_string_set(
            obj.get("excluded_interpreters", []), f"{path}.excluded_interpreters"
        ),
    )


def parse_instance(data: Any) -> Instance:
    """Validate a decoded JSON document and return the :class:`Instance`.

    :param data: the decoded JSON value (normally a ``dict``).
    :return: the parsed instance, lists in document order.
    :raises InstanceError: naming the first offending field.
    """
    with gc_paused():
        return _parse_document(data)


def _parse_document(data: Any) -> Instance:
    obj = _object(data, "", _TOP_KEYS) if isinstance(data, Mapping) else None
    if obj is None:
        raise InstanceError("instance", "not a JSON object")
    fmt = _required(obj, "format", "")
    if fmt != FORMAT:
        raise InstanceError("format", f"not {json.dumps(FORMAT)}")
    gap = _number(obj.get("gap_minutes", 0), "gap_minutes", minimum=0)
    seen_interpreters: set[str] = set()
    interpreters = tuple(
        _parse_interpreter(item, f"interpreters[{n}]", seen_interpreters)
        for n, item in enumerate(_list(_required(obj, "interpreters", ""), "interpreters"))
    )
    seen_requests: set[str] = set()
    requests = tuple(
        _parse_request(item, f"requests[{n}]", seen_requests)
        for n, item in enumerate(_list(_required(obj, "requests", ""), "requests"))
    )
    return Instance(interpreters=interpreters, requests=requests, gap_minutes=gap)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_instance(text: str | bytes) -> Instance:
    """Decode JSON text and parse it; bad JSON also raises :class:`InstanceError`."""
    with gc_paused():  # one pause for both: the decoded document is the big heap
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise InstanceError(
                "instance", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise InstanceError("instance", f"not valid JSON ({exc})") from None
        instance = _parse_document(data)
        del data  # freed before the collector is back, or its first pass walks it all
    return instance
