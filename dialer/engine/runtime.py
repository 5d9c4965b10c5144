"""The engine's runtime wired from settings: AMI connection(s), FastAGI server, store and engine.

``Runtime.start()`` reconciles first (calls left open are followed before the first AMI resync),
then connects to every Asterisk server, listens for FastAGI, and starts ticking. ``stop()`` stops
new calls, lets the live ones finish (``stop_grace_s``), and closes the edges.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agi.routes import product_routes
from agi.server import FastAgiServer
from dialer.call_recordings.storage import configured_store
from dialer.engine.agi import EngineAgi
from dialer.engine.ami_pbx import AmiPbx, AmiServer, TrunkRoute
from dialer.engine.changes import ChangeListener
from dialer.engine.clock import SYSTEM_CLOCK, EngineClock
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor
from dialer.engine.instruments import counted_routes, reconnect_counter
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.lost import LostCalls
from dialer.engine.plan import Plan
from dialer.engine.reconcile import Reconciled
from dialer.engine.recording_filer import FilerSettings, RecordingFiler
from dialer.engine.runner import RunnerSettings
from dialer.engine.service import Engine, EngineSettings
from dialer.engine.spy import SpyDialer, SqlSpyStore
from dialer.engine.sql_store import SqlCallStore
from dialer.engine.surveys import SqlSurveys
from dialer.engine.writer import OrderedWriter
from dialer.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    engine: Engine
    pbx: AmiPbx
    agi: FastAgiServer
    store: SqlCallStore
    settings: Settings
    reconciled: Reconciled | None = field(default=None)
    filer: RecordingFiler | None = field(default=None)
    changes: ChangeListener | None = field(default=None)

    async def start(self) -> None:
        for server in self.settings.ami_servers:
            if not server.secret.get_secret_value():
                log.warning(
                    "AMI server %s: no secret set; only the PBX simulator accepts that, a real Asterisk "
                    "needs the secret of its manager.conf in DIALER_AMI_SERVERS",
                    server.name,
                )
        self.reconciled = await self.engine.reconcile()
        if self.filer is not None:
            await self.filer.start()  # its first sweep files what an earlier process left pending
        await self.agi.start()
        if self.settings.agi_callback_host:
            self.pbx.agi_url = f"agi://{self.settings.agi_callback_host}:{self.agi.port}"
        await self.pbx.start()
        self.engine.start()
        self.changes = ChangeListener(self.engine, self.store.sessions)
        self.changes.start()
        servers = ", ".join(f"{s.name}={s.host}:{s.port}" for s in self.settings.ami_servers)
        log.info(
            "engine %s started: AMI %s, FastAGI on port %s, recordings spool %s",
            self.settings.engine_id,
            servers,
            self.agi.port,
            self.settings.effective_recordings_spool_dir,
        )

    async def _stop_listening(self) -> None:
        if self.changes is not None:
            await self.changes.stop()
            self.changes = None

    async def kill(self) -> None:
        """Stop at once (no grace, nothing flushed): what a crash leaves, for the next start to settle."""
        await self._stop_listening()
        await self.engine.kill()
        if self.filer is not None:
            await self.filer.kill()
        await self.agi.close()
        await self.pbx.stop()

    async def stop(self, grace_s: float | None = None, *, hang_up: bool = False) -> None:
        await self._stop_listening()
        await self.engine.stop(self.settings.stop_grace_s if grace_s is None else grace_s, hang_up=hang_up)
        if self.filer is not None:
            await self.filer.stop()
        await self.agi.close()
        await self.pbx.stop()


def build_runtime(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], *, clock: EngineClock = SYSTEM_CLOCK
) -> Runtime:
    floor = Floor()
    writer = OrderedWriter(hold_s=settings.engine_fact_hold_s)
    plans: dict[int, Plan] = {}
    store = SqlCallStore(
        sessions,
        owner=settings.engine_id,
        lease_for=timedelta(seconds=settings.lease_s),
        campaign_ttl=timedelta(seconds=settings.campaign_owner_ttl_s),
        connect_limit_s=settings.connect_limit_s,
    )
    filer = RecordingFiler(sessions, configured_store(settings), filer_settings(settings))
    store.on_ended = filer.submit
    lost = LostCalls(settings.pbx_record_dir)
    handler = FactHandler(floor, store, writer, plans, default_wrap_s=settings.wrap_up_s, lost=lost)
    pbx = AmiPbx(
        [AmiServer(s.name, s.ami()) for s in settings.ami_servers],
        [TrunkRoute(t.name, t.server, t.strip_plus, t.prefix) for t in settings.trunks],
        handler,
        clock,
    )
    for name, client in pbx.clients.items():
        client.add_state_listener(reconnect_counter(name))
    spies = SpyDialer(floor, SqlSpyStore(sessions, settings.engine_id), pbx, writer)
    pbx.spy_listener = spies
    limits = Limits(
        [TrunkLimit(t.name, t.server, t.max_lines, t.calls_per_second) for t in settings.trunks],
        {s.name: s.calls_per_second for s in settings.ami_servers},
    )
    agi_engine = EngineAgi(
        floor,
        plans,
        store,
        writer,
        clock,
        abandon_message=settings.abandon_message,
        machine_message=settings.machine_message,
        surveys=SqlSurveys(sessions),
    )
    agi = FastAgiServer(
        counted_routes(
            product_routes(
                agi_engine,
                abandon_message=settings.abandon_message,
                amd_decision_timeout=settings.amd_decision_timeout_s,
            )
        ),
        settings.agi_host,
        settings.agi_port,
    )
    engine = Engine(
        store=store,
        pbx=pbx,
        floor=floor,
        writer=writer,
        plans=plans,
        limits=limits,
        clock=clock,
        settings=EngineSettings(
            tick_s=settings.engine_tick_s,
            poll_s=settings.engine_poll_s,
            heartbeat_s=settings.campaign_owner_ttl_s / 3,
            lease_renew_s=settings.lease_renew_s,
            relogin_after_s=settings.relogin_after_s,
            runner=RunnerSettings(
                max_lines_per_campaign=settings.max_lines_per_campaign, abandon_margin=settings.abandon_margin
            ),
        ),
        lost=lost,
        spies=spies,
    )
    return Runtime(engine, pbx, agi, store, settings, filer=filer)


def filer_settings(settings: Settings) -> FilerSettings:
    return FilerSettings(
        spool_dir=settings.effective_recordings_spool_dir,
        work_dir=settings.data_dir / "recordings-work",
        format=settings.recordings_format,
        keep_originals=settings.recordings_keep_originals,
        workers=settings.recordings_workers,
        settle_s=settings.recordings_settle_s,
    )
