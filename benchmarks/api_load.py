"""The API under load while the engine runs a simulated campaign in the same process.

The whole service (``Service``, role all) on SQLite (or ``--database-url`` PostgreSQL) drives the PBX
simulator on a sped-up clock: a predictive campaign with simulated operators taking calls. A load
generator in its own process (``api_load_driver.py``) sends an open-loop mix of what supervisors,
QA staff and operators send (the campaign list, the campaign's wallboard, the call list, a
recordings search, dispositions of finished calls) at each rate of ``--rates`` for ``--seconds``;
latency counts from when each request was due. Measured, not asserted.

    python benchmarks/api_load.py [--rates 50,100,150,200,300] [--seconds 15] [--database-url URL]

The last line of output is one JSON object: {"rps": ..., "p99_ms": ..., "errors": ...} at the goal
rate (``--goal-rate``, 200), then "p99_over_200ms_at": the first rate whose p99 passed 200 ms (null:
none did), and each step's figures under "steps".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

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
DRIVER = Path(__file__).resolve().parent / "api_load_driver.py"
SLOW_MS = 200.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def drive(
    url: str, token: str, campaign_id: int, rates: list[float], seconds: float
) -> list[dict[str, Any]]:
    """Run the load generator in its own process; its steps' results, one per rate."""
    config = {"url": url, "token": token, "campaign_id": campaign_id, "rates": rates, "seconds": seconds}
    driver = await asyncio.create_subprocess_exec(
        sys.executable, str(DRIVER), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert driver.stdin is not None and driver.stdout is not None
    driver.stdin.write(json.dumps(config).encode() + b"\n")
    await driver.stdin.drain()
    steps: list[dict[str, Any]] = []
    while line := await driver.stdout.readline():
        steps.append(json.loads(line))
        report_step(steps[-1])
    if await driver.wait() != 0:
        raise SystemExit(f"the load generator failed (exit {driver.returncode})")
    return steps


def summary(step: dict[str, Any]) -> dict[str, Any]:
    every = [x for values in step["latencies"].values() for x in values]
    return {
        "rate": step["rate"],
        "rps": round(len(every) / step["elapsed_s"], 1),
        "p50_ms": round(statistics.median(every) * 1000, 1) if every else None,
        "p99_ms": round(percentile(every, 0.99) * 1000, 1),
        "errors": step["errors"],
        "routes": {r: round(percentile(v, 0.99) * 1000, 1) for r, v in sorted(step["latencies"].items())},
    }


def report_step(step: dict[str, Any]) -> None:
    figures = summary(step)
    print(f"\nrate {step['rate']:g}/s: {figures['rps']} requests/s answered, p50 {figures['p50_ms']} ms, "
          f"p99 {figures['p99_ms']} ms, {step['errors']} errors")  # fmt: skip
    print(f"  {'route':<12} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for label, values in sorted(step["latencies"].items()):
        print(f"  {label:<12} {len(values):>9} {statistics.median(values) * 1000:>8.1f} "
              f"{percentile(values, 0.99) * 1000:>8.1f}")  # fmt: skip
    for error in step.get("error_samples", []):
        print("  error:", error)


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
    # Operators dispose of their calls through the API (the load generator's desks); these simulated
    # ones only catch what the desks left for two minutes of simulated time.
    operators = SimulatedOperators(sessions, clock, demo.campaign_id, demo.operators, think_s=120.0)
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
        load_avg = os.getloadavg()
        steps = await drive(service.url, token, demo.campaign_id, args.rates, args.seconds)
        placed = len(service.runtime.engine.floor.calls)
    finally:
        await operators.stop(log_out=False, dispose=False)
        await service.stop(grace_s=0)
        await sim.stop()
        await db.dispose()
    figures = [summary(step) for step in steps]
    goal = next((f for f in figures if f["rate"] == args.goal_rate), figures[-1])
    slow = next((f["rate"] for f in figures if f["p99_ms"] > SLOW_MS), None)
    print(f"\n{placed} calls live at the end, load average before {load_avg[0]:.2f}")
    return {
        "rps": goal["rps"],
        "p99_ms": goal["p99_ms"],
        "errors": sum(f["errors"] for f in figures),
        "rate": goal["rate"],
        "p99_over_200ms_at": slow,
        "database": url.split(":", 1)[0].split("+")[0],
        "load_avg": [round(x, 2) for x in load_avg],
        "steps": figures,
    }


def rates(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=rates, default=rates("50,100,150,200,300"),
                        help="requests/s of each step, in order (default 50,100,150,200,300)")  # fmt: skip
    parser.add_argument("--goal-rate", type=float, default=200.0, help="the rate the goal is at (200)")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per step (default 15)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of dialing first (default 10)")
    parser.add_argument("--operators", type=int, default=10, help="simulated operators (default 10)")
    parser.add_argument("--contacts", type=int, default=5000, help="the campaign's contacts (default 5000)")
    parser.add_argument("--speed", type=float, default=10.0, help="simulated seconds per real second")
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://postgres@127.0.0.1/bench (empty)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))), flush=True)


if __name__ == "__main__":
    main()
