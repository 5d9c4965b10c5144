"""Wakes the dispatchers of this process when a transaction that enqueued a lead commits.

``enqueue_hot_lead`` marks its session; once that session commits, every subscribed callback runs
(the dispatcher's ``wake``), so a new lead goes out at once instead of at the next poll. Dispatchers
in other processes find it at their next poll.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "hotleads.enqueued"
_subscribers: set[Callable[[], None]] = set()


def mark_enqueued(session: Session) -> None:
    session.info[_KEY] = True


def subscribe(callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each commit that enqueued a lead; answers the unsubscribe function."""
    _subscribers.add(callback)
    return lambda: _subscribers.discard(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_KEY, False):
        for callback in list(_subscribers):
            callback()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)
