"""Per-minute billing export speed and memory: a month of call records exported to CSV on PostgreSQL.

Creates its own database at ``--pg-url`` (default postgresql://postgres@127.0.0.1:5432, dropped
after), migrates it, makes one client with a per-minute contract (per 6 s, at least 12 s, free under
3 s, 1.35 RUB a minute), five campaigns and 60 operators, then fills it with ``--rows`` call records
(default 10,000,000) in November 2026 with ``INSERT ... SELECT generate_series``: 40 % reach an
operator, a third of those hang up within 10 s and the rest talk an exponential 2 minutes on
average; the others ring out; a contact is called up to five times. Then exports the month to CSV
in a subprocess through the same code as ``GET /clients/{id}/billing-export`` and
``dialer billing export`` (``dialer.billing_export.service``), so the peak memory (``ru_maxrss``)
is the export's alone. Measured, not asserted; the goal: at least 200,000 rows/s and under 300 MB.

    python benchmarks/billing_export.py [--rows N] [--pg-url URL] [--output FILE]

The last line of output is one JSON object: {"rows": ..., "rows_per_s": ..., "peak_rss_mb": ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432"
MONTH = "2026-11"
CAMPAIGNS = ("Осень, тёплая база", "Кредитные карты", "Страхование; ОСАГО", "Возврат клиентов", "Опрос")
OPERATORS = 60
DISPOSITIONS = ("sale", "callback", "refused", "not_interested", "hot_lead", "wrong_number")
CONTRACT_TERMS = {
    "rate": Decimal("1.35"),
    "talk_increment_s": 6,
    "talk_minimum_s": 12,
    "talk_free_under_s": 3,
}
FILL_CHUNK = 1_000_000

FILL_CALLS = """
INSERT INTO calls (call_uid, campaign_id, contact_id, phone, attempt, operator_id, trunk, pbx, state,
                   outcome, placed_at, answered_at, connected_at, ended_at, recorded_at, talk_seconds,
                   billable_seconds, disposition_code, hot_lead)
SELECT 'bench-' || g, ($3::int[])[1 + s.c % cardinality($3::int[])], $4::bigint + s.c,
       '+7916' || lpad(s.c::text, 7, '0'), 1 + g / $5::bigint,
       CASE WHEN connected THEN ($6::int[])[1 + g % cardinality($6::int[])] END, 'trunk-1', 'pbx-1', 'ended',
       CASE WHEN connected THEN 'human_connected' ELSE 'no_answer' END,
       placed, answered, answered, ended, ended + interval '0.2 s',
       CASE WHEN connected THEN talk::float8 END,
       CASE WHEN connected THEN ceil(talk)::int ELSE 0 END,  -- what the calls package stores at the end
       CASE WHEN connected THEN ($7::text[])[1 + g % cardinality($7::text[])] END, false
FROM (
    SELECT g, c, connected, placed, talk,
           CASE WHEN connected THEN answered END AS answered,
           CASE WHEN connected THEN answered + make_interval(secs => talk::float8)
                ELSE placed + interval '25 s' END AS ended
    FROM (
        SELECT g, g % $5::bigint AS c, random() < 0.4 AS connected,
               $8::timestamptz + make_interval(secs => g * $9::float8 + random()) AS placed,
               $8::timestamptz + make_interval(secs => g * $9::float8 + 7 + 10 * random()) AS answered,
               round((CASE WHEN random() < 0.33 THEN 10 * random()
                           ELSE -ln(1 - random()) * 120 END)::numeric, 6) AS talk
        FROM generate_series($1::bigint, $2::bigint - 1) AS g
    ) AS t
) AS s
"""
FILL_CONTACTS = """
INSERT INTO contacts (campaign_id, phone, extra_phones, name, company, data, status, on_dnc, attempts)
SELECT ($3::int[])[1 + c % cardinality($3::int[])], '+7916' || lpad(c::text, 7, '0'), '[]', '', '', '{}',
       'done', false, 5
