"""The talk seconds the export writes are the calls' stored ``billable_seconds`` (the rule of their
times, to the microsecond), and its start times the stored placing times to the second, on the
configured database (the CSV is read back and compared call by call); and which contracts are read
along the month's index."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from dialer.billing.talk_time import call_talk_seconds
from dialer.billing_export.layout import COLUMNS
from dialer.billing_export.period import month_span
from dialer.billing_export.plan import plan_export
from dialer.billing_export.query import holds_much_of
from dialer.billing_export.service import ExportFormat, export_bytes
from dialer.calls.models import Call
from dialer.clients.models import Client
from tests.billing_export.world import CallSpec, at, seed

EDGES = [0, 1, 999_999, 1_000_000, 1_000_001, 59_999_999, 60_000_000, 60_000_001, 86_400_000_000 + 1]


def durations(count: int, seed_value: int = 6) -> list[timedelta | None]:
    rng = random.Random(seed_value)
    lengths: list[timedelta | None] = [timedelta(microseconds=m) for m in EDGES]
    lengths += [timedelta(microseconds=rng.randrange(0, 3_600_000_000)) for _ in range(count)]
    lengths += [timedelta(seconds=rng.randrange(0, 600)) for _ in range(count // 4)]  # whole seconds
    return [*lengths, None]


async def test_exported_talk_seconds_are_the_stored_billable_seconds(sessions):
    rng = random.Random(7)
    specs = [
        CallSpec(
            "Main", at(1 + i % 28, 8 + i % 12, i % 60, rng.randrange(60), rng.randrange(1_000_000)), length
        )
        for i, length in enumerate(durations(200))
    ]
    world = await seed(sessions, {"T-1": {"rate": Decimal("1")}}, {"Main": "T-1"}, specs)
    async with sessions() as session:
        client = await session.get(Client, world.client_id)
        plan = await plan_export(session, client, month_span("2026-11"))
        times = list(
            await session.execute(
                select(Call.id, Call.placed_at, Call.connected_at, Call.ended_at, Call.billable_seconds)
            )
        )
    stored = {call_id: billable for call_id, _, _, _, billable in times}
    assert stored == {call_id: call_talk_seconds(c, e) for call_id, _, c, e, _ in times}
    assert set(stored.values()) >= {0, 1, 2, 60, 61, 86_401}  # the edges survived the round trip
    placed = {call_id: at.strftime("%Y-%m-%dT%H:%M:%SZ") for call_id, at, _, _, _ in times}
    data = b"".join([chunk async for chunk in export_bytes(sessions, plan, ExportFormat.CSV)])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    header = rows[0]
    assert header == list(COLUMNS)
    calls = [r for r in rows[1:] if r[1] != "total"]
    assert len(calls) == len(specs)
    assert {int(r[1]): int(r[header.index("talk seconds")]) for r in calls} == stored
    assert {int(r[1]): r[header.index("started at (UTC)")] for r in calls} == placed


async def test_a_contract_is_read_along_the_month_only_when_it_holds_much_of_it(sessions):
    big = await seed(
        sessions,
        {"B-1": {"rate": Decimal("1")}},
        {"Big": "B-1"},
        [CallSpec("Big", at(d), None) for d in range(1, 11)],
    )
    small = await seed(
        sessions,
        {"S-1": {"rate": Decimal("1")}},
        {"Small": "S-1"},
        [CallSpec("Small", at(5), None, operator=None)],
        name="Small",
        operators=[],
    )
    period = month_span("2026-11")
    async with sessions() as session:
        big_client, small_client = (
            await session.get(Client, big.client_id),
            await session.get(Client, small.client_id),
        )
        big_plan, small_plan = (
            await plan_export(session, big_client, period),
            await plan_export(session, small_client, period),
        )
        connection = await session.connection()
        assert await holds_much_of(
            connection, big_plan.contracts[0].period, big_plan.contracts[0].campaigns.keys()
        )
        assert not await holds_much_of(
            connection, small_plan.contracts[0].period, small_plan.contracts[0].campaigns.keys()
        )
