"""The check's reading: the month's answered calls looked up in batches, each read off the loop."""

from __future__ import annotations

import threading
from collections.abc import Collection
from pathlib import Path

from ami.cel import CelCall, read_calls
from dialer.audit.service import Actor
from dialer.billing_check.service import check_contract
from dialer.billing_export.period import month_span
from dialer.db.engine import unit_of_work
from tests.billing_check.world import month_of_calls, uids, write_disputed_record

CONSOLE = Actor("console:test", "admin")


async def test_batches_give_the_same_answer_each_read_in_a_thread(sessions, tmp_path: Path) -> None:
    world = await month_of_calls(sessions)
    folder = tmp_path / "record"
    await write_disputed_record(sessions, world, folder)
    loop_thread = threading.get_ident()
    reads: list[tuple[list[str], bool]] = []

    def read(where: Path, wanted: Collection[str]) -> dict[str, CelCall]:
        reads.append((list(wanted), threading.get_ident() != loop_thread))
        return read_calls(where, wanted)

    contract, span = world.contracts["Romashka-1"], month_span("2026-11")
    async with unit_of_work(sessions) as session:
        whole = await check_contract(session, CONSOLE, contract, span, folder)
        batched = await check_contract(session, CONSOLE, contract, span, folder, read=read, batch=3)

    u = await uids(sessions, world)
    assert reads == [([u[0], u[1], u[2]], True), ([u[3]], True)]  # the unanswered call is not read
    assert batched.tally == whole.tally
    assert (whole.tally.matched, whole.tally.differing, whole.tally.missing) == (1, 2, 1)