FROM generate_series($1::bigint, $2::bigint - 1) AS c
"""


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def prepare(url: str) -> tuple[int, list[int], list[int]]:
    """Migrate; one client, its contract, campaigns and operators: (client id, campaigns, operators)."""
    from dialer.campaigns.models import Campaign
    from dialer.clients.models import Client, Contract, PricingModel
    from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
    from dialer.db.migrate import upgrade
    from dialer.dialing_modes import DialMode
    from dialer.operators.models import Operator

    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with unit_of_work(make_sessionmaker(engine)) as session:
            client = Client(name="ООО «Бенчмарк»")
            session.add(client)
            await session.flush()
            contract = Contract(
                client_id=client.id,
                number="Б-2026/1",
                pricing_model=PricingModel.PER_TALK_MINUTE,
                period_start=date(2026, 1, 1),
                **CONTRACT_TERMS,
            )
            session.add(contract)
            await session.flush()
            campaigns = [
                Campaign(
                    contract_id=contract.id, client_id=client.id, name=n, dialing_mode=DialMode.PREDICTIVE
                )
                for n in CAMPAIGNS
            ]
            operators = [
                Operator(name=f"Оператор {i:02d}", login=f"op{i:02d}", sip_endpoint=f"sip-{i:02d}")
                for i in range(1, OPERATORS + 1)
            ]
            session.add_all([*campaigns, *operators])
            await session.flush()
            return client.id, [c.id for c in campaigns], [o.id for o in operators]
    finally:
        await engine.dispose()


async def fill(url: str, rows: int, campaigns: list[int], operators: list[int]) -> None:
    """``rows`` calls over the month (and a fifth as many contacts), in chunks with progress."""
    import asyncpg

    contacts = max(1, rows // 5)
    month_start = datetime(2026, 11, 1, tzinfo=UTC)
    spacing = (30 * 86_400 - 2) / max(rows, 1)  # seconds between placings: the month, evenly
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await connection.execute("SET session_replication_role = replica")  # no FK triggers while filling
        # Indexes are built once at the end, much faster than row by row; the data is the same.
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('calls', 'contacts')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint"
            " WHERE conindid = format('%I.%I', schemaname, indexname)::regclass)"
        )
        for index in indexes:
            await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        started = time.perf_counter()
        for lo in range(0, contacts, FILL_CHUNK):
            await connection.execute(FILL_CONTACTS, lo, min(contacts, lo + FILL_CHUNK), campaigns)
        first_contact = await connection.fetchval("SELECT min(id) FROM contacts")
        print(f"contacts: {contacts:,} in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        for lo in range(0, rows, FILL_CHUNK):
            hi = min(rows, lo + FILL_CHUNK)
            await connection.execute(
                FILL_CALLS,
                lo,
                hi,
                campaigns,
                first_contact,
                contacts,
                operators,
                list(DISPOSITIONS),
                month_start,
                spacing,
            )
            elapsed = time.perf_counter() - started
            print(f"calls: {hi:,} of {rows:,} in {elapsed:.0f} s ({hi / elapsed:,.0f} rows/s)", flush=True)
        started = time.perf_counter()
        for index in indexes:
            await connection.execute(index["indexdef"])
        print(f"indexes: {len(indexes)} rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        await connection.execute("VACUUM ANALYZE")  # as autovacuum would have by the month's end
        print(f"vacuum analyze: {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        await connection.close()


async def export(url: str, client_id: int, output: Path, batch_rows: int) -> dict[str, float]:
    """The month's export to ``output`` as the API and CLI do it; rows, seconds, peak memory."""
    from dialer.audit.service import Actor
    from dialer.billing_export.period import month_span
    from dialer.billing_export.service import ExportFormat, export_bytes, prepare
    from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work

    engine = make_engine(url)
    written = 0
    last_report = time.perf_counter()

    def rows_done(count: int) -> None:
        nonlocal written, last_report
        written = count
        now = time.perf_counter()
        if now - last_report >= 5:
            last_report = now
            rate = count / (now - started)
            print(f"exported {count:,} rows, {rate:,.0f} rows/s, peak RSS {rss_mb():.0f} MB", file=sys.stderr)

    try:
        sessions = make_sessionmaker(engine)
        async with unit_of_work(sessions) as session:
            plan = await prepare(
                session, Actor("benchmark", "admin"), client_id, month_span(MONTH), ExportFormat.CSV
            )
        started = time.perf_counter()
        cpu_started = time.process_time()
        with output.open("wb") as out:
            async for chunk in export_bytes(
                sessions, plan, ExportFormat.CSV, batch_rows=batch_rows, rows_done=rows_done
            ):
                out.write(chunk)
            size = out.tell()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        await engine.dispose()
    return {
        "rows": written,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(written / elapsed) if elapsed else 0,
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": rss_mb(),
        "bytes": size,
    }


def run_export(url: str, client_id: int, output: Path, batch_rows: int) -> dict[str, float]:
    os.sync()
    command = [sys.executable, __file__, "--worker", "--url", url, "--client", str(client_id)]
    command += ["--output", str(output), "--batch-rows", str(batch_rows)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit("the export failed")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="call records (default 10,000,000)")
    parser.add_argument(
        "--pg-url", default=DEFAULT_PG_URL, help=f"PostgreSQL server (default {DEFAULT_PG_URL})"
    )
    parser.add_argument(
        "--batch-rows", type=int, default=20_000, help="rows fetched per batch (default 20,000)"
    )
    parser.add_argument("--output", type=Path, help="keep the CSV here (default: a temporary file, deleted)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(asyncio.run(export(args.url, args.client, args.output, args.batch_rows))))
        return 0

    server = args.pg_url.rstrip("/")
    if server.count("/") > 2:  # a database was named: keep the server part
        server = server.rpartition("/")[0]
    admin_url = f"{server}/postgres"
    name = f"dialer_bench_billing_{uuid.uuid4().hex[:8]}"
    url = f"{server.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{name}"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    signal.signal(signal.SIGTERM, _stop)  # the database is dropped on kill too
    try:
        started = time.perf_counter()
        client_id, campaigns, operators = asyncio.run(prepare(url))
        asyncio.run(fill(url, args.rows, campaigns, operators))
        print(f"database ready in {time.perf_counter() - started:.0f} s", flush=True)
        with tempfile.TemporaryDirectory(prefix="dialer-bench-billing-") as scratch:
            output = args.output or Path(scratch) / "billing.csv"
            result = run_export(url, client_id, output, args.batch_rows)
    finally:
        asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(
        f"export: {result['rows']:,} rows in {result['seconds']:.1f} s = {result['rows_per_s']:,.0f} rows/s "
        f"(CPU {result['cpu_seconds']:.1f} s), {result['bytes'] / 1e6:,.0f} MB of CSV, "
        f"peak RSS {result['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    print(
        json.dumps(
            {"rows": result["rows"], "rows_per_s": result["rows_per_s"], "peak_rss_mb": result["peak_rss_mb"]}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
