"""Signals of the volunteer registry, for the apps built on it (they import this, never the
other way round).

``volunteer_anonymised`` is sent by :func:`volunteers.services.volunteer_anonymise` inside
its transaction, with ``volunteer`` (already anonymised) and ``actor``. Apps that keep
personal data about a volunteer in their own tables (the interpreter profile, network
memberships) erase it in a receiver, so an erasure reaches every app without the registry
knowing them; a receiver that fails rolls the whole erasure back.
"""

from __future__ import annotations

from django.dispatch import Signal

volunteer_anonymised = Signal()
