"""Background work of the reports app (django-q2 tasks, enqueued by dotted path)."""

from __future__ import annotations

from django.db import transaction

from reports import replay


def replay_run(replay_id: int) -> None:
    """Replay the next slice of a what-if replay's runs; enqueue the following slice."""
    if replay.replay_step(replay_id=replay_id):
        transaction.on_commit(lambda: replay.enqueue(replay_id))
