"""The daily QA sample as a scheduled job: after ``DIALER_QA_SAMPLE_AT``, the previous UTC day's
connected, recorded calls are sampled per operator and campaign into the QA queue."""

from __future__ import annotations

import secrets
from datetime import time, timedelta

from dialer.db.engine import unit_of_work
from dialer.jobs.definition import Job, JobContext
from dialer.qa.queue import fill_queue
from dialer.settings import Settings


def _run_at(settings: Settings) -> time:
    return settings.qa_sample_at


def sample_seed(settings: Settings) -> str:
    """The configured seed (reproducible samples), else a fresh unpredictable one."""
    if settings.qa_sample_seed is not None:
        return settings.qa_sample_seed.get_secret_value()
    return secrets.token_hex(16)


async def sample_calls(ctx: JobContext) -> str:
    day = ctx.day - timedelta(days=1)
    async with unit_of_work(ctx.sessions) as session:
        filled = await fill_queue(
            session, day, ctx.settings.qa_sample_per_operator, sample_seed(ctx.settings), ctx.now
        )
    return filled.summary()


JOBS = [
    Job(
        name="qa-sample",
        description="Queue a random sample of each operator's connected, recorded calls of yesterday for QA",
        run_at=_run_at,
        run=sample_calls,
    )
]
