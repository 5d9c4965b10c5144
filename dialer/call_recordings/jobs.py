"""The recordings' daily jobs (``dialer jobs run NAME``; ``dialer serve`` runs them once a day)."""

from __future__ import annotations

from dialer.call_recordings.retention import apply_contract_retention
from dialer.call_recordings.storage import configured_store
from dialer.jobs.model import Job, JobContext


async def run_retention(ctx: JobContext) -> str:
    store = configured_store(ctx.settings)
    return (await apply_contract_retention(ctx.sessions, store, ctx.now)).line()


JOBS: list[Job] = [
    Job(
        name="recordings-retention",
        description="Delete recordings older than their client contract's recording_retention_days "
        "(audited as system:retention).",
        run_at=lambda settings: settings.recordings_retention_at,
        run=run_retention,
    ),
]
