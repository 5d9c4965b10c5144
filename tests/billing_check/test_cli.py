"""``dialer billing check``: the table a person reads, the exit code, the console audited."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from dialer.audit.models import AuditAction, AuditEvent
from dialer.billing_check.cli import DIFFERENCES
from dialer.cli import main
from tests.billing_check.world import month_of_calls, uids, write_disputed_record, write_true_record


async def run_cli(monkeypatch, database_url, argv):
    """The CLI in a worker thread (it runs its own event loop), as a shell would."""
    monkeypatch.setenv("DIALER_DATABASE_URL", database_url)
    return await asyncio.to_thread(main, argv)


async def test_differences_are_a_table_and_a_failing_exit_code(
    monkeypatch, database_url, sessions, tmp_path, capsys
):
    world = await month_of_calls(sessions)
    folder = tmp_path / "record"
    await write_disputed_record(sessions, world, folder)
    contract = world.contracts["Romashka-1"]
    argv = [
        "billing",
        "check",
        "--contract",
        str(contract),
        "--month",
        "2026-11",
        "--record-dir",
        str(folder),
    ]
    assert await run_cli(monkeypatch, database_url, argv) == DIFFERENCES
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(f"contract Romashka-1 (id {contract}), 2026-11: 4 answered calls")
    assert "matched 1, differing 2, missing from the record 1" in lines[1]
    assert "talk seconds: product 103, record 96" in lines[2]
    header = next(i for i, line in enumerate(lines) if line.startswith("call id"))
    assert lines[header].split() == [
        "call",
        "id",
        "call",
        "uid",
        "product",
        "s",
        "record",
        "s",
        "difference",
        "reason",
    ]
    assert set(lines[header + 1]) <= {"-", " "}
    u = await uids(sessions, world)
    rows = [line.split(None, 5) for line in lines[header + 2 :]]
    assert rows == [
        [str(world.calls[1]), u[1], "30", "20", "-10", "seconds differ"],
        [str(world.calls[2]), u[2], "12", "-", "-", "missing from record"],
        [str(world.calls[3]), u[3], "0", "15", "+15", "bridged not connected"],
    ]
    # aligned columns: each uid starts under its heading, each reason under its own
    for line, uid in zip(lines[header + 2 :], [u[1], u[2], u[3]], strict=True):
        assert line.index(uid) == lines[header].index("call uid")
        assert line.rindex("  ") + 2 == lines[header].index("reason")


async def test_a_bill_the_record_confirms_exits_0(monkeypatch, database_url, sessions, tmp_path, capsys):
    world = await month_of_calls(sessions)
    folder = tmp_path / "record"
    await write_true_record(sessions, world, folder)
    contract = str(world.contracts["Romashka-1"])
    monkeypatch.setenv("DIALER_PBX_RECORD_DIR", str(folder))  # the setting, not an option
    assert (
        await run_cli(
            monkeypatch, database_url, ["billing", "check", "--contract", contract, "--month", "2026-11"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "matched 4, differing 0, missing from the record 0" in out
    assert out.rstrip().endswith("every call's bill agrees with the record")
    async with sessions() as session:
        events = list(
            await session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.PBX_CHECK))
        )
    assert len(events) == 1 and events[0].actor.startswith("console:") and events[0].detail["matched"] == 4


async def test_what_stops_the_check_is_said_with_exit_1(
    monkeypatch, database_url, sessions, tmp_path, capsys
):
    world = await month_of_calls(sessions)
    contract = str(world.contracts["Romashka-1"])
    check = ["billing", "check", "--contract"]
    assert (
        await run_cli(
            monkeypatch, database_url, [*check, "999", "--month", "2026-11", "--record-dir", str(tmp_path)]
        )
        == 1
    )
    assert "contract 999 not found" in capsys.readouterr().err
    assert (
        await run_cli(
            monkeypatch,
            database_url,
            [*check, contract, "--month", "2026-11", "--record-dir", str(tmp_path / "none")],
        )
        == 1
    )
    assert "DIALER_PBX_RECORD_DIR" in capsys.readouterr().err
    assert (
        await run_cli(
            monkeypatch, database_url, [*check, contract, "--month", "11/2026", "--record-dir", str(tmp_path)]
        )
        == 1
    )
    assert "month" in capsys.readouterr().err
