"""The engine's answer as frozen dataclasses, and its `wir-matching-result/1` JSON form.

Reasons and hints are stable codes with structured numbers; turning them into German or
English sentences is the job of the edges (API, admin, management command users).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

RESULT_FORMAT = "wir-matching-result/1"

#: Every reason code an unfilled request can carry, in the contract's order;
#: ``interpreter_excluded`` is an extension (docs/matching-extensions.md).
REASON_CODES: tuple[str, ...] = (
    "no_interpreter_for_language",
    "level_too_low",
    "mode_not_offered",
    "too_far",
    "not_available",
    "gender_preference",
    "client_excluded",
    "no_child_clearance",
    "topic_declined",
    "interpreter_excluded",
    "all_candidates_taken",
)


@dataclass(frozen=True, slots=True)
class Hint:
    """A change that would fill an unfilled request, e.g. ``too_far``, 1 at 31 km, radius 25.

    ``details`` carries structured numbers only (``mode``, ``distance_km``,
    ``max_travel_km``, ``level`` ...), never prose.
    """

    code: str
    count: int
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON form: ``{"code": ..., "count": ..., **details}``."""
        return {"code": self.code, "count": self.count, **self.details}


@dataclass(frozen=True, slots=True)
class Assignment:
    """One filled request; ``why`` is set when the engine was asked to explain."""

    request: str
    interpreter: str
    travel_km: float
    why: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form as in the contract (``why`` only when explained)."""
        out: dict[str, Any] = {
            "request": self.request,
            "interpreter": self.interpreter,
            "travel_km": round(self.travel_km, 1),
        }
        if self.why is not None:
            out["why"] = dict(self.why)
        return out


@dataclass(frozen=True, slots=True)
class Unfilled:
    """One request left unfilled, with its reason codes (and hints when explained)."""

    request: str
    reasons: tuple[str, ...]
    hints: tuple[Hint, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON form as in the contract (``hints`` only when explained)."""
        out: dict[str, Any] = {"request": self.request, "reasons": list(self.reasons)}
        if self.hints is not None:
            out["hints"] = [hint.to_json() for hint in self.hints]
        return out


@dataclass(frozen=True, slots=True)
class Result:
    """The engine's result; requests appear once, in the instance's order."""

    assignments: tuple[Assignment, ...]
    unfilled: tuple[Unfilled, ...]
    filled_weight: int
    solve_seconds: float

    @property
    def requests(self) -> int:
        """Number of requests in the instance."""
        return len(self.assignments) + len(self.unfilled)

    @property
    def filled(self) -> int:
        """Number of filled requests."""
        return len(self.assignments)

    @property
    def travel_km(self) -> float:
        """Total in-person travel of all assignments, in km."""
        return sum(a.travel_km for a in self.assignments)

    def to_json(self) -> dict[str, Any]:
        """The `wir-matching-result/1` document."""
        return {
            "format": RESULT_FORMAT,
            "assignments": [a.to_json() for a in self.assignments],
            "unfilled": [u.to_json() for u in self.unfilled],
            "stats": {
                "requests": self.requests,
                "filled": self.filled,
                "filled_weight": self.filled_weight,
                "solve_seconds": round(self.solve_seconds, 4),
            },
        }
