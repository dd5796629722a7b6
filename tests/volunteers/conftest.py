"""Fixtures of the volunteer tests: a fresh throttle cache for every test."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_throttle_cache() -> None:
    """Registration throttling counts in the cache; every test starts from zero."""
    cache.clear()
