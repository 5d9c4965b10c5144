"""Simulated operators: they log in, get ready, and set a disposition on each call they took.

Everything goes through the services the API calls (``dialer.operators.sessions``,
``dialer.calls.dispositions``); the softphones themselves are the PBX simulator's. Dispositions are
drawn at random (seeded) from the campaign's codes, a few seconds of engine time after the call ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.auth.principal import Principal
from dialer.calls.models import Call
from dialer.db.engine import unit_of_work
from dialer.demo.data import SUPERVISOR
from dialer.engine.clock import EngineClock
from dialer.errors import DomainError
from dialer.operators import sessions as operator_sessions
from dialer.operators.disposing import dispose

log = logging.getLogger(__name__)

# code -> weight; every code is one of the default dispositions
DISPOSITIONS: Mapping[str, float] = {
    "sale": 0.15,
    "hot_lead": 0.05,
    "not_interested": 0.4,
    "callback": 0.15,
    "try_later": 0.15,
    "wrong_number": 0.05,
    "do_not_call": 0.05,
}


class SimulatedOperators:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: EngineClock,
        campaign_id: int,
        operators: Mapping[str, int],
        *,
        think_s: float = 2.0,
        seed: int = 7,
        principal: Principal = SUPERVISOR,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.campaign_id = campaign_id
        self.operators = dict(operators)
        self.think_s = think_s
        self.rng = random.Random(seed)
        self.principal = principal
        self.disposed: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None

    async def log_in(self) -> None:
        """Each operator logs in to the campaign and becomes ready."""
        now = self.clock.now()
        async with unit_of_work(self.sessions) as session:
            for operator_id in self.operators.values():
                await operator_sessions.login(session, self.principal, operator_id, [self.campaign_id], now)
                await operator_sessions.ready(session, self.principal, operator_id, now)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="demo-operators")

    async def stop(self, *, log_out: bool = True, dispose: bool = True) -> None:
        """Stop taking calls; ``dispose``: first set a disposition on every call still without one."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if dispose:
            await self.dispose_all()
        if log_out:
            now = self.clock.now()
            async with unit_of_work(self.sessions) as session:
                for operator_id in self.operators.values():
                    await operator_sessions.logout(session, self.principal, operator_id, now)

    async def _run(self) -> None:
        while True:
            try:
                await self.dispose_all(self.think_s)
            except Exception:
                log.exception("simulated operators: disposing failed")
            await self.clock.sleep(1.0)

    async def dispose_all(self, older_than_s: float = 0.0) -> int:
        """Set a disposition on every ended call of ours that has none (ended ``older_than_s`` ago)."""
        now = self.clock.now()
        ours = list(self.operators.values())
        async with self.sessions() as session:
            calls = list(
                await session.scalars(
                    select(Call.id).where(
                        Call.campaign_id == self.campaign_id,
                        Call.operator_id.in_(ours),
                        Call.ended_at.is_not(None),
                        Call.ended_at <= now - timedelta(seconds=older_than_s),
                        Call.disposition_code.is_(None),
                    )
                )
            )
        for call_id in calls:
            code = self.rng.choices(list(DISPOSITIONS), weights=list(DISPOSITIONS.values()))[0]
            callback = now + timedelta(hours=1) if code == "callback" else None
            try:
                async with unit_of_work(self.sessions) as session:
                    await dispose(
                        session, self.principal, call_id, code, callback_at=callback, at=self.clock.now()
                    )
            except DomainError as exc:
                log.warning("call %s: disposition %s refused: %s", call_id, code, exc)
                continue
            self.disposed[code] = self.disposed.get(code, 0) + 1
        return len(calls)
