"""Where the scheduled jobs live: each module listed here exposes ``JOBS: list[Job]``."""

from __future__ import annotations

import importlib

from dialer.jobs.definition import Job

JOB_MODULES: list[str] = [
    "dialer.call_recordings.jobs",
    "dialer.reports.jobs",
    "dialer.acts.jobs",
    "dialer.qa.jobs",
]


class UnknownJob(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no job named {name!r}; known jobs: {', '.join(known) or 'none'}")


def all_jobs() -> list[Job]:
    jobs: list[Job] = []
    for module_name in JOB_MODULES:
        jobs.extend(importlib.import_module(module_name).JOBS)
    names = [job.name for job in jobs]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise RuntimeError(f"job names must be unique: {', '.join(duplicated)}")
    return sorted(jobs, key=lambda job: job.name)


def find_job(name: str) -> Job:
    jobs = all_jobs()
    for job in jobs:
        if job.name == name:
            return job
    raise UnknownJob(name, [job.name for job in jobs])
