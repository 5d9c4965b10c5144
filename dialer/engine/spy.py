"""Supervisors' spy requests in the engine: read from storage each tick, placed by the engine whose
floor has the operator's call, followed through the spy leg's facts.

A request is placed when its call is live here and put through to the operator (the tracker knows
the operator's channel, the ``SPYTARGET``): the request is claimed (no other engine places it), the
supervisor's softphone is rung into ``dialer-supervisor``, and the leg's facts move the request on:
``SpyStarted`` active, ``SpyStopped`` ended, the leg gone before ChanSpy began failed. A request whose
call no engine here follows within ``wait_s`` (the call ended, or another engine's) fails, saying so.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ami.facts import CallFailed, Fact, OperatorLoggedOut, SpyStarted, SpyStopped
from dialer.db.engine import unit_of_work
from dialer.engine.floor import Floor
from dialer.engine.ports import PbxUnavailable
from dialer.engine.writer import OrderedWriter
from dialer.supervision import spy as requests
from dialer.supervision.models import SpyStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SpyAsk:
    request_id: int
    operator_id: int
    call_uid: str
    mode: str
    endpoint: str
    requested_at: datetime


class SpyPbx(Protocol):
    @property
    def ready(self) -> bool: ...

    def spy_target(self, call_uid: str) -> str | None: ...

    async def spy(self, session_id: str, endpoint: str, mode: str, target: str, call_uid: str) -> None: ...


class SpyStore(Protocol):
    async def pending(self) -> list[SpyAsk]: ...

    async def take(self, request_id: int, session_id: str, target: str, at: datetime) -> bool: ...

    async def progress(
        self, request_id: int, status: SpyStatus, at: datetime, error: str | None = None
    ) -> None: ...


class SqlSpyStore:
    """``SpyStore`` over the database, one unit of work per call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], owner: str) -> None:
        self.sessions = sessions
        self.owner = owner

    async def pending(self) -> list[SpyAsk]:
        async with unit_of_work(self.sessions) as session:
            rows = await requests.pending(session)
            return [
                SpyAsk(r.id, r.operator_id, r.call_uid, r.mode.value, r.endpoint, r.requested_at)
                for r in rows
            ]

    async def take(self, request_id: int, session_id: str, target: str, at: datetime) -> bool:
        async with unit_of_work(self.sessions) as session:
            return await requests.take(
                session, request_id, engine=self.owner, session_id=session_id, target_channel=target, at=at
            )

    async def progress(
        self, request_id: int, status: SpyStatus, at: datetime, error: str | None = None
    ) -> None:
        async with unit_of_work(self.sessions) as session:
            await requests.progress(session, request_id, status, at, error)


class SpyDialer:
    def __init__(
        self, floor: Floor, store: SpyStore, pbx: SpyPbx, writer: OrderedWriter, *, wait_s: float = 30.0
    ) -> None:
        self.floor = floor
        self.store = store
        self.pbx = pbx
        self.writer = writer
        self.wait = timedelta(seconds=wait_s)
        self.legs: dict[str, int] = {}  # spy leg's call id -> request id
        self.active: set[str] = set()

    async def tick(self, now: datetime) -> int:
        """Place the pending requests whose calls are here; how many were placed."""
        if not self.pbx.ready:
            return 0
        placed = 0
        for ask in await self.store.pending():
            placed += await self._place(ask, now)
        return placed

    async def _place(self, ask: SpyAsk, now: datetime) -> int:
        call = self.floor.calls.get(ask.call_uid)
        target = self.pbx.spy_target(ask.call_uid) if call is not None else None
        if target is None:
            if now - ask.requested_at > self.wait:
                why = f"call {ask.call_uid} is not put through to an operator here (ended?)"
                await self.store.progress(ask.request_id, SpyStatus.FAILED, now, why)
                log.warning("spy request %s failed: %s", ask.request_id, why)
            return 0
        leg = f"spy-{ask.request_id}-{uuid.uuid4().hex[:8]}"
        if not await self.store.take(ask.request_id, leg, target, now):
            return 0
        self.legs[leg] = ask.request_id
        log.info("spy %s: %s on %s (request %s)", ask.mode, ask.endpoint, target, ask.request_id)
        try:
            await self.pbx.spy(leg, ask.endpoint, ask.mode, target, ask.call_uid)
        except PbxUnavailable as exc:
            self.legs.pop(leg, None)
            await self.store.progress(ask.request_id, SpyStatus.FAILED, now, f"the PBX refused: {exc}")
        return 1

    def on_fact(self, fact: Fact) -> None:
        """A spy leg's fact (the tracker's listener for spy legs): the request moves on, in order."""
        leg: str | None = getattr(fact, "call_id", None)
        request_id = self.legs.get(leg or "")
        if leg is None or request_id is None:
            return
        at: datetime = fact.at
        if isinstance(fact, SpyStarted):
            self.active.add(leg)
            self._progress(request_id, SpyStatus.ACTIVE, at)
        elif isinstance(fact, SpyStopped):
            self._forget(leg)
            self._progress(request_id, SpyStatus.ENDED, at)
        elif isinstance(fact, OperatorLoggedOut | CallFailed):
            spied = leg in self.active
            self._forget(leg)
            if spied:
                self._progress(request_id, SpyStatus.ENDED, at)
            else:
                why = "the supervisor's softphone did not answer, or hung up before the spy began"
                self._progress(request_id, SpyStatus.FAILED, at, why)

    def _forget(self, leg: str) -> None:
        self.legs.pop(leg, None)
        self.active.discard(leg)

    def _progress(self, request_id: int, status: SpyStatus, at: datetime, error: str | None = None) -> None:
        store = self.store
        self.writer.submit(
            f"spy request {request_id} {status.value}",
            lambda: store.progress(request_id, status, at, error),
        )
