"""The whole service (API, engine, AMI client, FastAGI server) against the PBX simulator on a fast
clock, with the demo's campaign, simulated operators and a contact base; and the checks on what it
left in the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.accounts import service as auth
from dialer.auth.models import Role, User
from dialer.auth.schemas import UserCreate
from dialer.calls.models import Call
from dialer.campaigns.models import OperatorConnection
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.demo.data import DemoCampaign, add_contacts, create_demo_campaign, start_campaign
from dialer.demo.operators import SimulatedOperators
from dialer.dialing_modes import DialMode
from dialer.engine.clock import EngineClock
from dialer.service import Service
from dialer.settings import AmiServerSettings, Settings, TrunkSettings
from pbxsim import PbxSim, ScaledClock, Scenario

SPEED = 20.0  # engine and simulator seconds per real second
ENDPOINTS = ("1001", "1002", "1003", "1004", "1005", "1006")
USER, PASSWORD = "e2e-super", "e2e-password-1234"
DUE = (ContactStatus.NEW, ContactStatus.SCHEDULED, ContactStatus.CALLBACK)


@dataclass
class Stack:
    service: Service
    sim: PbxSim
    sessions: async_sessionmaker[AsyncSession]
    clock: EngineClock
    demo: DemoCampaign
    operators: SimulatedOperators
    settings: Settings

    def now(self) -> datetime:
        return self.clock.now()


def window_around(now: datetime, before_h: int = 2, after_h: int = 6) -> dict[str, list[list[str]]]:
    """Calling hours open from ``before_h`` hours before ``now`` to ``after_h`` after, every day (UTC)."""
    start = (now - timedelta(hours=before_h)).strftime("%H:%M")
    end = (now + timedelta(hours=after_h)).strftime("%H:%M")
    return {day: [[start, end]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def settings_for(database_url: str, tmp_path: Path, sim: PbxSim, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": tmp_path / "data",
        "ami_servers": [AmiServerSettings(port=sim.ami_port, secret=SecretStr("autodialer"))],
        "trunks": [TrunkSettings(max_lines=40, calls_per_second=50)],
        "agi_port": 0,
        "agi_callback_host": "127.0.0.1",  # each call names its engine's FastAGI server
        "engine_id": "engine-a",
        "engine_tick_s": 1.0,
        "lease_s": 120.0,
        "lease_renew_s": 20.0,
        "relogin_after_s": 5.0,
        "stop_grace_s": 120.0,
        "jobs_enabled": False,  # daily jobs run on the wall clock: tests call them by hand
        "recordings_spool_dir": tmp_path / "rec",  # where the simulator's MixMonitor writes
        "pbx_record_dir": tmp_path / "pbx-record",  # where the simulator writes Asterisk's record (CEL)
        "recordings_settle_s": 2.0,
        **overrides,
    }
    return Settings(**values)


@asynccontextmanager
async def running_stack(
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    scenario: Scenario,
    contacts: Mapping[str | None, Sequence[str]],
    *,
    mode: DialMode = DialMode.PREDICTIVE,
    max_attempts: int = 2,
    retry_s: int = 60,
    endpoints: Sequence[str] = ENDPOINTS,
    connection: OperatorConnection = OperatorConnection.NAILED_UP,
    answer_delay: float = 0.0,
    prepare: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
    speed: float = SPEED,
    provisioned: bool = False,
    **overrides: Any,
) -> AsyncIterator[Stack]:
    """Simulator up, campaign created and started with ``contacts`` (phones by time zone), operators
    logged in, service running; everything stopped on the way out. ``prepare(session, campaign_id)``
    runs before the start (e.g. to define a survey campaign's survey). ``speed``: simulated seconds per
    real second (lower where simulated times are compared finely: a stalled loop costs ``speed`` times
    more simulated time). ``provisioned``: the simulator knows exactly the endpoints of the service's
    generated PJSIP file (written and reloaded at its start and on every operator change)."""
    sim = PbxSim(
        scenario,
        clock=ScaledClock(speed),
        ami_port=0,
        agi_port=1,
        recordings_dir=tmp_path / "rec",
        recording_tone_hz=None,
        auth_fail_delay=0.05,
        record_dir=tmp_path / "pbx-record",
        pjsip_file=tmp_path / "data" / "pjsip_operators.conf" if provisioned else None,  # settings_for's
    )
    for endpoint in endpoints:
        sim.operator(endpoint, answer_delay=answer_delay)
    await sim.start()
    clock = EngineClock(sim.clock.time, speed)
    delays = {
        "busy": retry_s,
        "no_answer": retry_s,
        "machine": retry_s,
        "abandoned": retry_s,
        "failed": retry_s,
    }
    async with unit_of_work(sessions) as session:
        demo = await create_demo_campaign(
            session,
            endpoints=endpoints,
            mode=mode,
            calling_hours=window_around(clock.now()),
            max_attempts=max_attempts,
            retry_delays=delays,
            wrap_up_s=3,
            connection=connection,
        )
        for zone, phones in contacts.items():
            await add_contacts(session, demo.campaign_id, phones, timezone=zone)
        if prepare is not None:
            await prepare(session, demo.campaign_id)
    settings = settings_for(database_url, tmp_path, sim, **overrides)
    service = Service(settings, port=0, log_level="warning", clock=clock)
    operators = SimulatedOperators(sessions, clock, demo.campaign_id, demo.operators, think_s=2.0)
    await service.start()
    assert service.runtime is not None
    stack = Stack(service, sim, sessions, clock, demo, operators, settings)
    try:
        await service.runtime.pbx.wait_ready(within=60)
        await operators.log_in()
        operators.start()
        async with unit_of_work(sessions) as session:
            await start_campaign(session, demo.campaign_id)
        yield stack
    finally:
        await operators.stop(log_out=False)
        await stack.service.stop(grace_s=0)
        await sim.stop()


async def crash_and_restart(
    stack: Stack, *, down_s: float = 0.5, while_down: Callable[[], Awaitable[None]] | None = None
) -> None:
    """The engine process dies (nothing flushed, nothing hung up) and a new one starts on the same
    database and PBX after ``down_s`` real seconds (and once ``while_down()``, if given, returns)."""
    await stack.service.kill()
    await asyncio.sleep(down_s)
    if while_down is not None:
        await while_down()
    service = Service(stack.settings, port=0, log_level="warning", clock=stack.clock)
    await service.start()
    assert service.runtime is not None
    stack.service = service
    await service.runtime.pbx.wait_ready(within=60)


def drop_ami(stack: Stack) -> int:
    """The network drops every AMI connection (Asterisk and its calls live on); how many."""
    sessions = list(stack.sim.server.sessions)
    for session in sessions:
        session.close()
    return len(sessions)


async def due_contacts(stack: Stack) -> int:
    """Contacts still to be dialed now or in progress (callbacks and retries later than now excluded)."""
    now = stack.now()
    async with stack.sessions() as session:
        contacts = list(
            await session.scalars(select(Contact).where(Contact.campaign_id == stack.demo.campaign_id))
        )
    return sum(
        1
        for c in contacts
        if c.status is ContactStatus.IN_PROGRESS
        or (c.status in DUE and c.next_attempt_at is not None and c.next_attempt_at <= now)
        or (c.status is ContactStatus.NEW and c.next_attempt_at is None)
    )


PATIENCE = 300.0
"""Real seconds a test waits for a condition before it fails: generous, since the limit only matters
when something is wrong, and a loaded machine (CI, parallel workers) stretches every step."""


async def until(condition: Callable[[], bool | Awaitable[bool]], *, within: float = PATIENCE) -> None:
    """Wait until ``condition()`` holds (checked every 20 ms), or fail after ``within`` seconds."""
    async with asyncio.timeout(within):
        while True:
            held = condition()
            if not isinstance(held, bool):
                held = await held
            if held:
                return
            await asyncio.sleep(0.02)


async def wait_finished(stack: Stack, *, within: float = PATIENCE, settle: int = 3) -> None:
    """Until nothing is due and no call is live, ``settle`` looks in a row, and every record is closed."""
    assert stack.service.runtime is not None
    floor = stack.service.runtime.engine.floor
    calm = 0
    async with asyncio.timeout(within):
        while calm < settle:
            await asyncio.sleep(0.5)
            busy = bool(floor.calls) or await due_contacts(stack) > 0
            calm = 0 if busy else calm + 1
    await records_closed(stack, within=within)


async def calls_and_contacts(stack: Stack) -> tuple[list[Call], dict[int, Contact]]:
    async with stack.sessions() as session:
        calls = list(
            await session.scalars(
                select(Call).where(Call.campaign_id == stack.demo.campaign_id).order_by(Call.id)
            )
        )
        contacts = {
            c.id: c
            for c in await session.scalars(
                select(Contact).where(Contact.campaign_id == stack.demo.campaign_id)
            )
        }
    return calls, contacts


async def api_get(stack: Stack, path: str) -> Any:
    """GET a route of the service's own API as a supervisor signed in with a password."""
    return await api_call(stack, "GET", path)


async def api_call(stack: Stack, method: str, path: str, json: Any = None) -> Any:
    """Call a route of the service's own API as a supervisor signed in with a password."""
    async with unit_of_work(stack.sessions) as session:
        if await session.scalar(select(User.id).where(User.username == USER)) is None:
            await auth.create_user(
                session,
                None,
                UserCreate(
                    username="e2e-super", password=SecretStr("e2e-password-1234"), role=Role.SUPERVISOR
                ),
            )
    async with httpx.AsyncClient(base_url=stack.service.url, timeout=10) as client:
        token = await client.post(
            "/auth/token", data={"username": "e2e-super", "password": "e2e-password-1234"}
        )
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        response = await client.request(method, path, headers=headers, json=json)
        response.raise_for_status()
        return response.json()


async def busy_moment(
    stack: Stack, *, live: int = 4, talking: bool = True, within: float = PATIENCE
) -> set[str]:
    """Wait until ``live`` calls are in progress (one of them with an operator if ``talking``)."""
    assert stack.service.runtime is not None
    floor = stack.service.runtime.engine.floor
    async with asyncio.timeout(within):
        for _ in range(1_000_000):  # polled: the floor has no event for "busy enough"
            if len(floor.calls) >= live and (
                not talking or any(c.connected_at for c in floor.calls.values())
            ):
                break
            await asyncio.sleep(0.05)
    return set(floor.calls)


async def records_closed(stack: Stack, *, within: float = PATIENCE) -> None:
    """Wait until every call record of the campaign is closed in the database (the engine's ordered
    writer can lag behind the live calls on a loaded machine)."""

    async def closed() -> bool:
        calls, _ = await calls_and_contacts(stack)
        return all(c.ended_at is not None and c.outcome is not None for c in calls)

    await until(closed, within=within)


async def calls_drained(stack: Stack, *, within: float = PATIENCE) -> None:
    """Wait until no call is live."""
    assert stack.service.runtime is not None
    floor = stack.service.runtime.engine.floor
    async with asyncio.timeout(within):
        while floor.calls:
            floor.call_ended.clear()
            await floor.call_ended.wait()
