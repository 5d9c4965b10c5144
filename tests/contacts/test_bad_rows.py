"""A bad row is refused with its row and column and the rest of the file is imported; the job's counts
are what the database holds."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from dialer.contacts.importing import import_contacts
from dialer.contacts.models import Contact, ImportJob

from .conftest import csv_bytes

GOOD_ROWS = 12_000


async def _import(sessions, world, data: bytes, settings, filename="base.csv"):
    return await import_contacts(sessions, world.campaign_id, io.BytesIO(data), filename, settings=settings)


async def _in_database(sessions, campaign_id: int) -> int:
    async with sessions() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(Contact).where(Contact.campaign_id == campaign_id)
            )
            or 0
        )


async def test_a_windows_1251_row_a_huge_cell_and_junk_bytes_cost_only_their_rows(sessions, world, settings):
    settings.import_batch_rows = 1000
    lines = [f"8916{n:07d};Имя {n}".encode() + b"\r\n" for n in range(GOOD_ROWS)]
    lines.insert(16, "89169000001;Пётр из другой выгрузки\r\n".encode("cp1251"))  # row 18
    lines.insert(100, b"89169000002;" + b"x" * (2 * 1024 * 1024) + b"\r\n")  # row 102: a 2 MB cell
    lines.insert(200, b"89169000003;\x98\x98 junk\r\n")  # row 202: text in neither encoding
    lines.insert(300, b"not-a-number;Anna\r\n")  # row 302
    data = "Телефон;ФИО\r\n".encode() + b"".join(lines)

    report = await _import(sessions, world, data, settings)

    assert report.status == "done"
    assert (report.rows_read, report.imported, report.rejected) == (GOOD_ROWS + 4, GOOD_ROWS + 1, 3)
    problems = {p.row: (p.column, p.reason) for p in report.problems}
    assert problems[18] == ("(row)", "not valid UTF-8: the row was read as Windows-1251")
    assert problems[102] == ("(row)", "not read: a cell longer than 1,048,576 characters")
    assert problems[202] == ("ФИО", "unreadable characters (binary data) in the row")
    assert problems[302] == ("Телефон", "not a number")
    assert await _in_database(sessions, world.campaign_id) == report.imported
    async with sessions() as session:
        pyotr = await session.scalar(select(Contact).where(Contact.phone == "+79169000001"))
        job = await session.get(ImportJob, report.job_id)
    assert pyotr is not None and pyotr.name == "Пётр из другой выгрузки"
    assert (job.imported, job.rejected) == (report.imported, report.rejected)


async def test_a_cell_over_excels_limit_refuses_its_row_only(sessions, world, settings):
    data = csv_bytes(["Телефон;Комментарий", "89161234567;ok", "89161234568;" + "z" * 40_000, "89161234569;"])
    report = await _import(sessions, world, data, settings)
    assert (report.imported, report.rejected) == (2, 1)
    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (3, "Комментарий", "cell of 40,000 characters (at most 32,767)")
    ]
    assert await _in_database(sessions, world.campaign_id) == 2


async def test_a_title_row_in_windows_1251_above_a_utf8_table_is_no_problem(sessions, world, settings):
    data = "Выгрузка\r\n".encode("cp1251") + csv_bytes(["Телефон;ФИО", "89161234567;Анна"])
    report = await _import(sessions, world, data, settings)
    assert (report.imported, report.rejected) == (1, 0)
