"""The reading process of an import: the rows are built there, not in the service's process; it never
runs more than a few batches ahead; its faults reach the importer; and it is gone when the import is,
whether it finished, failed, was cancelled or the process was killed."""

from __future__ import annotations

import asyncio
import io
import os
import pickle
import signal

import psutil
import pytest
from sqlalchemy import func, select

from dialer.contacts import rows as row_rules
from dialer.contacts.errors import FileTooLarge
from dialer.contacts.importing import import_contacts
from dialer.contacts.models import Contact, ImportJob, ImportStatus
from dialer.contacts.pipeline import ReaderFailed
from dialer.contacts.pipeline_messages import CREDIT, DEPTH, Batch, read_message
from dialer.contacts.pipeline_worker import _failure, _Sender
from dialer.contacts.report import ImportProgress, ImportReport
from dialer.contacts.table import Table

from .conftest import csv_bytes


def _base(count: int) -> bytes:
    return csv_bytes(["Телефон;ФИО", *(f"8916{n:07d};Клиент {n}" for n in range(count))])


def _reading_processes() -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process().children(recursive=True)
        if "dialer.contacts.pipeline_worker" in " ".join(child.cmdline())
    ]


async def _import(sessions, world, settings, rows: int, progress) -> ImportReport:
    return await import_contacts(
        sessions, world.campaign_id, io.BytesIO(_base(rows)), "x.csv", settings=settings, progress=progress
    )


async def _count(sessions, model) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_rows_are_built_in_the_reading_process_which_is_gone_afterwards(
    sessions, world, settings, monkeypatch
):
    built_here: list[int] = []
    real_build = row_rules.ContactRows.build

    def spying_build(self, row, cells):
        built_here.append(row)
        return real_build(self, row, cells)

    monkeypatch.setattr(row_rules.ContactRows, "build", spying_build)
    seen_children: list[int] = []

    def progress(_: ImportProgress) -> None:
        seen_children.extend(p.pid for p in _reading_processes())

    settings.import_batch_rows = 500
    report = await _import(sessions, world, settings, 3000, progress)
    assert report.imported == 3000
    assert not built_here, "rows were built in the service's process"
    assert seen_children and seen_children[0] != os.getpid()
    assert _reading_processes() == []


async def test_a_cancelled_import_stops_its_reading_process_and_keeps_nothing(sessions, world, settings):
    settings.import_batch_rows = 200
    first_batch = asyncio.Event()

    def progress(p: ImportProgress) -> None:
        if p.imported:
            first_batch.set()

    task = asyncio.create_task(_import(sessions, world, settings, 20_000, progress))
    await first_batch.wait()
    assert _reading_processes()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _reading_processes() == []
    assert await _count(sessions, Contact) == 0
    async with sessions() as session:
        job = (await session.scalars(select(ImportJob))).one()
    assert job.status == ImportStatus.FAILED and (job.imported, job.on_dnc) == (0, 0)


async def test_a_reading_process_killed_part_way_fails_the_import_and_keeps_nothing(
    sessions, world, settings
):
    settings.import_batch_rows = 200
    killed: list[int] = []

    def progress(p: ImportProgress) -> None:
        if p.imported and not killed:
            for child in _reading_processes():
                killed.append(child.pid)
                os.kill(child.pid, signal.SIGKILL)

    with pytest.raises(ReaderFailed, match=r"reading process stopped \(exit code -9\)"):
        await _import(sessions, world, settings, 20_000, progress)
    assert killed
    assert await _count(sessions, Contact) == 0
    async with sessions() as session:
        job = (await session.scalars(select(ImportJob))).one()
    assert job.status == ImportStatus.FAILED and "exit code -9" in job.error


def test_the_reading_process_sends_at_most_depth_batches_the_importer_has_not_taken():
    out = io.BytesIO()
    table = Table("csv", "utf-8", ";", 1, ["Телефон"], iter(()), lambda: 0, 0, lambda: None)
    sender = _Sender(out, io.BytesIO(CREDIT), ImportReport(job_id=0, status="running"), table, None, False)
    for n in range(DEPTH + 1):  # one credit: one batch more than DEPTH
        sender.send([(n,)])
    with pytest.raises(EOFError):  # no credit left: it would wait for the importer
        sender.send([(DEPTH + 1,)])
    out.seek(0)
    sent = [read_message(out) for _ in range(DEPTH + 1)]
    assert all(isinstance(batch, Batch) for batch in sent)
    assert [batch.records for batch in sent] == [[(n,)] for n in range(DEPTH + 1)]


class _Unpicklable(Exception):
    def __init__(self, reason: str, extra: object) -> None:
        super().__init__(reason)
        self.extra = extra

    def __reduce__(self):
        raise TypeError("not picklable")


def test_a_fault_in_the_reading_process_reaches_the_importer_as_it_was_or_by_its_name():
    kept = pickle.loads(pickle.dumps(_failure(KeyError("phone"))))
    assert isinstance(kept.error, KeyError) and kept.error.args == ("phone",)
    named = pickle.loads(pickle.dumps(_failure(_Unpicklable("broken", object()))))
    assert isinstance(named.error, RuntimeError) and str(named.error) == "_Unpicklable: broken"
    refused = pickle.loads(pickle.dumps(_failure(FileTooLarge(1000, 1001)))).error
    assert isinstance(refused, FileTooLarge) and (refused.limit, refused.size) == (1000, 1001)
    assert refused.message == FileTooLarge(1000, 1001).message
