"""``dialer billing statement|close|volume`` from the shell."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from dialer.cli import main
from tests.metering.world import make_world

OCT = datetime(2026, 10, 1, tzinfo=UTC)


async def run_cli(monkeypatch, database_url: str, argv: list[str]) -> int:
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    return await asyncio.to_thread(main, argv)


async def test_statement_close_and_volume_from_the_shell(monkeypatch, database_url, sessions, capsys):
    world = await make_world(
        sessions, volume_committed=Decimal(100), vat_rate=Decimal("0.2"), period_start=OCT.date()
    )
    await world.call(OCT + timedelta(days=2), timedelta(minutes=10))
    contract = str(world.contract_id)

    assert (
        await run_cli(
            monkeypatch, database_url, ["billing", "statement", "--contract", contract, "--month", "2026-10"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "month 2026-10 (open)" in out and "35.00 RUB" in out and "VAT included at 0.2" in out

    assert (
        await run_cli(
            monkeypatch,
            database_url,
            ["billing", "close", "--contract", contract, "--month", "2026-10", "--by", "anna", "--json"],
        )
        == 0
    )
    frozen = json.loads(capsys.readouterr().out)
    assert (
        frozen["frozen"] is True
        and frozen["closed_by"] == "anna"
        and frozen["bill"]["vat"]["gross"] == "35.00"
    )

    assert (
        await run_cli(
            monkeypatch, database_url, ["billing", "statement", "--contract", contract, "--month", "2026-10"]
        )
        == 0
    )
    assert "closed by anna" in capsys.readouterr().out

    assert await run_cli(monkeypatch, database_url, ["billing", "volume", "--contract", contract]) == 0
    assert "minutes" in capsys.readouterr().out

    assert (
        await run_cli(
            monkeypatch, database_url, ["billing", "statement", "--contract", "999", "--month", "2026-10"]
        )
        == 1
    )
    assert "contract 999 not found" in capsys.readouterr().err
    assert (
        await run_cli(
            monkeypatch, database_url, ["billing", "close", "--contract", contract, "--month", "2026/10"]
        )
        == 1
    )
    assert "--month: '2026/10' is not a month as YYYY-MM" in capsys.readouterr().err
