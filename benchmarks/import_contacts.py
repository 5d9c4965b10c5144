"""Import speed and memory of a Russian-style contact base, on SQLite and on PostgreSQL.

Generates a ``;``-separated Windows-1251 CSV (1,000,000 rows by default, ``--rows N``) with numbers
in the shapes bases really hold (``8 (916) 123-45-67``, ``+7 916 123 45 67``, ``79161234567``,
``916-123-45-67``, Moscow landlines), names, companies, a city and a comment column, about 1% repeated
numbers and 0.5% rubbish. Then imports it once into a fresh SQLite file and once into a fresh
PostgreSQL database (created and dropped at ``--pg-url``, default postgresql://postgres@127.0.0.1:5432/
postgres), each in its own subprocess so the peak memory (``ru_maxrss``) is that import's alone.

Before the imports it times ``phonenumbers`` alone (parse + format as E.164) on the same file's
numbers, in this process, so the import's rate can be read as a ratio on any machine (``x_phonenumbers``
in the JSON line: rows/s of the import over numbers/s of the library alone, measured in the same run).

Measured, not asserted. The goals: PostgreSQL at least 50,000 rows/s, SQLite at least 30,000 rows/s,
peak memory under 500 MB. CPU per row is printed too: on a shared machine it moves far less than
wall-clock rates. The importer's counts its own process and its reading process
(:mod:`dialer.contacts.pipeline`, and an XLSX reader below it), which is also given on its own; the
database server's is the PostgreSQL backends'. Peak memory is the largest of those processes. While
the import runs, a task on the importer's event loop sleeps 5 ms over and over and records how late
it wakes (the loop the engine would dial from: ``loop_late_p99_ms``, ``loop_late_max_ms``). The last
line of output is one JSON object with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков"]
NAMES = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил"]
PATRONYMICS = ["Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Иванович", "Петрович"]
COMPANIES = ["ООО «Ромашка»", "АО «Вектор»", "ИП Сидоров", "ООО «Техносфера»", "ЗАО «Альянс»", ""]
CITIES = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Тула", "Омск"]


def _shape(rng: random.Random, nsn: str) -> str:
    a, b, c, d = nsn[:3], nsn[3:6], nsn[6:8], nsn[8:]
    style = rng.randrange(5)
    if style == 0:
        return f"8 ({a}) {b}-{c}-{d}"
    if style == 1:
        return f"+7 {a} {b} {c} {d}"
    if style == 2:
        return f"7{nsn}"
    if style == 3:
        return f"{a}-{b}-{c}-{d}"
    return f"8{nsn}"


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write the base: unique numbers from a permutation, plus a few repeats and a little rubbish."""
    rng = random.Random(seed)
    step = 387_420_489  # coprime with 10**9: i -> i*step mod 10**9 visits every 9-digit tail once
    with path.open("w", encoding="cp1251", newline="") as out:
        out.write("Телефон;ФИО;Компания;Город;Комментарий\r\n")
        recent: list[str] = []
        for i in range(rows):
            roll = rng.random()
            if roll < 0.01 and recent:
                phone = rng.choice(recent)
            elif roll < 0.015:
                phone = rng.choice(["", "нет", "8 916 12", "звонить после 18"])
            else:
                tail = f"{(i * step) % 10**9:09d}"
                nsn = ("495" + tail[2:]) if roll > 0.9 else ("9" + tail)
                phone = _shape(rng, nsn)
                if i % 97 == 0:
                    recent = [*recent[-50:], phone]
            name = f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} {rng.choice(PATRONYMICS)}"
            comment = "перезвонить" if rng.random() < 0.1 else ""
            out.write(f"{phone};{name};{rng.choice(COMPANIES)};{rng.choice(CITIES)};{comment}\r\n")


async def _prepare(url: str) -> int:
    from dialer.campaigns.models import Campaign
    from dialer.clients.models import Client, Contract, PricingModel
    from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
    from dialer.db.migrate import upgrade
    from dialer.dialing_modes import DialMode

    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with unit_of_work(make_sessionmaker(engine)) as session:
            client = Client(name="Бенчмарк", country="RU")
            session.add(client)
            await session.flush()
            contract = Contract(
                client_id=client.id,
                number="B-1",
                pricing_model=PricingModel.PER_PROCESSED_CONTACT,
                period_start=date(2026, 1, 1),
            )
            session.add(contract)
            await session.flush()
            campaign = Campaign(
                contract_id=contract.id,
                client_id=client.id,
                name="Бенчмарк",
                dialing_mode=DialMode.PREDICTIVE,
            )
            session.add(campaign)
            await session.flush()
            return campaign.id
    finally:
        await engine.dispose()


