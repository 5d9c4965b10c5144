"""Transactions per call: a simulated campaign's facts through the engine's store path, commits counted.

Calls of a realistic mix (no answer, busy, answering machine, a person put through to an operator
who wraps up) are placed on a timeline; their facts reach the engine's ``FactHandler`` in time
order at ``--speed`` times real time, and go through its ordered writer to ``SqlCallStore`` on a
freshly migrated database (SQLite by default). A SQLAlchemy ``commit`` listener counts the
transactions; each call's record writes (create, facts, end, wrap-up) are what is measured, and
the timeline keeps the gaps between a call's facts, so what merges is what would merge live. The
writer's hold bound (``--hold-s``, engine seconds like the timeline) is scaled the same way.

    python benchmarks/call_writes.py [--calls 400] [--speed 20] [--hold-s 1.0] [--database-url URL]

``--hold-s 0`` writes every fact in its own transaction (as before the merge). ``--speed 0`` feeds the
facts without waiting (the hold bound then counts in real seconds): ``facts_per_s`` is the store
path's throughput (tracker facts in, committed rows out). The last line of
output is one JSON object: {"transactions_per_call": ..., "facts_per_s": ..., ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

# Run as a script, this file would shadow the packages it measures: drop its folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from ami.facts import (  # noqa: E402
    AmdVerdict,
    CallAnswered,
    CallConnected,
    CallFailed,
    CallHungUp,
    CallRinging,
    Fact,
    FailReason,
    HungUpBy,
)
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS  # noqa: E402
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode, RecordingPolicy  # noqa: E402
from dialer.clients.models import Client, Contract, PricingModel  # noqa: E402
from dialer.contacts.models import Contact  # noqa: E402
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work  # noqa: E402
from dialer.db.migrate import upgrade  # noqa: E402
from dialer.dialing_modes import DialMode  # noqa: E402
from dialer.engine.fact_handler import FactHandler  # noqa: E402
from dialer.engine.floor import Floor, LiveCall, LiveOperator, Seat  # noqa: E402
from dialer.engine.operators import OperatorConnector  # noqa: E402
from dialer.engine.ports import Lease  # noqa: E402
from dialer.engine.sql_store import SqlCallStore  # noqa: E402
from dialer.engine.writer import OrderedWriter  # noqa: E402
from dialer.operators import presence  # noqa: E402
from dialer.operators.models import Operator, campaign_operators  # noqa: E402

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
WRAP_S = 10.0


KINDS = {"no_answer": 35, "busy": 10, "machine": 20, "person": 35}  # the mix, in percent


def scenarios(calls: int, seed: int, only: str | None = None) -> list[tuple[float, str, str]]:
    """(placed at, call uid, kind) for each call: one placed every 0.5 s."""
    rng = random.Random(seed)
    kinds = [only] * calls if only else rng.choices(list(KINDS), weights=list(KINDS.values()), k=calls)
    return [(i * 0.5, f"bench-{i}", kind) for i, kind in enumerate(kinds)]


def facts_of(
    placed: float, uid: str, kind: str, rng: random.Random, endpoint: str
) -> list[tuple[float, Fact]]:
    def at(s: float) -> datetime:
        return T0 + timedelta(seconds=s)

    t = placed + rng.uniform(0.5, 2.0)
    if kind == "busy":
        return [(t, CallFailed(uid, at(t), FailReason.BUSY, 17, "BUSY"))]
    out: list[tuple[float, Fact]] = [(t, CallRinging(uid, at(t)))]
    if kind == "no_answer":
        t += rng.uniform(15, 30)
        return [*out, (t, CallFailed(uid, at(t), FailReason.NO_ANSWER, 19, "NOANSWER"))]
    t += rng.uniform(4, 15)
    out.append((t, CallAnswered(uid, at(t))))
    amd_after = rng.uniform(1.5, 4.0)
    t += amd_after
    if kind == "machine":
        out.append((t, AmdVerdict(uid, at(t), "MACHINE", "INITIALSILENCE-2500-2500", amd_after)))
        t += rng.uniform(0.2, 1.0)
        return [*out, (t, CallHungUp(uid, at(t), 16, "Normal Clearing", HungUpBy.DIALPLAN, 0.0))]
    out.append((t, AmdVerdict(uid, at(t), "HUMAN", "HUMAN-500-100", amd_after)))
    t += rng.uniform(0.1, 0.6)
    out.append((t, CallConnected(uid, at(t), endpoint)))
    talk = rng.uniform(20, 90)
    t += talk
    return [*out, (t, CallHungUp(uid, at(t), 16, "Normal Clearing", HungUpBy.CUSTOMER, talk))]


async def seed(
    sessions: Any, calls: int, endpoints: list[str]
) -> tuple[int, list[int], list[tuple[int, str]]]:
    async with unit_of_work(sessions) as session:
        client = Client(name="Bench", country="RU")
        session.add(client)
        await session.flush()
        contract = Contract(
            client_id=client.id,
            number="B-1",
            pricing_model=PricingModel.PER_TALK_MINUTE,
            period_start=T0.date(),
        )
        session.add(contract)
        await session.flush()
        campaign = Campaign(
            contract_id=contract.id,
            client_id=client.id,
            name="Bench",
            dialing_mode=DialMode.PROGRESSIVE,
            state=CampaignState.RUNNING,
            wrap_up_s=int(WRAP_S),
            dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
        )
        operators = [Operator(name=f"Op {e}", login=f"op{e}", sip_endpoint=e) for e in endpoints]
        session.add_all([campaign, *operators])
        await session.flush()
        if operators:
            rows = [{"campaign_id": campaign.id, "operator_id": o.id} for o in operators]
            await session.execute(insert(campaign_operators), rows)
        contacts = [
            Contact(campaign_id=campaign.id, phone=f"+7916{i:07d}", timezone="UTC") for i in range(calls)
        ]
        session.add_all(contacts)
        await session.flush()
        for op in operators:
            await presence.login(session, op.id, [campaign.id], T0)
            await presence.set_registered(session, op.id, True, T0)
            await presence.set_ready(session, op.id, T0)
        return campaign.id, [c.id for c in contacts], [(o.id, o.sip_endpoint) for o in operators]


async def simulate(
    url: str, calls: int, speed: float, hold_s: float, seed_no: int, only: str | None = None
) -> dict[str, Any]:
    rng = random.Random(seed_no)
    busy_until: dict[str, float] = {}  # each operator's endpoint: free again at
    timeline: list[tuple[float, int, Any]] = []
    for n, (placed, uid, kind) in enumerate(scenarios(calls, seed_no, only)):
        timeline.append((placed, n, ("place", uid, n)))
        facts = facts_of(placed, uid, kind, rng, "")
        connect = next((i for i, (_, f) in enumerate(facts) if isinstance(f, CallConnected)), None)
        if connect is not None:  # the operator free longest takes the call (one more if none is)
            t, connected = facts[connect]
            assert isinstance(connected, CallConnected)
            endpoint = min(busy_until, key=lambda e: busy_until[e], default=None)
            if endpoint is None or busy_until[endpoint] > t:
                endpoint = f"{2000 + len(busy_until)}"
            busy_until[endpoint] = facts[-1][0] + WRAP_S + 1.0
            facts[connect] = (t, replace(connected, operator=endpoint))
        timeline += [(t, n, fact) for t, fact in facts]
    engine = make_engine(url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    campaign_id, contact_ids, operators = await seed(sessions, calls, sorted(busy_until))
    store = SqlCallStore(
        sessions, owner="bench", lease_for=timedelta(minutes=5), campaign_ttl=timedelta(minutes=5)
    )
    plans = {p.campaign_id: p for p in await store.running_campaigns(T0)}
    floor = Floor()
    for op_id, endpoint in operators:
        floor.operators[endpoint] = LiveOperator(
            op_id, endpoint, frozenset({campaign_id}), seat=Seat.READY, since=T0
        )
    try:
        real_hold_s = hold_s / speed if speed > 0 else hold_s
        writer = OrderedWriter(hold_s=real_hold_s)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # a writer that holds nothing (before the merge)
        writer = OrderedWriter()
    handler = FactHandler(floor, store, writer, plans, default_wrap_s=WRAP_S)
    connector = OperatorConnector(floor, store, None, writer, plans)  # type: ignore[arg-type]
    writer.start()

    timeline.sort(key=lambda item: (item[0], item[1]))
    fact_count = sum(1 for *_, f in timeline if not isinstance(f, tuple))
    end_s = timeline[-1][0] + WRAP_S + 1

    commits = Counter[str]()
    event.listen(engine.sync_engine, "commit", lambda conn: commits.update(["commit"]))

    started, cpu_started = time.perf_counter(), time.process_time()

    async def until(engine_s: float) -> None:
        if speed <= 0:  # as fast as the store path goes
            await asyncio.sleep(0)
            return
        delay = started + engine_s / speed - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    last_wrap_check = 0.0
    for t, _, item in timeline:
        await until(t)
        now = T0 + timedelta(seconds=t)
        if t - last_wrap_check >= 1.0:  # the engine's tick ends the wrap-ups due
            await connector.end_wraps(now)
            last_wrap_check = t
        if isinstance(item, tuple):
            _, uid, n = item
            contact_id = contact_ids[n]
            await store.create_call(
                uid, campaign_id, Lease(contact_id, "+79160000000", 1), "trunk", "asterisk", now,
                recording_policy=RecordingPolicy.NONE,
            )  # fmt: skip
            floor.add_call(LiveCall(uid, campaign_id, contact_id, "trunk", "asterisk", now))
        else:
            handler.on_fact(item)
    tick = timeline[-1][0]
    while tick < end_s:
        tick += 1.0
        await until(tick)
        await connector.end_wraps(T0 + timedelta(seconds=tick))
    await writer.drain()
    await writer.stop()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    await engine.dispose()
    return {
        "calls": calls,
        "facts": fact_count,
        "transactions": commits["commit"],
        "transactions_per_call": round(commits["commit"] / calls, 3),
        "writer_failures": writer.failures,
        "elapsed_s": round(elapsed, 2),
        "facts_per_s": round(fact_count / elapsed, 1),
        "cpu_ms_per_call": round(cpu * 1000 / calls, 2),  # this process's (the database server's not)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument(
        "--speed",
        type=float,
        default=20.0,
        help="engine seconds per real second (default 20); 0: no waiting, the store path's throughput",
    )
    parser.add_argument("--hold-s", type=float, default=1.0, help="the writer's hold bound, engine seconds")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=sorted(KINDS), help="every call of this kind (default: the mix)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        result = asyncio.run(simulate(url, args.calls, args.speed, args.hold_s, args.seed, args.only))
    result |= {"speed": args.speed, "hold_s": args.hold_s, "calls_of": args.only or "mix"}
    print(
        f"{result['calls']} calls, {result['facts']} facts: {result['transactions']} transactions, "
        f"{result['transactions_per_call']} per call; {result['elapsed_s']} s; "
        f"{result['writer_failures']} failed writes"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
