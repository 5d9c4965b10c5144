"""The event loop under hostile load: the engine's pacing tick and the FastAGI decisions stay on time.

The whole service (API, engine, AMI client, FastAGI server in one process and one event loop, as
``./run`` starts it) runs a predictive campaign against the PBX simulator on SQLite (or PostgreSQL
with ``--pg-url``). After an idle phase it is loaded, all at once, with what once froze it, by
callers in a process of their own (``benchmarks/hostile_load.py``), as real callers are: their own
HTTP work is not the service's loop's:

- a sign-in flood: ``--flood`` callers sending wrong passwords to ``POST /auth/token`` without pause
  (Argon2 in worker threads, the attempts limit answering 429 after the first few);
- an XLSX import of ``--xlsx-rows`` contacts through ``POST /campaigns/{id}/contacts/import`` (the
  workbook parsed in its child process);
- billing exports of the client's month, as XLSX, one after another (``GET
  /clients/{id}/billing-export``).

Throughout, it measures (a) the pacing tick: how late each engine tick starts, i.e. the real time
from the end of one tick to the start of the next less the nominal pause (``engine_tick_s`` at the
simulator's speed), which is what a blocked loop delays (the interval between tick starts, which
adds the tick's own work and its database waits, is printed too); and (b) the FastAGI decision
latency: a probe in a process of its own, as Asterisk is (``benchmarks/agi_probe.py``), connects to
the product's FastAGI server every 20 ms as Asterisk does after ``AMD()`` (route ``amd``, a machine),
answers its ``GET VARIABLE`` commands, and times connect-to-hang-up. Measured, not asserted (the test
``tests/test_loop_latency.py`` runs it small with a generous limit); the goal: p99 under 100 ms.

    python benchmarks/loop_latency.py [--seconds 20] [--xlsx-rows 50000] [--flood 10] [--pg-url URL]

The last line of output is one JSON object: {"tick_p99_ms": ..., "agi_p99_ms": ..., ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dialer.accounts import service as auth  # noqa: E402
from dialer.auth.models import Role  # noqa: E402
from dialer.auth.schemas import UserCreate  # noqa: E402
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work  # noqa: E402
from dialer.db.migrate import upgrade  # noqa: E402
from tests.e2e.harness import Stack, running_stack  # noqa: E402
from tests.e2e.scripts import contact_base  # noqa: E402

SPEED = 10.0
"""Simulated seconds per real second: a 1 s engine tick comes every 0.1 s of real time."""
AGI_EVERY_S = 0.02
ADMIN, PASSWORD = "bench-admin", "bench-password-1234"
CORE_WAIT_EVERY_S = 0.05
CALLERS = ROOT / "benchmarks" / "hostile_load.py"
AGI_PROBE = ROOT / "benchmarks" / "agi_probe.py"


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p99 and max of ``values`` in milliseconds (zeros when there are none)."""
    if not values:
        return {"p50": 0.0, "p99": 0.0, "max": 0.0, "n": 0}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p99": round(p99 * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
        "n": len(ordered),
    }


