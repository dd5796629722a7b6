"""Small builders for hand-checkable instance documents (plain dicts, contract shape)."""

from __future__ import annotations

import copy
from typing import Any

DAY = "2026-11-23"  # a Monday in winter time (+01:00)
HOME = {"lat": 50.3356, "lon": 8.7555}  # Friedberg (Hessen)
NEAR = {"lat": 50.3311, "lon": 8.7600}  # about 0.6 km from HOME


def at(hhmm: str, day: str = DAY, offset: str = "+01:00") -> str:
    """An ISO datetime on ``day`` at ``hhmm`` local time with the given offset."""
    return f"{day}T{hhmm}:00{offset}"


def interpreter(ident: str, **fields: Any) -> dict[str, Any]:
    """An interpreter speaking Arabic natively, available 08-16, all modes, 25 km."""
    base: dict[str, Any] = {
        "id": ident,
        "languages": {"ar": "native"},
        "gender": "f",
        "home": dict(HOME),
        "max_travel_km": 25,
        "modes": ["in_person", "phone", "video"],
        "availability": [{"start": at("08:00"), "end": at("16:00")}],
    }
    base.update(copy.deepcopy(fields))
    return base


def request(ident: str, start: str = "09:00", end: str = "10:00", **fields: Any) -> dict[str, Any]:
    """A normal-priority in-person Arabic request near HOME on DAY."""
    base: dict[str, Any] = {
        "id": ident,
        "language": "ar",
        "start": at(start),
        "end": at(end),
        "mode": "in_person",
        "location": dict(NEAR),
        "priority": "normal",
    }
    base.update(copy.deepcopy(fields))
    return base


def document(
    interpreters: list[dict[str, Any]], requests: list[dict[str, Any]], gap: int = 0
) -> dict[str, Any]:
    """A complete instance document."""
    return {
        "format": "wir-matching/1",
        "gap_minutes": gap,
        "interpreters": interpreters,
        "requests": requests,
    }
