"""Every error at once: a collector of field errors that services fill from several checks
and raise together as one ``ValidationError`` (the form adapter and the API show them all)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


class FieldErrors:
    """Field errors of several checks, raised together by :meth:`raise_if_any`."""

    def __init__(self) -> None:
        self.errors: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        """One message (text or ``ValidationError``) for ``field`` (``__all__``: the whole)."""
        self.errors.setdefault(field, []).append(message)

    def check(self, field: str, validator: Callable[[Any], None], value: Any) -> None:
        """Run a field validator; its messages go to ``field``."""
        try:
            validator(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(field, message)

    def run(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a check that raises a ``ValidationError`` by field; collect its messages and
        return its result (``None`` when it failed)."""
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, messages in exc.message_dict.items():
                    self.errors.setdefault(field, []).extend(messages)
            else:
                self.errors.setdefault("__all__", []).extend(exc.messages)
            return None

    def raise_if_any(self) -> None:
        """Raise every collected error at once (nothing when there is none)."""
        if self.errors:
            raise ValidationError(self.errors)
