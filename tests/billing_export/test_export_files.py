"""The export's rows and totals against hand-computed charges under the contracts' own terms, read
back from CSV and XLSX, and agreeing with metering's statement, on the configured database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from dialer.billing.talk_time import TalkTotal
from dialer.billing_export import xlsx_export
from dialer.billing_export.layout import COLUMNS
from dialer.billing_export.period import days_span, month_span
from dialer.billing_export.plan import ContractPart, ExportPlan, plan_export
from dialer.billing_export.service import ExportFormat, export_bytes
from dialer.clients.models import Client
from dialer.db.engine import unit_of_work
from dialer.metering.statement import close_period, monthly_statement
from tests.billing_export.world import CallSpec, at, seed

s = timedelta(seconds=1)
AUTUMN = 'Autumn; "warm" base'
CONTRACTS = {
    # per 6 s, at least 12 s, free under 5 s
    "R-1": {"rate": Decimal("1.50"), "talk_increment_s": 6, "talk_minimum_s": 12, "talk_free_under_s": 5},
    # per second; begins in October so October can be closed
    "R-2": {"rate": Decimal("0.77"), "period_start": date(2026, 10, 1)},
}
SPECS = [
    CallSpec(AUTUMN, at(3, 9), None, operator=None, disposition=None),  # never connected
    CallSpec(AUTUMN, at(3, 10), 2.5 * s),  # 3 s, under the free 5 s
    CallSpec(AUTUMN, at(4, 11), 7 * s, operator="Boris"),  # minimum 12 s: 2 units
    CallSpec(AUTUMN, at(5, 12), 13 * s + timedelta(microseconds=1)),  # 14 s -> 18 s
    CallSpec(AUTUMN, at(6, 13), 61 * s, disposition="callback"),  # 66 s: 11 units
    CallSpec(AUTUMN, at(30, 23, 59, 59), 100 * s),  # 102 s: 17 units
    CallSpec("Winter", at(7, 14), 59 * s),  # 59 s * 0.77 / 60 = 0.7571.. -> 0.76
    CallSpec("Winter", at(8, 15), 60.5 * s),  # 61 s -> 0.7828.. -> 0.78
]
OUTSIDE = [  # the last microsecond of October, the first of December
    CallSpec("Winter", at(1, 0) - timedelta(microseconds=1), 30 * s),
    CallSpec("Winter", at(30, 0) + timedelta(days=1), 30 * s),
]
# Placed on 31 October, recorded on 2 November after October was closed: billed in November, late.
LATE = CallSpec("Winter", at(1, 0) - timedelta(hours=2), 30 * s, recorded_after=timedelta(days=2))
OCTOBER_CLOSED_AT = datetime(2026, 11, 1, 12, tzinfo=UTC)
EXPECTED_R1 = [  # talk seconds, billable units, amount
    (0, 0, "0.00"),
    (3, 0, "0.00"),
    (7, 2, "0.30"),
    (14, 3, "0.45"),
    (61, 11, "1.65"),
    (100, 17, "2.55"),
]
EXPECTED_R2 = [(30, 30, "0.39"), (59, 59, "0.76"), (61, 61, "0.78")]  # the late call first


@pytest.fixture
async def world(sessions):
    world = await seed(sessions, CONTRACTS, {AUTUMN: "R-1", "Winter": "R-2"}, [*SPECS, *OUTSIDE, LATE])
    async with unit_of_work(sessions) as session:
        await close_period(session, world.contracts["R-2"], 2026, 10, by="test", now=OCTOBER_CLOSED_AT)
    return world


async def plan_of(sessions, world, span) -> ExportPlan:
    async with sessions() as session:
        client = await session.get(Client, world.client_id)
        return await plan_export(session, client, span)


async def export(sessions, plan, export_format, **options) -> tuple[bytes, dict[str, TalkTotal]]:
    totals: dict[str, TalkTotal] = {}

    def done(part: ContractPart, total: TalkTotal) -> None:
        totals[part.number] = total

    chunks = [c async for c in export_bytes(sessions, plan, export_format, contract_done=done, **options)]
    return b"".join(chunks), totals


def read_csv(data: bytes, delimiter: str = ";") -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))
    assert rows[0] == list(COLUMNS)
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def charges(rows: list[dict[str, str]]) -> list[tuple[int, int, str]]:
    return [(int(r["talk seconds"]), int(r["billable units"]), r["amount"]) for r in rows]


@pytest.mark.parametrize("delimiter", [";", ","])
async def test_csv_rows_and_totals_are_the_hand_computed_charges(sessions, world, delimiter):
    plan = await plan_of(sessions, world, month_span("2026-11"))
    data, totals = await export(sessions, plan, ExportFormat.CSV, delimiter=delimiter)

    body = read_csv(data, delimiter)
    r1 = [r for r in body if r["contract"] == "R-1"]
    r2 = [r for r in body if r["contract"] == "R-2"]
    assert len(body) == len(SPECS) + 1 + 2
    calls_r1, total_r1 = r1[:-1], r1[-1]
    calls_r2, total_r2 = r2[:-1], r2[-1]
    assert charges(calls_r1) == EXPECTED_R1
    assert charges(calls_r2) == EXPECTED_R2
    assert [int(r["call id"]) for r in calls_r1 + calls_r2] == [
        *world.calls[:6],
        world.calls[-1],
        *world.calls[6:8],
    ]
    assert {r["campaign"] for r in calls_r1} == {AUTUMN}
    assert [r["operator"] for r in calls_r1] == ["", "Anna", "Boris", "Anna", "Anna", "Anna"]
    assert [r["disposition"] for r in calls_r1][:2] == ["", "sale"]
    assert calls_r1[4]["disposition"] == "callback"
    assert calls_r1[5]["started at (UTC)"] == "2026-11-30T23:59:59Z"
    assert calls_r2[0]["started at (UTC)"] == "2026-10-31T22:00:00Z"
    assert [r["late"] for r in calls_r2] == ["late", "", ""]
    assert calls_r1[0]["phone"].startswith("'+7916")  # marked as text for spreadsheets
    assert {(r["unit (s)"], r["price per minute"], r["currency"]) for r in r1} == {("6", "1.5", "RUB")}
    assert {(r["unit (s)"], r["price per minute"]) for r in r2} == {("1", "0.77")}

    assert (total_r1["call id"], total_r1["calls"], total_r1["late"]) == ("total", "6", "0")
    assert (total_r1["talk seconds"], total_r1["billable units"], total_r1["amount"]) == ("185", "33", "4.95")
    assert (total_r2["calls"], total_r2["late"], total_r2["talk seconds"], total_r2["amount"]) == (
        "3",
        "1",
        "150",
        "1.93",
    )
    for calls, total in ((calls_r1, total_r1), (calls_r2, total_r2)):  # totals are the sums of the rows
        assert sum(Decimal(r["amount"]) for r in calls) == Decimal(total["amount"])
        assert sum(int(r["calls"]) for r in calls) == int(total["calls"])
        assert sum(int(r["billable units"]) for r in calls) == int(total["billable units"])
    assert totals["R-1"] == TalkTotal(6, 185, 198, 33, Decimal("4.95"))
    assert totals["R-2"] == TalkTotal(3, 150, 150, 150, Decimal("1.93"))


async def test_totals_equal_the_statement_of_each_contract(sessions, world):
    plan = await plan_of(sessions, world, month_span("2026-11"))
    _, totals = await export(sessions, plan, ExportFormat.CSV)
    async with sessions() as session:
        for number, contract_id in world.contracts.items():
            statement = await monthly_statement(
                session, contract_id, 2026, 11, now=datetime(2026, 12, 5, tzinfo=UTC)
            )
            assert statement.usage.calls == totals[number].calls
            assert statement.usage.talk_seconds == totals[number].talk_seconds
            assert statement.usage.billable_seconds == totals[number].billable_seconds
            assert statement.lines[0].amount == totals[number].amount
    assert statement.late_calls == 1


async def test_a_closed_month_exports_the_same_after_late_records_arrive(sessions, world):
    plan = await plan_of(sessions, world, month_span("2026-10"))
    before, _ = await export(sessions, plan, ExportFormat.CSV)
    october_r2 = [r for r in read_csv(before) if r["contract"] == "R-2"]
    assert charges(october_r2[:-1]) == [(30, 30, "0.39")]  # the last microsecond of October
    assert october_r2[-1]["calls"] == "1"  # the late call went to November


async def test_days_from_to_hold_the_calls_placed_in_them(sessions, world):
    plan = await plan_of(sessions, world, days_span(date(2026, 11, 4), date(2026, 11, 7)))
    data, totals = await export(sessions, plan, ExportFormat.CSV)
    body = read_csv(data)
    assert [r["call id"] for r in body] == [
        str(world.calls[2]),
        str(world.calls[3]),
        str(world.calls[4]),
        "total",
        str(world.calls[6]),
        "total",
    ]
    assert totals["R-1"].amount == Decimal("2.40") and totals["R-2"].amount == Decimal("0.76")
    assert plan.file_name("csv") == f"billing-client-{world.client_id}-2026-11-04_2026-11-07.csv"


async def test_xlsx_reads_back_with_the_same_rows_and_totals(sessions, world, tmp_path):
    plan = await plan_of(sessions, world, month_span("2026-11"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    data, _ = await export(sessions, plan, ExportFormat.XLSX, scratch=scratch)
    assert list(scratch.iterdir()) == []  # the temporary workbook is gone

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["R-1", "R-2"]
    sheet = [list(row) for row in workbook["R-1"].iter_rows(values_only=True)]
    assert tuple(sheet[0]) == COLUMNS
    column = {name: i for i, name in enumerate(COLUMNS)}
    talk, units, amount = column["talk seconds"], column["billable units"], column["amount"]
    assert [(r[talk], r[units], Decimal(str(r[amount]))) for r in sheet[1:-1]] == [
        (t, u, Decimal(a)) for t, u, a in EXPECTED_R1
    ]
    assert sheet[-1][:3] == ["R-1", "total", 6]
    assert (sheet[-1][talk], sheet[-1][units], Decimal(str(sheet[-1][amount]))) == (185, 33, Decimal("4.95"))
    assert sheet[1][column["campaign"]] == AUTUMN
    assert sheet[1][column["operator"]] is None and sheet[2][column["operator"]] == "Anna"
    winter = [list(row) for row in workbook["R-2"].iter_rows(values_only=True)]
    assert winter[1][column["late"]] == "late" and winter[-1][column["late"]] == 1
    assert winter[-1][2] == 3 and Decimal(str(winter[-1][amount])) == Decimal("1.93")


async def test_a_contract_over_a_sheets_rows_continues_on_the_next_sheet(sessions, world, monkeypatch):
    monkeypatch.setattr(xlsx_export, "EXCEL_MAX_ROWS", 4)  # header + 3 rows a sheet
    plan = await plan_of(sessions, world, month_span("2026-11"))
    data, _ = await export(sessions, plan, ExportFormat.XLSX, batch_rows=2)

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["R-1", "R-1 (2)", "R-1 (3)", "R-2", "R-2 (2)"]
    sheets = [[list(r) for r in workbook[name].iter_rows(values_only=True)] for name in workbook.sheetnames]
    assert all(tuple(rows[0]) == COLUMNS for rows in sheets)
    r1_rows = [row for rows in sheets[:3] for row in rows[1:]]
    assert [row[1] for row in r1_rows] == [*world.calls[:6], "total"]


async def test_a_month_without_calls_has_zero_totals(sessions, world):
    plan = await plan_of(sessions, world, month_span("2026-09"))
    data, totals = await export(sessions, plan, ExportFormat.CSV)
    assert [r["call id"] for r in read_csv(data)] == ["total"]  # R-2 begins in October
    assert totals == {"R-1": TalkTotal(0, 0, 0, 0, Decimal("0.00"))}
