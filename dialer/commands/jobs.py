"""``dialer jobs list|run|history``: the daily scheduled jobs, seen and run by hand."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime
from typing import Any

from dialer.commands import COMMANDS
from dialer.db.bootstrap import database
from dialer.jobs import runs
from dialer.jobs.catalog import UnknownJob, all_jobs, find_job
from dialer.jobs.scheduler import run_job
from dialer.settings import load_settings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("jobs", help=COMMANDS["jobs"])
    actions = parser.add_subparsers(dest="jobs_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the jobs and when each runs (UTC)").set_defaults(handler=run_list)
    run = actions.add_parser("run", help="run one job now, whatever the schedule says")
    run.add_argument("name", help="job name (see jobs list)")
    run.add_argument("--day", type=date.fromisoformat, help="the UTC day the run is for (default: today)")
    run.set_defaults(handler=run_one)
    history = actions.add_parser("history", help="the latest runs, newest first")
    history.add_argument("--limit", type=int, default=20)
    history.set_defaults(handler=run_history)


def run_list(args: argparse.Namespace) -> int:
    settings = load_settings()
    jobs = all_jobs()
    if not jobs:
        print("no jobs")
    for job in jobs:
        print(f"{job.name:<28} {job.run_at(settings).strftime('%H:%M')} UTC  {job.description}")
    return 0


def run_one(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        job = find_job(args.name)
    except UnknownJob as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    async def go() -> tuple[bool, str]:
        now = datetime.now(UTC)
        day = args.day or now.date()
        async with database(settings) as sessions:
            run_id = await runs.claim_by_hand(sessions, job.name, day, f"{settings.engine_id}-cli", now)
            return await run_job(job, settings, sessions, run_id, now, day)

    ok, summary = asyncio.run(go())
    print(f"{job.name}: {summary}")
    return 0 if ok else 1


def run_history(args: argparse.Namespace) -> int:
    settings = load_settings()

    async def go() -> None:
        async with database(settings) as sessions:
            for run in await runs.recent_runs(sessions, args.limit):
                started = run.started_at.strftime("%Y-%m-%d %H:%M:%S")
                print(f"{run.day}  {run.job:<28} {run.status:<8} {started}  {run.summary}")

    asyncio.run(go())
    return 0
