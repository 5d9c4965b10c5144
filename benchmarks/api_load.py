"""The API under load while the engine runs a simulated campaign in the same process.

The whole service (``Service``, role all) on SQLite (or ``--database-url`` PostgreSQL) drives the PBX
simulator on a sped-up clock: a predictive campaign with simulated operators taking calls. Meanwhile
``--clients`` concurrent supervisors, each signed in with its own token, call the read routes a
wallboard and a QA desk call (the campaign list, the campaign's wallboard, the call list, a recordings
search) back to back for ``--seconds``. Measured, not asserted.

    python benchmarks/api_load.py [--clients 20] [--seconds 30] [--operators 10] [--speed 10]

The last line of output is one JSON object:
{"rps": ..., "p50_ms": ..., "p99_ms": ..., "errors": ..., "clients": ..., "routes": {route: p99_ms}}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
from pydantic import SecretStr

# Run as a script, this file would shadow the packages it measures: drop its folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from dialer.accounts import service as auth  # noqa: E402
from dialer.auth.models import Role  # noqa: E402
from dialer.auth.schemas import UserCreate  # noqa: E402
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work  # noqa: E402
from dialer.db.migrate import upgrade  # noqa: E402
from dialer.demo.data import add_contacts, create_demo_campaign, generated_phones, start_campaign  # noqa: E402
from dialer.demo.operators import SimulatedOperators  # noqa: E402
from dialer.engine.clock import EngineClock  # noqa: E402
from dialer.service import Service  # noqa: E402
from dialer.settings import AmiServerSettings, Settings, TrunkSettings, install_sealer  # noqa: E402
from pbxsim import PbxSim, ScaledClock, Scenario  # noqa: E402

USER, PASSWORD = "load-super", "load-password-1234"


def routes(campaign_id: int) -> list[tuple[str, str]]:
    """(label, path): what supervisors and QA staff read."""
    return [
        ("campaigns", "/campaigns"),
        ("wallboard", f"/supervision/wallboard/{campaign_id}"),
        ("calls", f"/calls?campaign_id={campaign_id}&limit=50"),
        ("recordings", f"/recordings?campaign_id={campaign_id}&limit=50"),
    ]


async def client_loop(
    url: str, token: str, paths: list[tuple[str, str]], until: float, offset: int,
    latencies: dict[str, list[float]], errors: list[str],
) -> None:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
        i = offset
        while time.perf_counter() < until:
            label, path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                answer = await http.get(path)
                ok = answer.status_code == 200
            except httpx.HTTPError as exc:
                ok, answer = False, None
                errors.append(f"{label}: {exc!r}")
            latencies[label].append(time.perf_counter() - started)
            if not ok and answer is not None:
                errors.append(f"{label}: {answer.status_code}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def run(args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="api-load-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'dialer.db'}"
    endpoints = [str(1001 + i) for i in range(args.operators)]
    sim = PbxSim(Scenario(seed=1), clock=ScaledClock(args.speed), ami_port=0, agi_port=1,
                 recordings_dir=folder / "spool", recording_tone_hz=None)  # fmt: skip
    for endpoint in endpoints:
        sim.operator(endpoint)
    await sim.start()
    clock = EngineClock(sim.clock.time, args.speed)
    settings = Settings(
        database_url=url, data_dir=folder / "data", agi_port=0, agi_callback_host="127.0.0.1",
        ami_servers=[AmiServerSettings(port=sim.ami_port, secret=SecretStr("autodialer"))],
        trunks=[TrunkSettings(max_lines=60, calls_per_second=50)], jobs_enabled=False,
        recordings_spool_dir=folder / "spool", secret_key=SecretStr("api load benchmark secret"),
    )  # fmt: skip
    install_sealer(settings)  # the operators' SIP passwords are sealed as the service reads them
    db = make_engine(url)
    await upgrade(db)
    sessions = make_sessionmaker(db)
    async with unit_of_work(sessions) as session:
        demo = await create_demo_campaign(session, endpoints=endpoints)
        await add_contacts(session, demo.campaign_id, generated_phones(args.contacts))
        await auth.create_user(
            session, None, UserCreate(username=USER, password=SecretStr(PASSWORD), role=Role.SUPERVISOR)
        )
    service = Service(settings, port=0, log_level="warning", clock=clock)
    await service.start()
    operators = SimulatedOperators(sessions, clock, demo.campaign_id, demo.operators, think_s=2.0)
    try:
        assert service.runtime is not None
        await service.runtime.pbx.wait_ready(within=60)
        await operators.log_in()
        operators.start()
        async with unit_of_work(sessions) as session:
            await start_campaign(session, demo.campaign_id)
        await asyncio.sleep(args.warmup)  # calls, recordings and dispositions pile up first
        async with httpx.AsyncClient(base_url=service.url, timeout=30) as http:
            signed = await http.post("/auth/token", data={"username": USER, "password": PASSWORD})
            signed.raise_for_status()
            token = signed.json()["access_token"]
        latencies: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        paths = routes(demo.campaign_id)
        load_avg = os.getloadavg()
        started = time.perf_counter()
        until = started + args.seconds
        await asyncio.gather(
            *(
                client_loop(service.url, token, paths, until, i, latencies, errors)
                for i in range(args.clients)
            )
        )
        elapsed = time.perf_counter() - started
        placed = len(service.runtime.engine.floor.calls)
    finally:
        await operators.stop(log_out=False)
        await service.stop(grace_s=0)
        await sim.stop()
        await db.dispose()
    every = [x for values in latencies.values() for x in values]
    print(f"{'route':<12} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for label, values in latencies.items():
        print(f"{label:<12} {len(values):>9} {statistics.median(values) * 1000:>8.1f} "
              f"{percentile(values, 0.99) * 1000:>8.1f}")  # fmt: skip
    print(f"{len(every)} requests in {elapsed:.1f} s by {args.clients} clients, {len(errors)} errors, "
          f"{placed} calls live at the end, load average before {load_avg[0]:.2f}")  # fmt: skip
    for error in errors[:5]:
        print("  error:", error)
    return {
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1) if every else None,
        "p99_ms": round(percentile(every, 0.99) * 1000, 1),
        "errors": len(errors),
        "clients": args.clients,
        "database": url.split(":", 1)[0].split("+")[0],
        "routes": {label: round(percentile(v, 0.99) * 1000, 1) for label, v in latencies.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent API clients (default 20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds (default 30)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of dialing first (default 10)")
    parser.add_argument("--operators", type=int, default=10, help="simulated operators (default 10)")
    parser.add_argument("--contacts", type=int, default=5000, help="the campaign's contacts (default 5000)")
    parser.add_argument("--speed", type=float, default=10.0, help="simulated seconds per real second")
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://postgres@127.0.0.1/bench (empty)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
