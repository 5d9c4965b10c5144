"""The service's volume watch: checks contracts' volumes and sends their alerts, in the background.

Every ``interval_s`` it checks every contract with a committed volume and a running campaign; a call
that ends wakes it to check that call's contract (each contract at most once per ``MIN_GAP``). After
each round it sends the alerts due to the clients' CRMs. Each contract is checked in its own unit of
work, so one failing contract does not stop the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.calls import ended as call_ends
from dialer.campaigns.models import Campaign
from dialer.clients.models import Contract
from dialer.db.engine import unit_of_work
from dialer.metering.alert_webhook import deliver_due
from dialer.metering.alerts import check_volume, watched_contracts

log = logging.getLogger(__name__)

MIN_GAP = timedelta(seconds=10)
_LONG_AGO = datetime.min.replace(tzinfo=UTC)
WEBHOOK_TIMEOUT_S = 10.0


def _system_now() -> datetime:
    return datetime.now(UTC)


async def check_contracts(
    sessions: async_sessionmaker[AsyncSession], now: datetime, contract_ids: set[int] | None = None
) -> int:
    """Check the watched contracts (or only ``contract_ids`` among them); answers the alerts raised."""
    async with unit_of_work(sessions) as session:
        ids = [c.id for c in await watched_contracts(session)]
    raised = 0
    for contract_id in ids:
        if contract_ids is not None and contract_id not in contract_ids:
            continue
        try:
            async with unit_of_work(sessions) as session:
                contract = await session.get(Contract, contract_id)
                if contract is not None:
                    raised += len((await check_volume(session, contract, now)).raised)
        except Exception:
            log.exception("volume check of contract %s failed", contract_id)
    return raised


class VolumeWatcher:
    """Runs :func:`check_contracts` and :func:`deliver_due` until stopped."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        interval_s: float,
        clock: Callable[[], datetime] = _system_now,
    ) -> None:
        self.sessions = sessions
        self.interval_s = interval_s
        self.clock = clock
        self._wake = asyncio.Event()
        self._ended: set[int] = set()
        self._checked: dict[int, datetime] = {}
        self._deferred: set[int] = set()  # contracts with ended calls, checked too recently to check again
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._http: httpx.AsyncClient | None = None

    def _on_calls_ended(self, campaign_ids: frozenset[int]) -> None:
        self._ended |= campaign_ids
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = call_ends.subscribe(self._on_calls_ended)
        self._task = asyncio.create_task(self._run(), name="volume-watcher")

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _contracts_of(self, campaign_ids: set[int]) -> set[int]:
        async with unit_of_work(self.sessions) as session:
            query = select(Campaign.contract_id).where(Campaign.id.in_(campaign_ids))
            return set(await session.scalars(query))

    async def round(self, *, everything: bool) -> None:
        """One round: every watched contract, or those whose calls ended since they were last checked
        (one checked less than ``MIN_GAP`` ago waits for a later round)."""
        now = self.clock()
        wanted: set[int] | None = None
        if not everything:
            ended, self._ended = self._ended, set()
            candidates = self._deferred | (await self._contracts_of(ended) if ended else set())
            wanted = {c for c in candidates if now - self._checked.get(c, _LONG_AGO) >= MIN_GAP}
            self._deferred = candidates - wanted
            if not wanted:
                return
        else:
            self._deferred = set()
        await check_contracts(self.sessions, now, wanted)
        for contract_id in wanted or ():
            self._checked[contract_id] = now
        await deliver_due(self.sessions, self._client(), now)

    def _client(self) -> httpx.AsyncClient:
        """The watcher's one HTTP client, kept for its life: a new client builds a TLS context, which
        took the event loop 25-30 ms each round."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_S)
        return self._http

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_full = loop.time()
        while True:
            timeout = max(next_full - loop.time(), 0.0)
            if self._deferred:
                timeout = min(timeout, MIN_GAP.total_seconds())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._wake.clear()
            everything = loop.time() >= next_full
            try:
                await self.round(everything=everything)
            except Exception:
                log.exception("volume watch round failed")
            if everything:
                next_full = loop.time() + self.interval_s
