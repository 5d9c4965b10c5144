"""Importing contact bases: formats, normalisation, duplicates, do-not-call, the report, refusals."""

from __future__ import annotations

import io
import os
import zipfile
from typing import BinaryIO, cast

import pytest
from sqlalchemy import func, select

from dialer.contacts import importing
from dialer.contacts.errors import FileTooLarge, NotFound, UnreadableFile
from dialer.contacts.importing import ImportProgress, import_contacts
from dialer.contacts.models import Contact, ContactStatus, DncEntry, ImportJob, ImportStatus
from dialer.db.engine import unit_of_work

from .conftest import csv_bytes, xlsx_bytes


async def _import(sessions, world, data: bytes, settings, filename="base.csv", **kwargs):
    return await import_contacts(
        sessions, world.campaign_id, io.BytesIO(data), filename, settings=settings, **kwargs
    )


async def _contacts(sessions, campaign_id) -> list[Contact]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(Contact).where(Contact.campaign_id == campaign_id).order_by(Contact.id)
            )
        )


async def _count(sessions, model) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _problems(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.reason) for p in report.problems]


async def test_the_four_written_shapes_of_one_moscow_number_are_one_contact(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон|ФИО|Компания|Город",
            "8 (495) 150-22-22|Иванов Иван Иванович|ООО «Ромашка»|Москва",
            "+7 495 150 22 22|Иванов И.|Ромашка|Москва",
            "84951502222|Иванов|Ромашка|Москва",
            "495-150-22-22|Иванов|Ромашка|",
        ]
    )
    report = await _import(sessions, world, data, settings)

    assert (report.rows_read, report.imported, report.duplicates, report.rejected) == (4, 1, 3, 0)
    assert _problems(report) == [
        (3, "Телефон", "duplicate of row 2"),
        (4, "Телефон", "duplicate of row 2"),
        (5, "Телефон", "duplicate of row 2"),
    ]
    [contact] = await _contacts(sessions, world.campaign_id)
    assert contact.phone == "+74951502222"
    assert contact.timezone == "Europe/Moscow"
    assert contact.name == "Иванов Иван Иванович"
    assert contact.company == "ООО «Ромашка»"
    assert contact.data == {"Город": "Москва"}
    assert contact.status == ContactStatus.NEW and contact.on_dnc is False
    assert contact.source_row == 2 and contact.import_id == report.job_id


async def test_windows_1251_comma_separated_file_is_read(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон,Ф.И.О.,Организация,Комментарий",
            "89161234567,Пётр Сидоров,ЗАО Вектор,перезвонить после 18",
        ],
        encoding="cp1251",
        sep=",",
    )
    report = await _import(sessions, world, data, settings)
    assert report.imported == 1
    [contact] = await _contacts(sessions, world.campaign_id)
    assert (contact.phone, contact.name, contact.company) == ("+79161234567", "Пётр Сидоров", "ЗАО Вектор")
    assert contact.data == {"Комментарий": "перезвонить после 18"}
    assert contact.timezone is None  # a Russian mobile number: phonenumbers names 16 zones


async def test_utf8_with_bom_and_tabs_is_read(sessions, world, settings):
    data = "\ufeff" + "phone\tname\tcompany\ttz\n+7 383 200-00-00\tAnna\tSib\tAsia/Novosibirsk\n"
    report = await _import(sessions, world, data.encode("utf-8"), settings)
    assert report.imported == 1
    [contact] = await _contacts(sessions, world.campaign_id)
    assert (contact.phone, contact.name, contact.timezone) == ("+73832000000", "Anna", "Asia/Novosibirsk")


