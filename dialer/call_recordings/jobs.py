"""The recordings' daily jobs (``dialer jobs run NAME``; ``dialer serve`` runs them once a day)."""

from __future__ import annotations

from datetime import timedelta

from dialer.call_recordings.daily_pack import pack_day
from dialer.call_recordings.retention import apply_contract_retention
from dialer.call_recordings.storage import configured_store
from dialer.jobs.definition import Job, JobContext


async def run_retention(ctx: JobContext) -> str:
    store = configured_store(ctx.settings)
    return (await apply_contract_retention(ctx.sessions, store, ctx.now)).line()


async def run_daily_pack(ctx: JobContext) -> str:
    """Yesterday's (the UTC day before the run's day) recordings and call list to each client."""
    store = configured_store(ctx.settings)
    return (await pack_day(ctx.sessions, store, ctx.day - timedelta(days=1))).line()


JOBS: list[Job] = [
    Job(
        name="recordings-retention",
        description="Delete recordings older than their client contract's recording_retention_days "
        "(audited as system:retention).",
        run_at=lambda settings: settings.recordings_retention_at,
        run=run_retention,
    ),
    Job(
        name="recordings-daily-pack",
        description="Upload yesterday's recordings and calls.csv to each client's delivery target "
        "(PUT /clients/{id}/recording-delivery).",
        run_at=lambda settings: settings.recordings_pack_at,
        run=run_daily_pack,
    ),
]
