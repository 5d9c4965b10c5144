"""Operator sessions: storage says who is logged in and ready; the engine holds their softphones.

Every tick the logged-in operators are read from storage (the API changes them). A newly logged-in
operator of a nailed-up campaign gets the login leg: the softphone is called once into the
``dialer-operator-login`` context, which holds it in ``op<endpoint>`` for the session. A leg that
never came up or dropped is tried again after ``relogin_after`` seconds while the softphone is not
known to be unregistered. A logged-out operator's leg is hung up. Wrap-ups end on their timer, or
earlier when storage shows the operator ready again (the disposition ends the wrap-up).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from dialer.engine.floor import Floor, LiveOperator, Seat
from dialer.engine.plan import Plan
from dialer.engine.ports import CallStore, PbxPort, PbxUnavailable
from dialer.engine.writer import OrderedWriter

log = logging.getLogger(__name__)


class OperatorConnector:
    def __init__(
        self,
        floor: Floor,
        store: CallStore,
        pbx: PbxPort,
        writer: OrderedWriter,
        plans: Mapping[int, Plan],
        *,
        relogin_after: float = 10.0,
    ) -> None:
        self.floor = floor
        self.store = store
        self.pbx = pbx
        self.writer = writer
        self.plans = plans
        self.relogin_after = timedelta(seconds=relogin_after)

    def _registration_known(self, op: LiveOperator, now: datetime) -> None:
        """A new session takes its softphone's registration as last listed or heard (storage too)."""
        op.registered = self.floor.softphone(op.endpoint)
        if op.registered is not None:
            store, endpoint, registered = self.store, op.endpoint, op.registered
            self.writer.submit(
                f"registration of {endpoint}", lambda: store.operator_registered(endpoint, registered, now)
            )

    async def sync(self, now: datetime, *, read: bool = True) -> None:
        """Follow storage's sessions: add, update and drop operators; send login legs. Without
        ``read`` (nothing was told and no poll is due) only the login legs due are sent."""
        if not read:
            for op in list(self.floor.operators.values()):
                if self._wants_leg(op, now):
                    await self._login(op, now)
            return
        settled = self.writer.idle  # before reading: then storage already shows our own writes
        sessions = {s.endpoint: s for s in await self.store.operator_sessions()}
        for op in self.floor.remove_operators([e for e in self.floor.operators if e not in sessions]):
            log.info("operator %s logged out", op.endpoint)
            if op.session_id is not None:
                await self._hangup(op.session_id)
        for endpoint, session in sessions.items():
            found = self.floor.operator(endpoint)
            if found is None:
                found = LiveOperator(session.operator_id, endpoint, session.campaign_ids, since=now)
                self.floor.operators[endpoint] = found
                log.info("operator %s logged in to campaign(s) %s", endpoint, sorted(session.campaign_ids))
                self._registration_known(found, now)
            op = found
            op.campaigns = session.campaign_ids
            op.pause_reason = session.reason
            if settled and op.seat is Seat.WRAP_UP and session.state in ("ready", "paused"):
                self.floor.end_wrap(op, now)  # disposed (or paused) through the API before the timer
            self.floor.set_intent(op, paused=session.paused, now=now)
            if self._wants_leg(op, now):
                await self._login(op, now)

    def _wants_leg(self, op: LiveOperator, now: datetime) -> bool:
        if op.held or op.registered is False or not self.pbx.ready:
            return False
        if not any(p.nailed_up for c in op.campaigns if (p := self.plans.get(c)) is not None):
            return False
        return op.login_sent_at is None or now - op.login_sent_at >= self.relogin_after

    async def _login(self, op: LiveOperator, now: datetime) -> None:
        op.session_id = f"op-{op.endpoint}-{uuid.uuid4().hex[:12]}"
        op.login_sent_at = now
        try:
            await self.pbx.login_operator(op.session_id, op.endpoint)
        except PbxUnavailable as exc:
            log.warning("operator %s: login leg refused (%s); trying again later", op.endpoint, exc)

    async def _hangup(self, call_id: str) -> None:
        try:
            await self.pbx.hangup(call_id)
        except PbxUnavailable as exc:
            log.warning("hanging up %s failed: %s", call_id, exc)

    async def end_wraps(self, now: datetime) -> None:
        """Wrap-ups whose time is up: the operator is ready again (storage told in order)."""
        for op in self.floor.wraps_due(now):
            call_uid = op.call_uid
            self.floor.end_wrap(op, now)
            if call_uid is None:
                continue
            store, op_id = self.store, op.operator_id

            async def write(uid: str = call_uid, op_id: int = op_id, store: CallStore = store) -> None:
                await store.mark_wrap_ended(uid, now, op_id)  # the operator ready again with it

            self.writer.submit(f"wrap-up of call {call_uid}", write)

    async def hang_up_legs(self) -> None:
        """Stopping: release every held softphone."""
        for op in list(self.floor.operators.values()):
            if op.session_id is not None and op.seat is not Seat.ON_CALL:
                await self._hangup(op.session_id)