@pytest.mark.parametrize(
    "payload",
    [
        os.urandom(4096),
        bytes(range(256)) * 20,
        b"\x89PNG\r\n\x1a\n" + os.urandom(100),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(512),
    ],
    ids=["random", "all-bytes", "png", "old-xls"],
)
async def test_bytes_that_are_not_a_table_are_refused_nothing_written(sessions, world, settings, payload):
    with pytest.raises(UnreadableFile) as refused:
        await _import(sessions, world, payload, settings)
    assert refused.value.job_id is None
    assert await _count(sessions, Contact) == 0
    assert await _count(sessions, ImportJob) == 0


async def test_an_xlsx_that_is_really_a_zip_of_something_else_is_refused(sessions, world, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("contacts.txt", "89161234567;Иван\n")
    with pytest.raises(UnreadableFile, match="not an Excel workbook"):
        await _import(sessions, world, buffer.getvalue(), settings, filename="base.xlsx")
    assert await _count(sessions, ImportJob) == 0


async def test_a_file_without_a_phone_column_is_refused_with_the_columns_it_has(sessions, world, settings):
    with pytest.raises(UnreadableFile, match=r"no phone column.*Клиент, Город"):
        await _import(sessions, world, csv_bytes(["Клиент|Город", "Иван|Москва"]), settings)


async def test_xlsx_numbers_stored_as_numbers_and_rows_numbered_as_excel_shows(sessions, world, settings):
    data = xlsx_bytes(
        [
            ["Телефон", "Имя", "Дата рождения"],
            [74951502222, "Анна", None],
            [None, None, None],
            ["8 (916) 123-45-67", "Борис", "1980-01-02"],
            ["не знаю", "Вера", None],
        ]
    )
    report = await _import(sessions, world, data, settings, filename="base.xlsx")
    assert (report.rows_read, report.imported, report.rejected) == (3, 2, 1)
    assert _problems(report) == [(5, "Телефон", "not a number")]
    contacts = await _contacts(sessions, world.campaign_id)
    assert [(c.phone, c.name, c.source_row) for c in contacts] == [
        ("+74951502222", "Анна", 2),
        ("+79161234567", "Борис", 4),
    ]


async def test_bad_rows_are_reported_and_never_sink_the_good_ones(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон|ФИО|Компания",
            "89161234567|Анна|А",  # good
            "|Борис|Б",  # empty phone
            "8 916 abc 45 67|Вера|В",  # letters
            "8 916 123|Галина|Г",  # too short: invalid
            "89161234568|Дмитрий",  # too few cells: tolerated
            "89161234569|Елена|Е|лишнее",  # too many cells with content: refused
            "89161234570|Жанна|Ж||",  # too many cells, but empty: tolerated
            "",  # blank line: skipped
            "89161234571",  # phone only
            "Зоя",  # too few cells, phone missing
        ]
    )
    report = await _import(sessions, world, data, settings)
    assert (report.rows_read, report.imported, report.rejected, report.duplicates) == (9, 4, 5, 0)
    assert _problems(report) == [
        (3, "Телефон", "empty phone"),
        (4, "Телефон", "not a number"),
        (5, "Телефон", "invalid number"),
        (7, "column 4", "row has 4 cells, the header has 3"),
        (11, "Телефон", "not a number"),
    ]
    assert report.problems[1].value == "8 916 abc 45 67"
    phones = [c.phone for c in await _contacts(sessions, world.campaign_id)]
    assert phones == ["+79161234567", "+79161234568", "+79161234570", "+79161234571"]


async def test_several_phone_columns_first_valid_is_the_phone_the_rest_extra(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон|Телефон 2|Моб. телефон|ФИО",
            "нет|8 495 150-22-22|+7 916 123 45 67, 8 916 123 45 68|Анна",
            "89161234567|89161234599||Борис",  # first number known: kept for the new one only
            "8 916 123 45 68|+79161234567||Вера",  # all known: duplicate
        ]
    )
    report = await _import(sessions, world, data, settings)
    assert (report.imported, report.duplicates) == (2, 1)
    contacts = await _contacts(sessions, world.campaign_id)
    assert [(c.phone, c.extra_phones) for c in contacts] == [
        ("+74951502222", ["+79161234567", "+79161234568"]),
        ("+79161234599", []),
    ]
    assert _problems(report) == [
        (2, "Телефон", "not a number: the row's other numbers were imported"),
        (3, "Телефон", "duplicate of row 2: number not kept"),
        (4, "Телефон", "duplicate of row 2"),
    ]


