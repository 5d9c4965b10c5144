"""``dialer billing export``: the file written, progress and totals on stderr, the console audited."""

from __future__ import annotations

import asyncio
import csv
from datetime import timedelta
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from dialer.audit.models import AuditEvent
from dialer.billing_export.layout import COLUMNS
from dialer.cli import main
from tests.billing_export.world import CallSpec, at, seed

s = timedelta(seconds=1)


async def run_cli(monkeypatch, database_url, argv):
    """The CLI in a worker thread (it runs its own event loop), as a shell would."""
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    return await asyncio.to_thread(main, argv)


async def test_export_to_csv_and_xlsx(monkeypatch, database_url, sessions, tmp_path, capsys):
    world = await seed(
        sessions,
        {"K-7": {"rate": Decimal("3"), "talk_increment_s": 30, "talk_minimum_s": 30}},
        {"Main": "K-7"},
        [CallSpec("Main", at(10), 5 * s), CallSpec("Main", at(11), 31 * s)],
    )
    target = tmp_path / "out" / "november.csv"
    target.parent.mkdir()
    argv = ["billing", "export", "--client", str(world.client_id), "--month", "2026-11", "-o", str(target)]
    assert await run_cli(monkeypatch, database_url, [*argv, "--delimiter", ","]) == 0
    err = capsys.readouterr().err
    assert "contract K-7: 2 calls, 36 talk seconds, 3 billable units, 4.50 RUB" in err
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == list(COLUMNS)
    assert [(r[1], r[-2]) for r in rows[1:]] == [
        (str(world.calls[0]), "1.50"),
        (str(world.calls[1]), "3.00"),
        ("total", "4.50"),
    ]
    assert sorted(p.name for p in target.parent.iterdir()) == ["november.csv"]  # no partial file left

    workbook = tmp_path / "november.xlsx"
    argv[-1] = str(workbook)
    assert await run_cli(monkeypatch, database_url, [*argv, "--format", "xlsx"]) == 0
    sheet = list(openpyxl.load_workbook(workbook, read_only=True)["K-7"].iter_rows(values_only=True))
    assert sheet[-1][:3] == ("K-7", "total", 2)

    async with sessions() as session:
        actors = list(
            await session.scalars(select(AuditEvent.actor).where(AuditEvent.object_type == "billing_export"))
        )
    assert len(actors) == 2 and all(a.startswith("console:") for a in actors)


async def test_an_unknown_client_or_bad_month_fails_with_a_message(
    monkeypatch, database_url, tmp_path, capsys
):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "x.csv"
    code = await run_cli(
        monkeypatch,
        database_url,
        ["billing", "export", "--client", "999", "--month", "2026-11", "-o", str(target)],
    )
    assert code == 1
    assert "client 999 not found" in capsys.readouterr().err
    code = await run_cli(
        monkeypatch,
        database_url,
        ["billing", "export", "--client", "1", "--month", "11/2026", "-o", str(target)],
    )
    assert code == 1
    assert "is not a month as YYYY-MM" in capsys.readouterr().err
    assert list(folder.iterdir()) == []