def phonenumbers_rate(file: Path, limit: int = 50_000) -> tuple[float, float]:
    """Numbers per wall second and per CPU second that ``phonenumbers`` alone parses and formats as
    E.164, on the first ``limit`` numbers of the base (refused ones count: they were parsed too)."""
    import phonenumbers

    numbers: list[str] = []
    with file.open(encoding="cp1251", newline="") as lines:
        next(lines)  # the header
        for line in lines:
            numbers.append(line.partition(";")[0])
            if len(numbers) >= limit:
                break
    parse, format_number = phonenumbers.parse, phonenumbers.format_number
    e164 = phonenumbers.PhoneNumberFormat.E164
    started, cpu_started = time.perf_counter(), time.process_time()
    for written in numbers:
        try:
            format_number(parse(written, "RU"), e164)
        except phonenumbers.NumberParseException:  # refused numbers were parsed too
            continue
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return len(numbers) / elapsed, len(numbers) / cpu


def _server_cpu(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving this database (0 for SQLite)."""
    if not url.startswith("postgresql"):
        return 0.0
    import psutil

    database = url.rpartition("/")[2]
    total = 0.0
    for process in psutil.process_iter(["cmdline"]):
        try:
            cmdline = process.info["cmdline"] or []
            if cmdline and cmdline[0].startswith("postgres:") and database in " ".join(cmdline):
                times = process.cpu_times()
                total += times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


class _Heartbeat:
    """How late the event loop wakes a task that sleeps :data:`BEAT_S` over and over, in ms."""

    BEAT_S = 0.005

    def __init__(self) -> None:
        self.late: list[float] = []
        self.task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        clock = time.perf_counter
        while True:
            started = clock()
            await asyncio.sleep(self.BEAT_S)
            self.late.append((clock() - started - self.BEAT_S) * 1000)

    def start(self) -> None:
        self.task = asyncio.create_task(self._beat())

    async def stop(self) -> tuple[float, float]:
        """The 99th percentile and the maximum lateness."""
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        late = sorted(self.late) or [0.0]
        return late[min(len(late) - 1, int(0.99 * len(late)))], late[-1]


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (the import's reading process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _peak_rss(who: int) -> float:
    """The peak resident memory in MB of this process (``RUSAGE_SELF``) or of its largest child."""
    return resource.getrusage(who).ru_maxrss / 1024


async def _import(url: str, file: Path, batch_rows: int) -> dict[str, float]:
    from dialer.contacts.importing import import_contacts
    from dialer.db.engine import make_engine, make_sessionmaker
    from dialer.settings import Settings

    campaign_id = await _prepare(url)
    settings = Settings(database_url=url, import_batch_rows=batch_rows)
    engine = make_engine(url)
    try:
        sessions = make_sessionmaker(engine)
        started = time.perf_counter()
        cpu_started, reader_started = time.process_time(), _children_cpu()
        heartbeat = _Heartbeat()
        heartbeat.start()
        with file.open("rb") as source:
            report = await import_contacts(sessions, campaign_id, source, file.name, settings=settings)
        elapsed = time.perf_counter() - started
        late_p99, late_max = await heartbeat.stop()
        reader_cpu = _children_cpu() - reader_started  # the reading process, reaped by now
        cpu = time.process_time() - cpu_started + reader_cpu
        server_cpu = _server_cpu(url)
    finally:
        await engine.dispose()
    return {
        "rows_per_s": round(report.rows_read / elapsed),
        "peak_rss_mb": round(max(_peak_rss(resource.RUSAGE_SELF), _peak_rss(resource.RUSAGE_CHILDREN)), 1),
        "cpu_us_per_row": round(cpu / report.rows_read * 1e6, 1),
        "reader_cpu_us_per_row": round(reader_cpu / report.rows_read * 1e6, 1),
        "server_cpu_us_per_row": round(server_cpu / report.rows_read * 1e6, 1),
        "loop_late_p99_ms": round(late_p99, 1),
        "loop_late_max_ms": round(late_max, 1),
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "server_cpu_seconds": round(server_cpu, 2),
        "rows_read": report.rows_read,
        "imported": report.imported,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
    }


def worker(args: argparse.Namespace) -> int:
    result = asyncio.run(_import(args.url, Path(args.file), args.batch_rows))
    print(json.dumps(result))
    return 0


async def _pg_admin(admin_url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _run_worker(name: str, url: str, file: Path, batch_rows: int) -> dict[str, float]:
    os.sync()  # the previous run's dirty pages are not written back during this one
    command = [sys.executable, __file__, "--worker", "--url", url, "--file", str(file)]
    command += ["--batch-rows", str(batch_rows)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{name} import failed")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{name:<10} {result['rows_read']:>9,} rows in {result['seconds']:>6.1f} s = "
        f"{result['rows_per_s']:>7,.0f} rows/s, peak RSS {result['peak_rss_mb']:.0f} MB, "
        f"CPU importer {result['cpu_seconds']:.1f} s ({result['cpu_us_per_row']:.1f} µs/row, "
        f"{result['reader_cpu_us_per_row']:.1f} of them in its reading process), "
        f"database server {result['server_cpu_seconds']:.1f} s "
        f"({result['server_cpu_us_per_row']:.1f} µs/row), event loop late p99 "
        f"{result['loop_late_p99_ms']:.1f} ms, max {result['loop_late_max_ms']:.1f} ms "
        f"(imported {result['imported']:,}, duplicates {result['duplicates']:,}, "
        f"rejected {result['rejected']:,})",
        flush=True,
    )
    return result


def _machine() -> str:
    """The processor's model and how many of its cores this process may use, to say where a run came from."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = (line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
            model = next(names, "")
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model or 'unknown processor'}, {cores} cores"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=5000, help="rows per COPY / executemany batch")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("DIALER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--skip", choices=["sqlite", "postgresql"], action="append", default=[])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    load = [round(x, 2) for x in os.getloadavg()]  # the other jobs' load, before this run adds its own
    print(f"machine: {_machine()}; load average {load[0]}, {load[1]}, {load[2]} before this run")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="dialer-bench-") as folder:
        base = Path(folder) / "base.csv"
        started = time.perf_counter()
        generate(base, args.rows)
        size_mb = base.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} rows ({size_mb:.0f} MB, cp1251) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        per_s, per_cpu_s = phonenumbers_rate(base)
        print(
            f"phonenumbers alone (parse + E.164) on the same numbers: {per_s:,.0f} numbers/s "
            f"({per_cpu_s:,.0f} per CPU second)",
            flush=True,
        )
        if "sqlite" not in args.skip:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            results["sqlite"] = _run_worker("sqlite", url, base, args.batch_rows)
        if "postgresql" not in args.skip:
            name = f"dialer_bench_{uuid.uuid4().hex[:10]}"
            asyncio.run(_pg_admin(args.pg_url, f'CREATE DATABASE "{name}"'))
            try:
                prefix = args.pg_url.rpartition("/")[0].replace("postgresql://", "postgresql+asyncpg://", 1)
                results["postgresql"] = _run_worker("postgresql", f"{prefix}/{name}", base, args.batch_rows)
            finally:
                asyncio.run(_pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    summary: dict[str, object] = {
        k: {
            "rows_per_s": v["rows_per_s"],
            "peak_rss_mb": v["peak_rss_mb"],
            "cpu_us_per_row": v["cpu_us_per_row"],
            "reader_cpu_us_per_row": v["reader_cpu_us_per_row"],
            "server_cpu_us_per_row": v["server_cpu_us_per_row"],
            "loop_late_p99_ms": v["loop_late_p99_ms"],
            "loop_late_max_ms": v["loop_late_max_ms"],
            "x_phonenumbers": round(v["rows_per_s"] / per_s, 2),
        }
        for k, v in results.items()
    }
    summary["phonenumbers_per_s"] = round(per_s)
    summary["phonenumbers_per_cpu_s"] = round(per_cpu_s)
    summary["machine"] = _machine()
    summary["load_avg"] = load
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
