"""The service process: HTTP API, engine runtime (AMI connections, FastAGI), the hot-lead and mail
dispatchers, the contracts' volume watch and the daily jobs, started and stopped together.

A role picks the parts (``ROLES``): ``api`` the HTTP API; ``engine`` the engine runtime; ``jobs`` the
dispatchers, the volume watch and the daily jobs; ``all`` (the default) everything. Every role
answers ``/health/live``, ``/health/ready`` (its own parts only) and ``/metrics`` on its HTTP port;
only ``api`` and ``all`` serve the API itself. Several processes of each role may share one
PostgreSQL (campaigns are owned with heartbeats, outbox rows and jobs are leased).

Stopping (SIGTERM, or Ctrl+C once) stops new calls at once, lets live calls finish for up to the
grace while the API stays up, then exits; a second Ctrl+C (or SIGTERM) exits at once, leaving the live
calls to Asterisk and the next start's reconciliation.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Coroutine
from types import FrameType
from typing import Any, Literal

import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine

from dialer.db.engine import make_engine, make_sessionmaker
from dialer.db.migrate import upgrade
from dialer.engine.clock import SYSTEM_CLOCK, EngineClock
from dialer.engine.runtime import Runtime, build_runtime
from dialer.hotleads.dispatcher import HotLeadDispatcher
from dialer.jobs.scheduler import JobScheduler
from dialer.mail.dispatcher import MailDispatcher
from dialer.mail.transport import smtp_config
from dialer.metering.watcher import VolumeWatcher
from dialer.observability.health import Observed, thresholds
from dialer.settings import Settings, install_sealer
from dialer.softphones.provisioning import provisioner_for

log = logging.getLogger(__name__)

STARTUP_POLLS = 1500  # 30 s for the API to bind its port

Role = Literal["api", "engine", "jobs", "all"]
ROLES: tuple[Role, ...] = ("api", "engine", "jobs", "all")


class _ApiServer(uvicorn.Server):
    """uvicorn, except that a signal asks the service to stop (gracefully) instead of uvicorn alone."""

    def __init__(
        self,
        config: uvicorn.Config,
        stop: asyncio.Event,
        force: asyncio.Event,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        super().__init__(config)
        self._stop = stop
        self._force = force
        self._loop = loop

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._stop.is_set():  # asked twice: go now, the grace for live calls included
            self.force_exit = self.should_exit = True
            self._loop.call_soon_threadsafe(self._force.set)
            return
        self._loop.call_soon_threadsafe(self._stop.set)


class Service:
    """The API and the engine runtime, started and stopped together."""

    def __init__(
        self,
        settings: Settings,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        log_level: str = "info",
        clock: EngineClock = SYSTEM_CLOCK,
        role: Role = "all",
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        self.settings = settings
        self.role = role
        self.host, self.port, self.log_level = host, port, log_level
        self.clock = clock
        self.stop_requested = asyncio.Event()
        self.force_requested = asyncio.Event()  # a second stop signal: no grace for live calls
        self.db: AsyncEngine | None = None
        self.runtime: Runtime | None = None
        self.server: _ApiServer | None = None
        self.hotleads: HotLeadDispatcher | None = None
        self.mail: MailDispatcher | None = None
        self.jobs: JobScheduler | None = None
        self.volumes: VolumeWatcher | None = None
        self._server_task: asyncio.Task[None] | None = None
        self._stopped = False

    @property
    def url(self) -> str:
        port = self.port
        if self.server is not None and self.server.servers and self.server.servers[0].sockets:
            port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://{self.host}:{port}"

    def runs(self, part: Role) -> bool:
        """Whether this process runs ``part`` (``api``, ``engine`` or ``jobs``)."""
        return self.role in (part, "all")

    @property
    def outboxes(self) -> tuple[str, ...]:
        """The outboxes whose dispatchers run here (their lag is part of readiness)."""
        if not self.runs("jobs"):
            return ()
        return ("hot_leads", "mail") if smtp_config(self.settings) is not None else ("hot_leads",)

    def _observe(self, db: AsyncEngine) -> Observed:
        return Observed(
            db,
            role=self.role,
            runtime=self.runtime,
            outboxes=self.outboxes,
            thresholds=thresholds(self.settings),
        )

    async def start(self) -> None:
        from api.app import create_app, warm_routes

        install_sealer(self.settings)  # before the migrations reseal and the provisioning reads secrets
        self.db = make_engine(self.settings.effective_database_url)
        await upgrade(self.db)
        if self.runs("api") or self.runs("engine"):
            # The operators' PJSIP file always equals the database, whatever changed while down.
            await provisioner_for(self.settings).sync(make_sessionmaker(self.db))
        app = create_app(self.settings, migrate=False, observe=self._observe, api=self.runs("api"))
        warm_routes(app)  # while nothing dials yet
        if self.runs("engine"):
            self.runtime = build_runtime(self.settings, make_sessionmaker(self.db), clock=self.clock)
            await self.runtime.start()
        config = uvicorn.Config(
            app, host=self.host, port=self.port, log_level=self.log_level, log_config=None
        )
        self.server = _ApiServer(
            config, self.stop_requested, self.force_requested, asyncio.get_running_loop()
        )
        self._server_task = asyncio.create_task(self.server.serve(), name="api")
        for _ in range(STARTUP_POLLS):  # uvicorn says it started by a flag only
            if self.server.started or self._server_task.done():
                break
            await asyncio.sleep(0.02)
        if self._server_task.done():
            await self._server_task  # raises what stopped it (e.g. the port is taken)
        log.info("%s listening on %s", "API" if self.runs("api") else "health and metrics", self.url)
        if self.runs("jobs"):
            await self._start_jobs()
        # What the start built (modules, the app's routes, the ORM's mappings) lives as long as the
        # process: kept out of the collector's full passes, each of which walked it all and stopped
        # the event loop for 200 ms mid-dialing.
        gc.freeze()
        log.info("service started, role %s", self.role)

    async def _start_jobs(self) -> None:
        assert self.db is not None
        smtp = smtp_config(self.settings)
        # Links in hot leads and e-mails lead to the API: this process's address only if it serves it.
        links = self.settings.public_url or (
            self.url if self.runs("api") else self.settings.effective_public_url
        )
        self.hotleads = HotLeadDispatcher(
            make_sessionmaker(self.db),
            public_base_url=links,
            smtp=smtp,
            owner=f"{self.settings.engine_id}-hotleads",
        )
        await self.hotleads.start()
        if smtp is not None:
            self.mail = MailDispatcher(
                make_sessionmaker(self.db), smtp, public_url=links, owner=f"{self.settings.engine_id}-mail"
            )
            await self.mail.start()
        if self.settings.volume_check_s > 0:
            self.volumes = VolumeWatcher(
                make_sessionmaker(self.db), interval_s=self.settings.volume_check_s, clock=self.clock.now
            )
            self.volumes.start()
        if self.settings.jobs_enabled:
            self.jobs = JobScheduler(self.settings, make_sessionmaker(self.db), clock=self.clock.now)
            self.jobs.start()

    async def stop(self, grace_s: float | None = None, *, hang_up: bool = False) -> None:
        """No new calls; live calls finish (API still up); then the API and the database go.
        ``hang_up``: calls still live after the grace are hung up rather than left running.
        Stopping again once stopped does nothing."""
        if self._stopped:
            return
        self._stopped = True
        if self.runtime is not None:
            log.info("stopping: no new calls; waiting for live calls to finish (stop again to exit now)")
            if not await self._finished_unless_forced(self.runtime.stop(grace_s, hang_up=hang_up)):
                log.warning("stopping now: live calls are left to Asterisk and the next start")
                await self.runtime.kill()
        await self._close()

    async def _finished_unless_forced(self, graceful: Coroutine[Any, Any, None]) -> bool:
        """Run the graceful stop until it ends (True) or a second stop signal cuts it short (False)."""
        stopping = asyncio.ensure_future(graceful)
        forced = asyncio.ensure_future(self.force_requested.wait())
        try:
            await asyncio.wait({stopping, forced}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            forced.cancel()
        if stopping.done():
            await stopping  # its exception, if any
            return True
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stopping
        return False

    async def _close(self) -> None:
        if self.jobs is not None:
            await self.jobs.stop()
        if self.volumes is not None:
            await self.volumes.stop()
        if self.hotleads is not None:
            await self.hotleads.stop()
        if self.mail is not None:
            await self.mail.stop()
        if self.server is not None and self._server_task is not None:
            self.server.should_exit = True
            await self._server_task
        if self.db is not None:
            await self.db.dispose()
        gc.unfreeze()  # a process that goes on (a test) collects what the service left behind

    async def kill(self) -> None:
        """Go at once, as a killed process (tests of reconciliation)."""
        self._stopped = True
        if self.runtime is not None:
            await self.runtime.kill()
        await self._close()

    async def run_until_stopped(self) -> None:
        await self.start()
        await self.serve_until_stopped()

    async def serve_until_stopped(self) -> None:
        """Once started: run until a stop signal (or ``stop_requested``), then stop as it asks."""
        try:
            await self.stop_requested.wait()
        finally:
            await self.stop()
