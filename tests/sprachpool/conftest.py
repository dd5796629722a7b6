"""Fixtures of the Sprachpool tests: messages are checked in English (the msgids)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service and selector messages in English, whatever the default language is."""
    with translation.override("en"):
        yield
