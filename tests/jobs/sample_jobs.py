"""Jobs for the CLI test: one that writes a file, one that fails."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from dialer.jobs.definition import Job, JobContext


async def write_marker(ctx: JobContext) -> str:
    marker = Path(ctx.settings.data_dir) / f"marker-{ctx.day.isoformat()}"
    marker.write_text(ctx.now.isoformat())
    return f"wrote {marker.name}"


async def always_fail(ctx: JobContext) -> str:
    raise RuntimeError("the SMTP server refused us")


JOBS = [
    Job("write-marker", "writes a marker file", lambda s: time(1, 30), write_marker),
    Job("always-fail", "fails", lambda s: time(2, 0), always_fail),
]