async def test_numbers_already_in_the_campaign_are_duplicates_other_campaigns_do_not_count(
    sessions, world, settings
):
    async with unit_of_work(sessions) as session:
        session.add(
            Contact(campaign_id=world.campaign_id, phone="+79160000001", extra_phones=["+79160000002"])
        )
        session.add(Contact(campaign_id=world.second_campaign_id, phone="+79160000003"))
    data = csv_bytes(["phone", "89160000001", "89160000002", "89160000003"])
    report = await _import(sessions, world, data, settings)
    assert (report.imported, report.duplicates) == (1, 2)
    assert _problems(report) == [
        (2, "phone", "already in the campaign"),
        (3, "phone", "already in the campaign"),
    ]


async def test_numbers_on_do_not_call_lists_are_loaded_but_marked(sessions, world, settings):
    async with unit_of_work(sessions) as session:
        session.add_all(
            [
                DncEntry(client_id=None, phone="+79160000001"),
                DncEntry(client_id=world.client_id, phone="+79160000002"),
                DncEntry(client_id=world.other_client_id, phone="+79160000003"),
            ]
        )
    data = csv_bytes(["phone|phone2", "89160000001|", "89160000009|89160000002", "89160000003|"])
    report = await _import(sessions, world, data, settings)
    assert (report.imported, report.on_dnc) == (3, 2)
    contacts = await _contacts(sessions, world.campaign_id)
    assert [(c.phone, c.on_dnc, c.status) for c in contacts] == [
        ("+79160000001", True, ContactStatus.DO_NOT_CALL),
        ("+79160000009", True, ContactStatus.DO_NOT_CALL),
        ("+79160000003", False, ContactStatus.NEW),
    ]


async def test_time_zone_from_the_column_else_from_the_number(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон|Часовой пояс",
            "84951502222|Asia/Yekaterinburg",
            "84951502223|МСК+4",
            "84951502224|Марс/Олимп",
            "84951502225|",
        ]
    )
    report = await _import(sessions, world, data, settings)
    assert report.imported == 4
    zones = [c.timezone for c in await _contacts(sessions, world.campaign_id)]
    assert zones == ["Asia/Yekaterinburg", "Etc/GMT-7", "Europe/Moscow", "Europe/Moscow"]
    assert _problems(report) == [(4, "Часовой пояс", "unknown time zone: taken from the number")]


async def test_an_explicit_column_map_overrides_the_guess(sessions, world, settings):
    data = csv_bytes(["Телефон|Контакт|Клиент|Куда звонить", "89160000001|89160000002|Анна|89160000003"])
    report = await _import(
        sessions, world, data, settings, column_map={"phone": "Куда звонить", "name": "клиент"}
    )
    assert report.imported == 1
    [contact] = await _contacts(sessions, world.campaign_id)
    assert (contact.phone, contact.name) == ("+79160000003", "Анна")
    assert contact.data == {"Телефон": "89160000001", "Контакт": "89160000002"}
    with pytest.raises(UnreadableFile, match="'Нет такой'"):
        await _import(sessions, world, data, settings, column_map={"phone": "Нет такой"})


async def test_the_job_records_the_report(sessions, world, settings):
    data = csv_bytes(["Телефон", "89160000001", "89160000001", "abc"])
    report = await _import(sessions, world, data, settings, filename="июнь.csv")
    async with sessions() as session:
        job = await session.get(ImportJob, report.job_id)
    assert job.status == ImportStatus.DONE and job.filename == "июнь.csv" and job.finished_at is not None
    assert (job.rows_read, job.imported, job.duplicates, job.rejected) == (3, 1, 1, 1)
    assert job.problems == [p for p in report.to_dict()["problems"]]
    assert report.to_dict()["status"] == "done"


