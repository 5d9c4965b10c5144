"""Liveness and readiness of a service process, and the live figures sampled for a scrape.

``Observed`` knows the parts this process runs (its role decides which): the database always, the
engine runtime (each AMI connection, the FastAGI listener, the last pacing tick, the ordered
writer's queue), the outbox dispatchers (hot leads, mail). ``ready()`` checks each part and answers
a ``Readiness`` naming the failing ones; ``sample()`` sets the gauges of ``metrics`` from the same
parts just before ``/metrics`` renders them.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from dialer.hotleads.models import DeliveryStatus, LeadDelivery
from dialer.mail.models import MailMessage, MailStatus
from dialer.observability import metrics
from dialer.settings import Settings

if TYPE_CHECKING:  # the API imports this module, and needs none of the engine
    from dialer.engine.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Past these a part is not ready."""

    tick_age_s: float = 30.0
    writer_queue_max: int = 1000
    outbox_lag_s: float = 300.0


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        tick_age_s=settings.health_tick_age_s,
        writer_queue_max=settings.health_writer_queue_max,
        outbox_lag_s=settings.health_outbox_lag_s,
    )


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Readiness:
    role: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failing(self) -> list[str]:
        return [c.name for c in self.checks if not c.ok]


@dataclass(frozen=True, slots=True)
class OutboxState:
    backlog: int
    lag_s: float


_OUTBOXES = {
    "hot_leads": (LeadDelivery, DeliveryStatus.PENDING),
    "mail": (MailMessage, MailStatus.PENDING),
}


async def outbox_state(db: AsyncEngine, name: str, now: datetime) -> OutboxState:
    """Pending messages of an outbox, and how long the oldest due one (not held by a dispatcher)
    has waited since it became due."""
    model, pending = _OUTBOXES[name]
    table: Any = model
    unheld = or_(table.lease_expires_at.is_(None), table.lease_expires_at < now)
    query = select(
        func.count(table.id),
        func.min(table.next_attempt_at).filter(and_(table.next_attempt_at <= now, unheld)),
    ).where(table.status == pending)
    async with db.connect() as connection:
        backlog, oldest = (await connection.execute(query)).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return OutboxState(int(backlog), lag)


class Observed:
    """The parts of one process that readiness checks and a scrape samples."""

    def __init__(
        self,
        db: AsyncEngine,
        *,
        role: str = "api",
        runtime: Runtime | None = None,
        outboxes: tuple[str, ...] = (),
        thresholds: Thresholds = Thresholds(),
    ) -> None:
        self.db = db
        self.role = role
        self.runtime = runtime
        self.outboxes = outboxes
        self.thresholds = thresholds
        self._campaigns: set[str] = set()

    async def ready(self) -> Readiness:
        checks = [await self._database()]
        runtime = self.runtime
        if runtime is not None:
            checks += [self._ami(name, client) for name, client in runtime.pbx.clients.items()]
            checks += [self._agi(runtime), self._tick(runtime), self._writer(runtime)]
        now = datetime.now(UTC)
        for name in self.outboxes:
            checks.append(await self._outbox(name, now))
        return Readiness(self.role, tuple(checks))

    async def _database(self) -> Check:
        try:
            async with self.db.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            return Check("database", False, {"error": type(exc).__name__})
        return Check("database", True, {"dialect": self.db.dialect.name})

    @staticmethod
    def _ami(name: str, client: Any) -> Check:
        detail: dict[str, Any] = {"state": client.state}
        if not client.ready and client.last_error:
            detail["error"] = client.last_error
        return Check(f"ami:{name}", bool(client.ready), detail)

    @staticmethod
    def _agi(runtime: Runtime) -> Check:
        if not runtime.agi.listening:
            return Check("fastagi", False, {"listening": False})
        return Check("fastagi", True, {"port": runtime.agi.port, "sessions": runtime.agi.active_sessions})

    def _tick(self, runtime: Runtime) -> Check:
        age = runtime.engine.tick_age()
        ok = age is not None and age <= self.thresholds.tick_age_s
        return Check("engine", ok, {"last_tick_age_s": None if age is None else round(age, 3)})

    def _writer(self, runtime: Runtime) -> Check:
        depth = runtime.engine.writer.pending
        return Check("writer", depth <= self.thresholds.writer_queue_max, {"queue_depth": depth})

    async def _outbox(self, name: str, now: datetime) -> Check:
        try:
            state = await outbox_state(self.db, name, now)
        except Exception as exc:
            return Check(f"outbox:{name}", False, {"error": type(exc).__name__})
        ok = state.lag_s <= self.thresholds.outbox_lag_s
        return Check(f"outbox:{name}", ok, {"backlog": state.backlog, "lag_s": round(state.lag_s, 3)})

    async def sample(self) -> None:
        """Set the gauges of live state from this process's parts (just before a scrape)."""
        runtime = self.runtime
        if runtime is not None:
            for name, client in runtime.pbx.clients.items():
                metrics.AMI_CONNECTED.labels(name).set(1 if client.ready else 0)
                if client.ping_rtt is not None:
                    metrics.AMI_EVENT_LAG.labels(name).set(client.ping_rtt)
            metrics.AGI_ACTIVE.set(runtime.agi.active_sessions)
            metrics.WRITER_QUEUE.set(runtime.engine.writer.pending)
            age = runtime.engine.tick_age()
            if age is not None:
                metrics.ENGINE_TICK_AGE.set(age)
            self._sample_campaigns(runtime)
        now = datetime.now(UTC)
        for name in self.outboxes:
            try:
                state = await outbox_state(self.db, name, now)
            except Exception as exc:  # the rest of the scrape still goes out; readiness says why
                log.warning("metrics: outbox %s not read (%s)", name, type(exc).__name__)
                continue
            metrics.OUTBOX_BACKLOG.labels(name).set(state.backlog)
            metrics.OUTBOX_LAG.labels(name).set(state.lag_s)

    def _sample_campaigns(self, runtime: Runtime) -> None:
        """Dial level and abandon rate of each campaign running here; a campaign no longer running
        here leaves the gauges (so their label sets stay as few as the running campaigns)."""
        seen: set[str] = set()
        for campaign_id, runner in list(runtime.engine.runners.items()):
            label = str(campaign_id)
            seen.add(label)
            if runner.last is not None:
                metrics.DIAL_LEVEL.labels(label).set(runner.last.dial_level)
            answered, abandoned = runner.abandon_counts()
            metrics.ABANDON_RATE.labels(label).set(abandoned / answered if answered else 0.0)
            metrics.ABANDON_CAP.labels(label).set(runner.plan.abandon_cap)
        for label in self._campaigns - seen:
            for gauge in (metrics.DIAL_LEVEL, metrics.ABANDON_RATE, metrics.ABANDON_CAP):
                with contextlib.suppress(KeyError):  # never sampled (no decision yet)
                    gauge.remove(label)
        self._campaigns = seen
