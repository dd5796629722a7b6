"""Signals of the volunteer registry, for the apps built on it (they import this, never the
other way round).

``volunteer_anonymised`` is sent by :func:`volunteers.services.volunteer_anonymise` inside
its transaction, with ``volunteer`` (already anonymised) and ``actor``. Apps that keep
personal data about a volunteer in their own tables (the interpreter profile, network
memberships) erase it in a receiver, so an erasure reaches every app without the registry
knowing them; a receiver that fails rolls the whole erasure back.

``volunteer_parts_changed`` is sent inside the transaction of a service that changed rows
other apps' rules depend on, after the change, with ``volunteer``, ``actor`` and ``parts``
(a tuple of ``"languages"``, ``"pledge"``). A receiver enforces its rule on every path
(self-service, coordinator page, API) by raising a ``ValidationError``, which refuses and
rolls back the change; e.g. the Sprachpool keeps an active interpreter's German at B1 or
better, another language and a signed pledge.
"""

from __future__ import annotations

from django.dispatch import Signal

volunteer_anonymised = Signal()
volunteer_parts_changed = Signal()