async def test_a_file_refused_part_way_leaves_nothing_and_its_job_counts_nothing(sessions, world, settings):
    good = [f"8916{n:07d};Имя {n}" for n in range(5000)]
    data = csv_bytes(["Телефон;ФИО", *good])
    settings.import_max_rows = 4000
    with pytest.raises(UnreadableFile, match="more than 4,000 rows") as refused:
        await _import(sessions, world, data, settings)
    assert refused.value.job_id is not None
    assert await _count(sessions, Contact) == 0
    async with sessions() as session:
        job = await session.get(ImportJob, refused.value.job_id)
    assert job.status == ImportStatus.FAILED and "DIALER_IMPORT_MAX_ROWS" in job.error
    assert (job.imported, job.on_dnc) == (0, 0)  # as the database is, not as far as it got


async def test_a_file_refused_after_sqlite_commits_still_leaves_nothing(
    sessions, world, settings, monkeypatch
):
    """SQLite commits groups of batches; rows already committed when the file turns bad are removed."""
    monkeypatch.setattr(importing, "_SQLITE_COMMIT_ROWS", 10)
    good = [f"8916{n:07d};Имя {n}" for n in range(300)]
    data = csv_bytes(["Телефон;ФИО", *good])
    settings.import_max_rows = 200
    with pytest.raises(UnreadableFile, match="more than 200 rows") as refused:
        await _import(sessions, world, data, settings)
    assert await _count(sessions, Contact) == 0
    async with sessions() as session:
        job = await session.get(ImportJob, refused.value.job_id)
    assert job.status == ImportStatus.FAILED and (job.imported, job.on_dnc) == (0, 0)


async def test_an_import_committed_in_groups_keeps_every_row_in_file_order(
    sessions, world, settings, monkeypatch
):
    monkeypatch.setattr(importing, "_SQLITE_COMMIT_ROWS", 7)
    good = [f"8916{n:07d};Имя {n}" for n in range(100)]
    report = await _import(sessions, world, csv_bytes(["Телефон;ФИО", *good, good[5]]), settings)
    assert (report.rows_read, report.imported, report.duplicates) == (101, 100, 1)
    contacts = await _contacts(sessions, world.campaign_id)
    assert [c.source_row for c in contacts] == list(range(2, 102))
    assert [c.phone for c in contacts] == [f"+7916{n:07d}" for n in range(100)]


