"""The acts' daily job: issued acts whose answer deadline has passed stand as accepted."""

from __future__ import annotations

from dialer.acts.service import tick
from dialer.db.engine import unit_of_work
from dialer.jobs.definition import Job, JobContext


async def tick_acts(ctx: JobContext) -> str:
    async with unit_of_work(ctx.sessions) as session:
        decided = await tick(session, ctx.now)
    names = ", ".join(act.number for act in decided)
    return f"{len(decided)} acts deemed accepted" + (f": {names}" if names else "")


JOBS: list[Job] = [
    Job(
        name="acts-deadlines",
        description="issued acts unanswered for 5 business days stand as accepted",
        run_at=lambda settings: settings.monthly_report_at,
        run=tick_acts,
    ),
]
