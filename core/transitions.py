"""One status-transition helper for every state machine of the project.

A model's workflow is declared once as a :class:`Workflow` (which status may follow
which); services call :meth:`Workflow.move` instead of assigning ``status`` directly,
so a forbidden change is refused the same way everywhere, with one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Workflow:
    """The allowed transitions of one status field.

    :param allowed: status → the statuses it may change to.
    :param field: the model field that holds the status.
    """

    allowed: Mapping[str, Iterable[str]]
    field: str = "status"

    def can_move(self, current: str, target: str) -> bool:
        """Whether ``current`` may change to ``target``."""
        return target in set(self.allowed.get(current, ()))

    def move(self, obj: Any, target: str) -> str:
        """Set ``obj``'s status to ``target`` (not saved) and return the old status.

        :raises ValidationError: on the status field when the change is not allowed.
        """
        current = getattr(obj, self.field)
        if not self.can_move(current, target):
            label = _display(obj, self.field, current)
            raise ValidationError(
                {
                    self.field: _("This is not possible in the status “%(status)s”.")
                    % {"status": label}
                },
                code="invalid_transition",
            )
        setattr(obj, self.field, target)
        return str(current)


def _display(obj: Any, field: str, value: str) -> str:
    """The human label of a status value (the choice label when there is one)."""
    getter = getattr(obj, f"get_{field}_display", None)
    return str(getter()) if callable(getter) else str(value)