def write_workbook(path: Path, rows: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("База")
    sheet.append(["Телефон", "ФИО", "Компания", "Город"])
    for n in range(rows):
        sheet.append([f"8925{n:07d}", f"Клиент номер {n}", f"ООО Компания {n}", f"Город {n % 500}"])
    workbook.save(path)


def core_wait_s() -> float:
    """Seconds the calling thread has spent runnable but waiting for a core (Linux schedstat; 0
    elsewhere): time a machine short of cores took from the loop, not time the loop spent working."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class Probes:
    """The tick and FastAGI timings, with the phase (idle or load) each belongs to."""

    def __init__(self, stack: Stack) -> None:
        assert stack.service.runtime is not None
        self.runtime = stack.service.runtime
        self.nominal = stack.settings.engine_tick_s / SPEED
        self.phase = "idle"
        self.tick_late: dict[str, list[float]] = {"idle": [], "load": []}
        self.tick_late_own: dict[str, list[float]] = {"idle": [], "load": []}  # less the core waits
        self.agi_own: dict[str, list[float]] = {"idle": [], "load": []}
        self._waited_at_tick = 0.0
        self.tick_interval: dict[str, list[float]] = {"idle": [], "load": []}
        self.agi: dict[str, list[float]] = {"idle": [], "load": []}
        self._last_tick: float | None = None
        self._last_start: float | None = None
        self.core_waits: list[tuple[float, float]] = []  # (time.monotonic(), core wait so far)
        engine = self.runtime.engine
        tick = engine.tick

        async def timed_tick(told: set[str] | None = None) -> None:
            start = time.monotonic()
            if self._last_tick is not None:
                late = max(0.0, start - self._last_tick - self.nominal)
                self.tick_late[self.phase].append(late)
                self.tick_late_own[self.phase].append(max(0.0, late - (core_wait_s() - self._waited_at_tick)))
            if self._last_start is not None:
                self.tick_interval[self.phase].append(start - self._last_start)
            self._last_start = start
            await tick(told)
            self._last_tick = time.monotonic()  # the pause is measured from a tick's end
            self._waited_at_tick = core_wait_s()

        engine.tick = timed_tick  # type: ignore[method-assign]

    def sample_core_wait(self) -> None:
        """Note the loop thread's core wait so far, to take it off the probe's sessions after."""
        self.core_waits.append((time.monotonic(), core_wait_s()))

    async def sample_core_waits(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample_core_wait()
            await asyncio.sleep(CORE_WAIT_EVERY_S)

    def core_wait_between(self, start: float, end: float) -> float:
        """Seconds the loop thread waited for a core between two ``time.monotonic()`` moments
        (interpolated between the samples)."""
        return max(0.0, self._core_wait_at(end) - self._core_wait_at(start))

    def _core_wait_at(self, moment: float) -> float:
        samples = self.core_waits
        k = bisect.bisect_left(samples, (moment, -1.0))
        if k == 0:
            return samples[0][1] if samples else 0.0
        if k == len(samples):
            return samples[-1][1]
        (t0, w0), (t1, w1) = samples[k - 1], samples[k]
        return w0 + (w1 - w0) * (moment - t0) / (t1 - t0) if t1 > t0 else w1

    def add_sessions(self, sessions: list[list[float]], phases: dict[str, tuple[float, float]]) -> None:
        """File the probe's sessions under the phase each started in."""
        for start, end in sessions:
            for phase, (begins, ends) in phases.items():
                if begins <= start < ends:
                    self.agi[phase].append(end - start)
                    self.agi_own[phase].append(max(0.0, end - start - self.core_wait_between(start, end)))


@contextlib.asynccontextmanager
async def _helper(name: str, script: Path, *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """A helper script (the callers, the probe) started in its own process and ready (it prints
    ``ready``); killed on the way out if it has not finished."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(script), *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert child.stdout is not None
        if (await child.stdout.readline()).strip() != b"ready":
            raise RuntimeError(f"{name} did not start (exit code {await child.wait()})")
        yield child
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


async def _tell_and_collect(name: str, child: asyncio.subprocess.Process, word: bytes) -> Any:
    """Send a helper its line (``go``: start the load; ``stop``: end the probing), wait for it to
    finish, and return the JSON line it printed."""
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(word + b"\n")
    await child.stdin.drain()
    line = await child.stdout.readline()
    if await child.wait() != 0 or not line:
        raise RuntimeError(f"{name} failed (exit code {child.returncode})")
    return json.loads(line)


@contextlib.asynccontextmanager
async def _database(pg_url: str | None, workdir: Path) -> AsyncIterator[str]:
    """A fresh database's SQLAlchemy URL: a SQLite file in ``workdir``, or a PostgreSQL database
    created at ``pg_url`` (a server's ``postgresql://`` URL) and dropped after."""
    if pg_url is None:
        yield f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        return
    import asyncpg

    name = f"loop_latency_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = pg_url.rstrip("/").replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(pg_url)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def measure(
    *,
    seconds: float,
    idle_seconds: float,
    xlsx_rows: int,
    flood: int,
    workdir: Path,
    pg_url: str | None = None,
) -> dict[str, Any]:
    """Run the service on SQLite (or on a PostgreSQL database created at ``pg_url``), an idle
    phase, then the load for at least ``seconds`` (and until the import ends); the figures of both
    phases."""
    async with _database(pg_url, workdir) as database_url:
        figures = await _measure(database_url, seconds, idle_seconds, xlsx_rows, flood, workdir)
    return {"database": "postgresql" if pg_url else "sqlite", **figures}


async def _measure(
    database_url: str, seconds: float, idle_seconds: float, xlsx_rows: int, flood: int, workdir: Path
) -> dict[str, Any]:
    workbook = workdir / "base.xlsx"
    await asyncio.to_thread(write_workbook, workbook, xlsx_rows)
    engine = make_engine(database_url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    async with unit_of_work(sessions) as session:
        await auth.create_user(
            session, None, UserCreate(username=ADMIN, password=SecretStr(PASSWORD), role=Role.ADMIN)
        )
    phones, _kinds, scenario = contact_base(400)
    try:
        async with running_stack(
            database_url, sessions, workdir, scenario, {"UTC": phones}, speed=SPEED
        ) as stack:
            probes = Probes(stack)
            url = stack.service.url
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                token = await client.post("/auth/token", data={"username": ADMIN, "password": PASSWORD})
                token.raise_for_status()
            job = {
                "url": url,
                "token": token.json()["access_token"],
                "client_id": stack.demo.client_id,
                "campaign_id": stack.demo.campaign_id,
                "workbook": str(workbook),
                "flood": flood,
                "seconds": seconds,
            }
            agi_port = probes.runtime.agi.port
            async with (
                _helper("the callers' process", CALLERS, json.dumps(job)) as callers,
                _helper("the FastAGI probe", AGI_PROBE, str(agi_port), str(AGI_EVERY_S)) as probe,
            ):
                stop = asyncio.Event()
                sampler = asyncio.create_task(probes.sample_core_waits(stop))
                idle_from = time.monotonic()
                await asyncio.sleep(idle_seconds)
                probes.phase, load_from = "load", time.monotonic()
                load: dict[str, Any] = await _tell_and_collect("the callers' process", callers, b"go")
                load_to = time.monotonic()
                agi_sessions: list[list[float]] = await _tell_and_collect("the FastAGI probe", probe, b"stop")
                stop.set()
                await sampler
                probes.sample_core_wait()
            probes.add_sessions(agi_sessions, {"idle": (idle_from, load_from), "load": (load_from, load_to)})
            ticks = stack.service.runtime.engine.ticks if stack.service.runtime else 0
    finally:
        await engine.dispose()
    tick_load, agi_load = percentiles(probes.tick_late["load"]), percentiles(probes.agi["load"])
    interval = percentiles(probes.tick_interval["load"])
    own_tick, own_agi = percentiles(probes.tick_late_own["load"]), percentiles(probes.agi_own["load"])
    tick_idle, agi_idle = percentiles(probes.tick_late["idle"]), percentiles(probes.agi["idle"])
    return {
        "tick_p50_ms": tick_load["p50"],
        "tick_p99_ms": tick_load["p99"],
        "tick_max_ms": tick_load["max"],
        "agi_p50_ms": agi_load["p50"],
        "agi_p99_ms": agi_load["p99"],
        "agi_max_ms": agi_load["max"],
        "tick_own_p99_ms": own_tick["p99"],
        "agi_own_p99_ms": own_agi["p99"],
        "tick_interval_p50_ms": interval["p50"],
        "tick_interval_p99_ms": interval["p99"],
        "idle": {"tick": tick_idle, "agi": agi_idle},
        "samples": {"ticks": tick_load["n"], "agi": agi_load["n"], "engine_ticks": ticks},
        "sign_in_answers": load["sign_in_answers"],
        "xlsx_import": {"rows": xlsx_rows, **load["xlsx_import"]},
        "billing_exports": load["billing_exports"],
        "load_seconds": load["load_seconds"],
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=20.0, help="load phase, at least (real seconds)")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--flood", type=int, default=10, help="concurrent wrong-password callers")
    parser.add_argument(
        "--pg-url", help="run on PostgreSQL: a server URL such as postgresql://postgres@127.0.0.1:5432"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="loop-latency-") as workdir:
        figures = asyncio.run(
            measure(
                seconds=args.seconds,
                idle_seconds=args.idle_seconds,
                xlsx_rows=args.xlsx_rows,
                flood=args.flood,
                workdir=Path(workdir),
                pg_url=args.pg_url,
            )
        )
    rows = [
        ("tick lateness, idle", figures["idle"]["tick"]),
        ("tick lateness, load", {k: figures[f"tick_{k}_ms"] for k in ("p50", "p99", "max")}),
        ("FastAGI decision, idle", figures["idle"]["agi"]),
        ("FastAGI decision, load", {k: figures[f"agi_{k}_ms"] for k in ("p50", "p99", "max")}),
    ]
    print(f"{'':24}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, values in rows:
        print(f"{name:24}{values['p50']:>10}{values['p99']:>10}{values['max']:>10}")
    print(
        f"tick interval under load (nominal {1000 / SPEED:.0f} ms plus the tick's own work, its database"
        f" waits included): p50 {figures['tick_interval_p50_ms']} ms,"
        f" p99 {figures['tick_interval_p99_ms']} ms"
    )
    print(
        f"sign-in answers {figures['sign_in_answers']}, import {figures['xlsx_import']}, "
        f"billing exports {figures['billing_exports']}, load average {figures['load_avg']}"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
