"""Signals fired in this process once the transaction that raised them commits.

A piece of code that writes something others wait for (a lead enqueued, an alert raised, a call
ended) marks its session with a ``CommitSignal``; once that session commits, every subscribed
callback runs with the ids given to ``mark`` in that transaction, so a waiting dispatcher wakes at
once instead of at its next poll. A rollback forgets the marks. Processes other than this one see
the change at their next poll.

Usage::

    LEAD_ENQUEUED = CommitSignal("hotleads.enqueued")
    LEAD_ENQUEUED.mark(session.sync_session)                 # in the writing transaction
    unsubscribe = LEAD_ENQUEUED.subscribe(lambda ids: dispatcher.wake())

One pair of ``Session`` listeners (``after_commit``, ``after_rollback``) serves every signal; after a
commit the marked signals fire in the order they were created, each once, each callback with the
frozen set of ids marked (empty when ``mark`` was given none). Callbacks run in the committing
thread, inside SQLAlchemy's event: they should only hand the news on (e.g. set an event on a loop
with ``call_soon_threadsafe``), not touch the database.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T", bound=Hashable)

_MARKS = "commit_signals"  # session.info[_MARKS]: {signal: ids marked in this transaction}
_created = itertools.count()


class CommitSignal(Generic[T]):
    """A named signal: ``mark`` it in a transaction, the subscribers run after that one commits."""

    __slots__ = ("_order", "_subscribers", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._order = next(_created)
        self._subscribers: set[Callable[[frozenset[T]], None]] = set()

    def __repr__(self) -> str:
        return f"CommitSignal({self.name!r})"

    def mark(self, session: Session, ids: Iterable[T] = ()) -> None:
        """Fire after ``session``'s transaction commits, with ``ids`` among the payload."""
        marks: dict[CommitSignal[T], set[T]] = session.info.setdefault(_MARKS, {})
        marks.setdefault(self, set()).update(ids)

    def subscribe(self, callback: Callable[[frozenset[T]], None]) -> Callable[[], None]:
        """Call ``callback(ids)`` after each commit that marked this signal; answers the unsubscribe."""
        self._subscribers.add(callback)
        return lambda: self._subscribers.discard(callback)

    def _fire(self, ids: frozenset[T]) -> None:
        for callback in list(self._subscribers):
            callback(ids)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    marks: dict[CommitSignal[Hashable], set[Hashable]] | None = session.info.pop(_MARKS, None)
    if marks:
        for signal in sorted(marks, key=lambda s: s._order):
            signal._fire(frozenset(marks[signal]))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_MARKS, None)
