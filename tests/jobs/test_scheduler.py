"""The scheduler against the database: once per day, across two engines, retried after a failure."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from dialer.jobs import runs
from dialer.jobs.definition import Job, JobContext
from dialer.jobs.models import JobRun
from dialer.jobs.scheduler import JobScheduler
from dialer.settings import Settings

DAY = date(2026, 11, 27)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settings(engine_id: str, **extra: object) -> Settings:
    return Settings(database_url="sqlite+aiosqlite:///:memory:", engine_id=engine_id, **extra)


class Counting:
    def __init__(self, fail_times: int = 0) -> None:
        self.calls: list[JobContext] = []
        self.fail_times = fail_times

    async def __call__(self, ctx: JobContext) -> str:
        self.calls.append(ctx)
        await asyncio.sleep(0)
        if len(self.calls) <= self.fail_times:
            raise RuntimeError("the client's bucket is down")
        return f"run {len(self.calls)}"


def daily(body: Counting, at: time = time(3, 0)) -> Job:
    return Job(name="pack", description="daily pack", run_at=lambda s: at, run=body)


async def test_a_due_job_runs_once_a_day_and_its_run_is_recorded(sessions):
    body = Counting()
    clock = Clock(datetime(2026, 11, 27, 2, 59, tzinfo=UTC))
    scheduler = JobScheduler(settings("a"), sessions, jobs=[daily(body)], clock=clock)
    assert await scheduler.run_due() == []
    clock.now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    assert await scheduler.run_due() == ["pack"]
    clock.now += timedelta(hours=5)
    assert await scheduler.run_due() == []
    assert len(body.calls) == 1 and body.calls[0].day == DAY
    async with sessions() as session:
        run = (await session.scalars(select(JobRun))).one()
    assert (run.job, run.day, run.status, run.summary) == ("pack", DAY, "done", "run 1")
    clock.now = datetime(2026, 11, 28, 3, 1, tzinfo=UTC)
    assert await scheduler.run_due() == ["pack"]
    assert [c.day for c in body.calls] == [DAY, date(2026, 11, 28)]


async def test_two_engines_on_one_database_run_the_day_once(sessions):
    body = Counting()
    clock = Clock(datetime(2026, 11, 27, 4, 0, tzinfo=UTC))
    a = JobScheduler(settings("a"), sessions, jobs=[daily(body)], clock=clock)
    b = JobScheduler(settings("b"), sessions, jobs=[daily(body)], clock=clock)
    ran = await asyncio.gather(a.run_due(), b.run_due())
    assert sorted(len(r) for r in ran) == [0, 1]
    assert len(body.calls) == 1


async def test_a_failed_run_is_recorded_and_tried_again_after_the_retry_delay(sessions):
    body = Counting(fail_times=1)
    clock = Clock(datetime(2026, 11, 27, 4, 0, tzinfo=UTC))
    scheduler = JobScheduler(settings("a", jobs_retry_after_s=600), sessions, jobs=[daily(body)], clock=clock)
    assert await scheduler.run_due() == ["pack"]
    async with sessions() as session:
        run = (await session.scalars(select(JobRun))).one()
    assert run.status == "failed" and "bucket is down" in run.summary
    clock.now += timedelta(seconds=599)
    assert await scheduler.run_due() == []
    clock.now += timedelta(seconds=2)
    assert await scheduler.run_due() == ["pack"]
    async with sessions() as session:
        run = (await session.scalars(select(JobRun))).one()
    assert (run.status, run.summary) == ("done", "run 2")


async def test_a_run_left_running_by_a_dead_process_is_taken_over_only_when_stale(sessions):
    start = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    assert await runs.claim(
        sessions,
        "pack",
        DAY,
        "dead",
        start,
        retry_after=timedelta(minutes=10),
        stale_after=timedelta(hours=1),
    )
    body = Counting()
    clock = Clock(start + timedelta(minutes=59))
    scheduler = JobScheduler(
        settings("a", jobs_stale_after_s=3600), sessions, jobs=[daily(body)], clock=clock
    )
    assert await scheduler.run_due() == []
    clock.now = start + timedelta(minutes=61)
    assert await scheduler.run_due() == ["pack"]
    assert len(body.calls) == 1


async def test_a_run_by_hand_replaces_the_days_record(sessions):
    now = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)
    first = await runs.claim_by_hand(sessions, "pack", DAY, "cli", now)
    await runs.finish(sessions, first, now, ok=False, summary="failed: x")
    second = await runs.claim_by_hand(sessions, "pack", DAY, "cli", now)
    await runs.finish(sessions, second, now, ok=True, summary="3 files")
    latest = await runs.recent_runs(sessions)
    assert [(r.job, r.status, r.summary) for r in latest] == [("pack", "done", "3 files")]
