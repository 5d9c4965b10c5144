"""Claiming and recording job runs in ``job_runs``: one run per job and day across engines.

A failed run is tried again after ``retry_after``; a run whose process died (still ``running`` after
``stale_after``) is taken over. A run by hand (``dialer jobs run``) replaces the day's record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.jobs.models import JobRun

RUNNING, DONE, FAILED = "running", "done", "failed"


async def settled_runs(
    sessions: async_sessionmaker[AsyncSession],
    day: date,
    now: datetime,
    *,
    retry_after: timedelta,
    stale_after: timedelta,
) -> set[tuple[str, date]]:
    """The day's runs that need nothing more: done, running and alive, or failed too recently."""
    async with sessions() as session:
        runs = (await session.scalars(select(JobRun).where(JobRun.day == day))).all()
    settled = set()
    for run in runs:
        if (
            run.status == DONE
            or (run.status == RUNNING and run.started_at + stale_after > now)
            or (run.status == FAILED and (run.finished_at or run.started_at) + retry_after > now)
        ):
            settled.add((run.job, run.day))
    return settled


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    job: str,
    day: date,
    runner: str,
    now: datetime,
    *,
    retry_after: timedelta,
    stale_after: timedelta,
) -> int | None:
    """Take the day's run of ``job`` for ``runner``; the run's id, or None when another has it."""
    async with sessions() as session:
        existing = await session.scalar(select(JobRun).where(JobRun.job == job, JobRun.day == day))
        if existing is None:
            run = JobRun(job=job, day=day, runner=runner, started_at=now, status=RUNNING, summary="")
            session.add(run)
            try:
                await session.commit()
            except IntegrityError:
                return None
            return run.id
        takeable = (existing.status == FAILED and (existing.finished_at or now) + retry_after <= now) or (
            existing.status == RUNNING and existing.started_at + stale_after <= now
        )
        if not takeable:
            return None
        taken = await session.execute(
            update(JobRun)
            .where(
                JobRun.id == existing.id,
                JobRun.status == existing.status,
                JobRun.started_at == existing.started_at,
            )
            .values(runner=runner, started_at=now, finished_at=None, status=RUNNING, summary="")
        )
        await session.commit()
        return existing.id if taken.rowcount == 1 else None  # type: ignore[attr-defined]


async def claim_by_hand(
    sessions: async_sessionmaker[AsyncSession], job: str, day: date, runner: str, now: datetime
) -> int:
    """A run asked for by a person: whatever the day's record says, this run replaces it."""
    async with sessions() as session:
        await session.execute(delete(JobRun).where(JobRun.job == job, JobRun.day == day))
        run = JobRun(job=job, day=day, runner=runner, started_at=now, status=RUNNING, summary="")
        session.add(run)
        await session.commit()
        return run.id


async def finish(
    sessions: async_sessionmaker[AsyncSession], run_id: int, now: datetime, *, ok: bool, summary: str
) -> None:
    async with sessions() as session:
        await session.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(finished_at=now, status=DONE if ok else FAILED, summary=summary[:2000])
        )
        await session.commit()


async def recent_runs(sessions: async_sessionmaker[AsyncSession], limit: int = 50) -> list[JobRun]:
    async with sessions() as session:
        rows = await session.scalars(select(JobRun).order_by(JobRun.started_at.desc()).limit(limit))
        return list(rows)
