"""Preview calls in the engine: the operators' clicks, read from storage each tick, placed at once.

A request (``dialer.preview``) is dialed when its operator is here and available for the campaign
(nailed-up: the held leg in its bridge) and a trunk line is free: the contact passes to this
engine's lease, the call is recorded, the operator is reserved for it (no other campaign's
customer reaches them meanwhile), and the Originate skips AMD. The FastAGI answer then puts the
customer straight through to that operator (``dialer.engine.agi``): no connect limit, no abandon.
The call's record, facts, wrap-up and disposition are those of any other call. A request whose
operator is not available within ``wait_s`` fails, saying why; the contact stays held for the
operator, who may click again or skip it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from dialer.engine.floor import Floor, LiveCall
from dialer.engine.limits import Limits
from dialer.engine.plan import Plan
from dialer.engine.ports import CallStore, CustomerCall, PbxPort, PbxUnavailable, PreviewAsk

log = logging.getLogger(__name__)


class PreviewDialer:
    def __init__(
        self, floor: Floor, store: CallStore, pbx: PbxPort, limits: Limits, *, wait_s: float = 30.0
    ) -> None:
        self.floor = floor
        self.store = store
        self.pbx = pbx
        self.limits = limits
        self.wait = timedelta(seconds=wait_s)
        self.placed = 0

    async def tick(self, plans: Mapping[int, Plan], now: datetime) -> int:
        """Place the pending requests of the preview campaigns in ``plans``; how many were placed."""
        previews = {c: p for c, p in plans.items() if p.traits.operator_previews}
        if not previews or not self.pbx.ready:
            return 0
        asks = await self.store.preview_requests(sorted(previews))
        if not asks:
            return 0
        self.limits.capacity(self.floor, now, self.pbx.server_ready)  # refill the rate buckets
        placed = 0
        for ask in asks:
            placed += await self._place(ask, previews[ask.campaign_id], now)
        self.placed += placed
        return placed

    async def _place(self, ask: PreviewAsk, plan: Plan, now: datetime) -> int:
        op = self.floor.operator_by_id(ask.operator_id)
        if op is None or ask.campaign_id not in op.campaigns or not op.available(nailed_up=plan.nailed_up):
            if now - ask.requested_at > self.wait:
                why = "not logged in here" if op is None else f"not available ({op.seat.value})"
                await self.store.fail_preview(ask.request_id, f"operator {ask.operator_id} {why}")
                log.warning("preview request %s failed: operator %s %s", ask.request_id, ask.operator_id, why)
            return 0
        trunk = self.limits.take(self.floor, self.pbx.server_ready)
        if trunk is None:
            return 0  # no line or rate left: the next tick
        call_uid = uuid.uuid4().hex
        lease = await self.store.take_preview(ask, call_uid, now)
        if lease is None:
            return 0
        await self.store.create_call(
            call_uid,
            plan.campaign_id,
            lease,
            trunk.name,
            trunk.server,
            now,
            recording_policy=plan.recording_policy,
        )
        call = LiveCall(
            call_uid,
            plan.campaign_id,
            lease.contact_id,
            trunk.name,
            trunk.server,
            now,
            preferred_operator=op.operator_id,
            preview=True,
        )
        self.floor.add_call(call)
        self.floor.reserve(op, call, now)
        log.info("preview call %s to contact %s for operator %s", call_uid, lease.contact_id, op.endpoint)
        try:
            await self.pbx.originate(
                CustomerCall(
                    call_uid=call_uid,
                    number=lease.phone,
                    trunk=trunk.name,
                    campaign_id=plan.campaign_id,
                    contact_id=lease.contact_id,
                    ring_timeout_s=plan.ring_timeout_s,
                    caller_id=plan.caller_id,
                    recording=plan.recording_policy,
                    recording_legs=plan.recording_split_legs,
                    amd=plan.traits.uses_amd,
                )
            )
        except PbxUnavailable as exc:  # the tracker reports the call failed: the facts close it
            log.warning("preview call %s refused by the PBX: %s", call_uid, exc)
        return 1
