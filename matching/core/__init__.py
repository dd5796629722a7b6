"""The pure assignment engine: plain Python + numpy + scipy, no Django.

Public entry points::

    instance = parse_instance(data)            # or load_instance(json_text)
    result = solve(instance, weights=Weights(), explain=False)
    result.to_json()                           # the wir-matching-result/1 document

A malformed instance raises :class:`InstanceError` whose message names the field.
"""

from matching.core.costs import DEFAULT_WEIGHTS, Weights
from matching.core.instance import (
    Instance,
    InstanceError,
    Interpreter,
    Interval,
    Point,
    Request,
    load_instance,
    parse_instance,
)
from matching.core.result import REASON_CODES, Assignment, Hint, Result, Unfilled
from matching.core.solve import solve

__all__ = [
    "DEFAULT_WEIGHTS",
    "REASON_CODES",
    "Assignment",
    "Hint",
    "Instance",
    "InstanceError",
    "Interpreter",
    "Interval",
    "Point",
    "Request",
    "Result",
    "Unfilled",
    "Weights",
    "load_instance",
    "parse_instance",
    "solve",
]
