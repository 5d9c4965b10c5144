"""Which jobs are due: a pure decision from the clock, the jobs' times and the runs already made."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime

from dialer.jobs.definition import Job
from dialer.settings import Settings


def utc_day(now: datetime) -> date:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC).date()


def due_jobs(
    jobs: Iterable[Job], now: datetime, settings: Settings, settled: Collection[tuple[str, date]]
) -> list[Job]:
    """Jobs whose time of day has passed on ``now``'s UTC day and that have no settled run that day.

    ``settled`` holds ``(job name, day)`` pairs already done, or claimed by a run still alive.
    """
    day = utc_day(now)
    moment = now.astimezone(UTC).time()
    return [job for job in jobs if (job.name, day) not in settled and moment >= job.run_at(settings)]
