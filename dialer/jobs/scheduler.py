"""Runs the due jobs of ``dialer serve``, one at a time, and one run of each per UTC day."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.jobs import runs
from dialer.jobs.catalog import all_jobs
from dialer.jobs.definition import Job, JobContext
from dialer.jobs.due import due_jobs, utc_day
from dialer.settings import Settings

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def run_job(
    job: Job,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    now: datetime,
    day: date,
    clock: Callable[[], datetime] = _utc_now,
) -> tuple[bool, str]:
    """Run one claimed job and record how it ended; a job's failure is logged, never raised."""
    try:
        summary = await job.run(JobContext(settings=settings, sessions=sessions, now=now, day=day))
        ok = True
    except Exception as error:  # a failing job must not stop the others nor the service
        log.exception("job %s for %s failed", job.name, day)
        summary, ok = f"failed: {type(error).__name__}: {error}", False
    await runs.finish(sessions, run_id, clock(), ok=ok, summary=summary)
    if ok:
        log.info("job %s for %s: %s", job.name, day, summary)
    return ok, summary


class JobScheduler:
    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        *,
        jobs: list[Job] | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.jobs = all_jobs() if jobs is None else jobs
        self.clock = clock
        self.runner = f"{settings.engine_id}-jobs"
        self.retry_after = timedelta(seconds=settings.jobs_retry_after_s)
        self.stale_after = timedelta(seconds=settings.jobs_stale_after_s)
        self._task: asyncio.Task[None] | None = None

    async def run_due(self) -> list[str]:
        """One pass: run every job due now that nobody has run today; the names of those run."""
        now = self.clock()
        day = utc_day(now)
        settled = await runs.settled_runs(
            self.sessions, day, now, retry_after=self.retry_after, stale_after=self.stale_after
        )
        ran = []
        for job in due_jobs(self.jobs, now, self.settings, settled):
            run_id = await runs.claim(
                self.sessions,
                job.name,
                day,
                self.runner,
                self.clock(),
                retry_after=self.retry_after,
                stale_after=self.stale_after,
            )
            if run_id is None:
                continue
            await run_job(job, self.settings, self.sessions, run_id, self.clock(), day, self.clock)
            ran.append(job.name)
        return ran

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:  # the database may be away for a moment; try again next pass
                log.exception("job scheduler pass failed")
            await asyncio.sleep(self.settings.jobs_poll_s)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="jobs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
