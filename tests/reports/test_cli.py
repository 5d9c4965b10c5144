"""``dialer reports daily|monthly`` print or write the reports the API serves."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from dialer.cli import main
from tests.reports.world import add_call, make_world


async def run_cli(monkeypatch, database_url, argv):
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    return await asyncio.to_thread(main, argv)


async def test_the_daily_report_as_json_and_as_a_page_in_a_file(
    monkeypatch, database_url, sessions, tmp_path, capsys
):
    world = await make_world(sessions)
    await add_call(sessions, world, datetime(2026, 11, 26, 9, tzinfo=UTC), talk=60, code="sale")
    argv = ["reports", "daily", "--campaign", str(world.campaign_id), "--day", "2026-11-26"]
    assert await run_cli(monkeypatch, database_url, argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["placed"] == 1 and report["totals"]["conversions"] == 1
    page = tmp_path / "day.html"
    assert await run_cli(monkeypatch, database_url, [*argv, "--format", "html", "-o", str(page)]) == 0
    assert "<svg" in page.read_text(encoding="utf-8")
    assert (
        await run_cli(
            monkeypatch, database_url, ["reports", "daily", "--campaign", "999", "--day", "2026-11-26"]
        )
        == 1
    )
    assert "campaign 999 not found" in capsys.readouterr().err


async def test_the_monthly_report_generated_by_hand_as_pdf(
    monkeypatch, database_url, sessions, tmp_path, capsys
):
    world = await make_world(sessions)
    await add_call(sessions, world, datetime(2026, 10, 5, 9, tzinfo=UTC), talk=120, code="sale")
    pdf = tmp_path / "october.pdf"
    argv = ["reports", "monthly", "--contract", str(world.contract_id), "--month", "2026-10"]
    assert (
        await run_cli(monkeypatch, database_url, [*argv, "--generate", "--format", "pdf", "-o", str(pdf)])
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert await run_cli(monkeypatch, database_url, argv) == 0
    stored = json.loads(capsys.readouterr().out)
    assert stored["statement"]["frozen"] is True and stored["statement"]["bill"]["vat"]["gross"] == "25.00"
    assert await run_cli(monkeypatch, database_url, [*argv[:-1], "2026-13"]) == 1
    assert "month: '2026-13' is not a month" in capsys.readouterr().err
