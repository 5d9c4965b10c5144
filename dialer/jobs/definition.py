"""What a scheduled job is and what it is given when it runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.settings import Settings


@dataclass(frozen=True, slots=True)
class JobContext:
    """``now`` is the aware UTC moment of the run; ``day`` the UTC day the run is for."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    now: datetime
    day: date


@dataclass(frozen=True, slots=True)
class Job:
    """A daily job: runs once per UTC day, after ``run_at(settings)``; ``run`` returns a one-line summary."""

    name: str
    description: str
    run_at: Callable[[Settings], time]
    run: Callable[[JobContext], Awaitable[str]]
