"""Counters of sign-in attempts per account and per address, in the database so that every API
process sees the same counts.

A counter holds the attempts of a fixed window: the first attempt after the window has passed starts
a new one. Attempts are counted *before* the password is checked (one atomic upsert), so a burst of
parallel guesses cannot all slip under the limit; a right password gives its attempt back.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import SignInCounter
from dialer.errors import DomainError
from dialer.settings import Settings


class TooManyAttempts(DomainError):
    """Too many sign-in attempts for an account or an address; try again after ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many sign-in attempts; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SignInLimits:
    window: timedelta
    per_account: int
    per_address: int
    lock_after: int  # wrong passwords in a row that lock an account; 0: never
    blocked_pause_s: float = 0.0  # each attempt from a blocked address waits this long for its 429

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInLimits:
        return cls(
            window=timedelta(seconds=settings.sign_in_window_s),
            per_account=settings.sign_in_max_per_account,
            per_address=settings.sign_in_max_per_address,
            lock_after=settings.sign_in_lock_after,
            blocked_pause_s=settings.sign_in_blocked_pause_s,
        )


def account_key(username: str) -> str:
    return f"account:{username[:100]}"


def address_key(address: str) -> str:
    return f"address:{address[:100]}"


@functools.cache
def _count_statement(dialect: str, keys: int) -> Any:
    """The upsert that counts one attempt under each of ``keys`` keys (bound as ``key0``...) at
    ``now``, a window that started at or before ``cutoff`` having ended; built once per shape, not
    at every attempt of a flood."""
    table = SignInCounter.__table__
    now = bindparam("now", type_=table.c.window_start.type)
    expired = table.c.window_start <= bindparam("cutoff", type_=table.c.window_start.type)
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values([{"key": bindparam(f"key{n}"), "attempts": 1, "window_start": now} for n in range(keys)])
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "attempts": case((expired, 1), else_=table.c.attempts + 1),
                "window_start": case((expired, now), else_=table.c.window_start),
            },
        )
        .returning(table.c.key, table.c.attempts, table.c.window_start)
    )


async def count_attempts(
    session: AsyncSession, keys: Sequence[str], now: datetime, window: timedelta
) -> dict[str, tuple[int, datetime]]:
    """Count one attempt under each of ``keys`` (distinct), in one statement: per key, the attempts
    in its window so far, this one included, and when the window started."""
    statement = _count_statement(session.get_bind().dialect.name, len(keys))
    values: dict[str, Any] = {f"key{n}": key for n, key in enumerate(keys)}
    result = await session.execute(statement, {**values, "now": now, "cutoff": now - window})
    return {key: (int(attempts), started) for key, attempts, started in result}


async def count_attempt(
    session: AsyncSession, key: str, now: datetime, window: timedelta
) -> tuple[int, datetime]:
    """Count one attempt under ``key``: the attempts in its window so far, this one included, and
    when the window started."""
    return (await count_attempts(session, [key], now, window))[key]


def retry_after(started: datetime, now: datetime, window: timedelta) -> int:
    """Whole seconds until the window that began at ``started`` ends (at least 1)."""
    return max(1, math.ceil((started + window - now).total_seconds()))


async def give_back(session: AsyncSession, key: str) -> None:
    """Uncount one attempt under ``key`` (a right password is not an attempt to limit)."""
    await session.execute(
        update(SignInCounter)
        .where(SignInCounter.key == key, SignInCounter.attempts > 0)
        .values(attempts=SignInCounter.attempts - 1)
    )


async def forget(session: AsyncSession, key: str) -> None:
    await session.execute(delete(SignInCounter).where(SignInCounter.key == key))


SWEEP_ROWS = 500
SWEEP_EVERY = 16
"""Attempts counted in a process per sweep of ended windows: an attempt adds at most two counters, a
sweep drops up to :data:`SWEEP_ROWS`, so the table keeps to the counters of the current windows."""

_attempts = itertools.count()


async def sweep_now_and_then(session: AsyncSession, now: datetime, window: timedelta) -> None:
    """:func:`sweep` at the first attempt of a process and every :data:`SWEEP_EVERY`-th after; a
    sweep at every attempt was one statement more per wrong password of a flood."""
    if next(_attempts) % SWEEP_EVERY == 0:
        await sweep(session, now, window)


async def sweep(session: AsyncSession, now: datetime, window: timedelta) -> None:
    """Drop counters whose window has ended (they would restart at the next attempt anyway), a few
    hundred at a time; rows another sign-in holds are skipped, so two sweeps never wait on each
    other (``SKIP LOCKED`` on PostgreSQL; SQLite has one writer at a time)."""
    expired = (
        select(SignInCounter.key)
        .where(SignInCounter.window_start <= now - window)
        .limit(SWEEP_ROWS)
        .with_for_update(skip_locked=True)
    )
    await session.execute(delete(SignInCounter).where(SignInCounter.key.in_(expired.scalar_subquery())))