class _Untouchable(io.RawIOBase):
    """A file of a given size that fails the test if anyone reads it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        raise AssertionError("the file was read")


class _Stream(io.RawIOBase):
    """A non-seekable upload of CSV rows that fails the test if read far beyond ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.sent > self.limit + 1024 * 1024:
            raise AssertionError("read far beyond the limit")
        chunk = (b"89161234567;x\r\n" * (len(buffer) // 15 + 1))[: len(buffer)]
        buffer[:] = chunk
        self.sent += len(chunk)
        return len(chunk)


async def test_a_file_over_the_size_limit_is_refused_without_being_read(sessions, world, settings):
    limited = settings.model_copy(update={"import_max_bytes": 1000})
    with pytest.raises(FileTooLarge) as refused:
        await import_contacts(
            sessions, world.campaign_id, cast(BinaryIO, _Untouchable(1001)), "big.csv", settings=limited
        )
    assert (refused.value.limit, refused.value.size) == (1000, 1001)
    stream = _Stream(limit=10_000)
    with pytest.raises(FileTooLarge):
        await import_contacts(
            sessions,
            world.campaign_id,
            cast(BinaryIO, stream),
            "big.csv",
            settings=settings.model_copy(update={"import_max_bytes": 10_000}),
        )
    assert stream.sent <= 10_000 + 1024 * 1024
    assert await _count(sessions, ImportJob) == 0


async def test_a_stream_within_the_limit_is_imported(sessions, world, settings):
    data = csv_bytes(["Телефон", "89161234567"])
    report = await import_contacts(
        sessions, world.campaign_id, io.BufferedReader(_Once(data)), "x.csv", settings=settings
    )
    assert report.imported == 1


class _Once(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), len(self.data))
        buffer[:n] = self.data[:n]
        self.data = self.data[n:]
        return n


async def test_progress_is_reported(sessions, world, settings):
    seen: list[ImportProgress] = []
    data = csv_bytes(["Телефон", *(f"8916{n:07d}" for n in range(10))])
    await _import(sessions, world, data, settings, progress=seen.append)
    assert seen and seen[-1].rows_read == 10 and seen[-1].imported == 10
    assert [p.rows_read for p in seen] == sorted(p.rows_read for p in seen)


async def test_an_unknown_campaign_is_not_found(sessions, world, settings):
    with pytest.raises(NotFound):
        await import_contacts(sessions, 9999, io.BytesIO(b"phone\n1\n"), "x.csv", settings=settings)


async def test_consent_to_advertising_calls_is_read_from_its_column(sessions, world, settings):
    data = csv_bytes(
        [
            "Телефон|Согласие на звонки",
            "89160000001|да",
            "89160000002|1",
            "89160000003|нет",
            "89160000004|",
            "89160000005|может быть",
        ]
    )
    report = await _import(sessions, world, data, settings)
    assert report.imported == 5
    assert [c.consent for c in await _contacts(sessions, world.campaign_id)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert _problems(report) == [(6, "Согласие на звонки", "unknown consent value: taken as no")]


async def test_utf16_text_as_excel_saves_unicode_text(sessions, world, settings):
    data = "Телефон\tФИО\r\n8 916 123-45-67\tАнна\r\n".encode("utf-16")
    report = await _import(sessions, world, data, settings, filename="base.txt")
    assert report.imported == 1
    [contact] = await _contacts(sessions, world.campaign_id)
    assert (contact.phone, contact.name) == ("+79161234567", "Анна")


async def test_binary_junk_in_a_row_refuses_that_row_only(sessions, world, settings):
    good = [f"8916{n:07d};x" for n in range(6000)]  # beyond the 64 KiB sample
    data = csv_bytes(["Телефон;ФИО", *good]) + "89169999999;Ив\x00\x00ан\r\n89169999998;ok\r\n".encode()
    report = await _import(sessions, world, data, settings)
    assert (report.imported, report.rejected) == (6001, 1)
    assert _problems(report) == [(6002, "ФИО", "unreadable characters (binary data) in the row")]


async def test_long_texts_are_cut_to_the_column_sizes(sessions, world, settings):
    data = csv_bytes(["Телефон|ФИО|Компания|Заметка", f"89161234567|{'Я' * 400}|{'К' * 400}|{'З' * 5000}"])
    report = await _import(sessions, world, data, settings)
    assert report.imported == 1
    [contact] = await _contacts(sessions, world.campaign_id)
    assert (len(contact.name), len(contact.company), len(contact.data["Заметка"])) == (300, 300, 5000)


async def test_an_endless_line_refuses_its_row_and_the_rows_around_it_are_kept(sessions, world, settings):
    endless = b"7" * (5 * 1024 * 1024) + b"\r\n"
    data = csv_bytes(["Телефон;ФИО", "89161234567;x"]) + endless + csv_bytes(["89161234568;y"])
    report = await _import(sessions, world, data, settings)
    assert (report.rows_read, report.imported, report.rejected) == (3, 2, 1)
    assert [(p.row, p.reason) for p in report.problems] == [(3, "line longer than 4,194,304 bytes: not read")]
    assert await _count(sessions, Contact) == 2
