"""The demo session behind ``dialer demo``: the PBX simulator, the service on a fresh database, a demo
campaign worked by simulated operators for a while, then the summary table."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import pbxsim
from dialer.accounts import service as auth
from dialer.auth.models import Role, User
from dialer.auth.schemas import UserCreate
from dialer.db.engine import make_engine, make_sessionmaker, unit_of_work
from dialer.db.migrate import upgrade
from dialer.demo.data import (
    add_contacts,
    create_demo_campaign,
    generated_phones,
    pause_campaign,
    start_campaign,
)
from dialer.demo.operators import SimulatedOperators
from dialer.demo.report import campaign_report
from dialer.engine.clock import EngineClock
from dialer.operators.models import Operator
from dialer.service import Service
from dialer.settings import AmiServerSettings, Settings, TrunkSettings, install_sealer, load_settings
from pbxsim import PbxSim, RandomCustomers, RealClock, ScaledClock, Scenario, load_scenario

log = logging.getLogger(__name__)

SCENARIO = Path(pbxsim.__file__).resolve().parent / "scenarios" / "demo.toml"
LATE_ENDPOINT = "1003"  # unregistered in the demo scenario: its softphone registers after a while
HAND_ENDPOINT = "1100"  # the operator a newcomer drives by hand on the operator's page
HAND_USER = "operator"


class DemoRefused(Exception):
    """The demo cannot run as asked (the message says why and what to do)."""


async def refuse_a_used_database(sessions: async_sessionmaker[AsyncSession], url: str) -> None:
    """The demo makes its own admin, client and operators: it needs a database nobody uses yet."""
    async with sessions() as session:
        users = await session.scalar(select(func.count(User.id)))
    if users:
        shown = make_url(url).render_as_string(hide_password=True)
        raise DemoRefused(
            f"the database {shown} already has {users} user(s): the demo needs a fresh one. "
            "Leave out --database-url (each run makes a new SQLite file under --data-dir), "
            "or name an empty database."
        )


class Demo:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.endpoints = [str(1001 + i) for i in range(max(1, args.operators))]

    def _scenario(self) -> Scenario:
        path: Path = self.args.scenario or SCENARIO
        if path.exists():
            return load_scenario(path)
        return Scenario(random_customers=RandomCustomers(), seed=self.args.seed)

    def _database_url(self) -> str:
        if self.args.database_url:
            return str(self.args.database_url)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return f"sqlite+aiosqlite:///{(self.args.data_dir / f'demo-{stamp}.db').resolve()}"

    def _settings(self, sim: PbxSim, url: str) -> Settings:
        args = self.args
        data_dir: Path = args.data_dir
        base = load_settings()
        return base.model_copy(
            update={
                "data_dir": data_dir,
                "database_url": url,
                "ami_servers": [AmiServerSettings(port=sim.ami_port, secret=SecretStr("autodialer"))],
                "trunks": [TrunkSettings(max_lines=60, calls_per_second=20)],
                "agi_port": 0,
                "engine_id": "demo",
                # sign-in tokens of this run only (a configured key is kept)
                "secret_key": base.secret_key
                if len(base.secret_key.get_secret_value()) >= 16
                else SecretStr(secrets.token_urlsafe(32)),
                "jobs_enabled": False,  # a short demo on a fresh database: no daily jobs
                "recordings_spool_dir": data_dir / "asterisk-spool",  # the simulator's MixMonitor files
                "pjsip_operators_file": data_dir / "pjsip_operators.conf",  # the simulator reads it
            }
        )

    async def run(self) -> None:
        args = self.args
        speed = max(args.speed, 0.01)
        url = self._database_url()
        db = make_engine(url)
        try:
            await upgrade(db)
            await refuse_a_used_database(make_sessionmaker(db), url)
        except BaseException:
            await db.dispose()
            raise
        scenario = self._scenario()
        sim = PbxSim(
            scenario,
            clock=RealClock() if speed == 1 else ScaledClock(speed),
            ami_port=0,
            agi_port=1,
            recordings_dir=args.data_dir / "asterisk-spool",  # filed from here into <data_dir>/recordings
            # the operators' endpoints as the service provisions them (written and reloaded at its start)
            pjsip_file=args.data_dir / "pjsip_operators.conf",
        )
        for endpoint in self.endpoints:
            if endpoint not in scenario.operators:
                sim.operator(endpoint)
        await sim.start()
        clock = EngineClock(sim.clock.time, speed)
        settings = self._settings(sim, url)
        install_sealer(settings)  # the operators' SIP passwords are sealed with the service's own key
        sessions = make_sessionmaker(db)
        password, hand_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        sim.operator(HAND_ENDPOINT)  # the page's operator has a (simulated) softphone too
        async with unit_of_work(sessions) as session:
            await auth.create_user(
                session, None, UserCreate(username="admin", password=SecretStr(password), role=Role.ADMIN)
            )
            demo = await create_demo_campaign(session, endpoints=[*self.endpoints, HAND_ENDPOINT])
            await add_contacts(session, demo.campaign_id, generated_phones(args.contacts, seed=args.seed))
            await self._hand_operator(session, demo.operators[HAND_ENDPOINT], hand_password)
        simulated = {e: i for e, i in demo.operators.items() if e != HAND_ENDPOINT}
        service = Service(settings, host=args.host, port=args.port, log_level="warning", clock=clock)
        await service.start()
        assert service.runtime is not None
        sim.pbx.config.agi_port = service.runtime.agi.port
        operators = SimulatedOperators(sessions, clock, demo.campaign_id, simulated, seed=args.seed)
        late = asyncio.create_task(self._register_late(sim, clock))
        try:
            await service.runtime.pbx.wait_ready(within=10)
            await operators.log_in()
            operators.start()
            async with unit_of_work(sessions) as session:
                await start_campaign(session, demo.campaign_id)
            print(f"\nDemo running for {args.minutes:g} min at {speed:g}x: API {service.url}/docs")
            print(f"  sign in as admin / {password}  (POST {service.url}/auth/token)")
            print(
                f"  operator's page {service.url}/operator  sign in as {HAND_USER} / {hand_password}: "
                f"Start shift, then Ready, and take calls by hand beside the simulated operators"
            )
            print(f"  supervisor's wallboard: {service.url}/supervisor?campaign={demo.campaign_id}")
            team = ", ".join(self.endpoints)
            print(f"  campaign {demo.campaign_id}, {args.contacts} contacts, operators {team}")
            print(f"  database {settings.effective_database_url}\n")
            await self._watch(service, sessions, demo.campaign_id, args.minutes * 60)
            async with unit_of_work(sessions) as session:
                await pause_campaign(session, demo.campaign_id)
            print("Campaign paused: live calls are finishing...")
            await service.stop(grace_s=60, hang_up=True)  # engine seconds: a simulated minute
            await operators.stop()
        finally:
            late.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await late
            await sim.stop()
        async with sessions() as session:
            report = await campaign_report(session, demo.campaign_id)
        await db.dispose()
        print("\nWhat happened\n" + report.table())

    async def _hand_operator(self, session: AsyncSession, operator_id: int, password: str) -> None:
        """The sign-in of the operator driven on the page (logged out until they start their shift)."""
        user = await auth.create_user(
            session, None, UserCreate(username=HAND_USER, password=SecretStr(password), role=Role.OPERATOR)
        )
        operator = await session.get(Operator, operator_id)
        assert operator is not None
        operator.user_id, operator.name = user.id, f"You ({HAND_ENDPOINT})"

    async def _watch(self, service: Service, sessions: Any, campaign_id: int, seconds: float) -> None:
        """Print progress every 15 s until the time is up or the user presses Ctrl+C."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end and not service.stop_requested.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(15.0, max(0.0, end - loop.time()))):
                    await service.stop_requested.wait()
            async with sessions() as session:
                report = await campaign_report(session, campaign_id)
            print(
                f"  placed {report.placed}, live {report.live}, connected {report.connected}, "
                f"abandoned {report.abandoned}, machines {report.machines}"
            )

    async def _register_late(self, sim: PbxSim, clock: EngineClock) -> None:
        """The softphone that was off at the start registers 20 s (simulated) later."""
        if LATE_ENDPOINT not in self.endpoints:
            return
        await clock.sleep(20)
        sim.register(LATE_ENDPOINT)
        log.info("softphone %s registered", LATE_ENDPOINT)
