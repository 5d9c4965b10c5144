"""Database errors that a whole transaction, run again, gets past: SQLite's "database is locked"
(a deferred transaction whose snapshot another writer made stale cannot wait it out) and
PostgreSQL's deadlock and serialization failures, and a connection found dead (the database
restarted: SQLAlchemy has then dropped the pool's connections, and the next try opens a new one).
The transaction was rolled back; nothing of it stayed."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

_MARKS = ("database is locked", "deadlock detected", "could not serialize access")


def is_transient(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    return exc.connection_invalidated or any(mark in str(exc) for mark in _MARKS)
