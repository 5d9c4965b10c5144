"""Wakes the dispatchers of this process when a transaction that enqueued a lead (or its e-mail) commits.

``enqueue_hot_lead`` marks its session; once that session commits, every subscribed callback runs
(the dispatcher's ``wake``), so a new lead goes out at once instead of at the next poll. Dispatchers
in other processes find it at their next poll. The signal itself is ``dialer.db.commit_signals``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from dialer.db.commit_signals import CommitSignal

ENQUEUED: CommitSignal[int] = CommitSignal("hotleads.enqueued")


def mark_enqueued(session: Session) -> None:
    ENQUEUED.mark(session)


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit that enqueued a lead; answers the unsubscribe function."""
    return ENQUEUED.subscribe(lambda _ids: callback())
