"""One campaign's pacing tick: snapshot the floor, ask ``dialer.pacing.decide``, lease, record, originate.

Each call is recorded (``create_call``) before its Originate is sent, so a crash in between leaves a
record that reconciliation closes, never a call nobody knows of. The ring timeout is the campaign's,
never under the profile's minimum (15 s). A paused or stopped campaign gets no tick at all, so it
places nothing new while its live calls finish.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from dialer.engine.floor import Floor, LiveCall, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.plan import Plan
from dialer.engine.ports import CallStore, CustomerCall, Lease, PbxPort, PbxUnavailable
from dialer.observability import logs, metrics
from dialer.pacing import (
    AbandonBudget,
    CallStats,
    LineLimits,
    PacingDecision,
    PacingInput,
    decide,
    estimate_stats,
)

log = logging.getLogger(__name__)

# AMD's HUMAN verdict on Asterisk's defaults: 0.5 s of greeting and 0.8 s of silence (asterisk-traces,
# part 2); a campaign's own verdict times replace it as they come.
PRIOR_AMD_S = 1.3


@dataclass(frozen=True, slots=True)
class RunnerSettings:
    max_lines_per_campaign: int = 100
    prior: CallStats = field(default_factory=lambda: CallStats(mean_amd_s=PRIOR_AMD_S))
    abandon_margin: float = 0.0


def pacing_input(
    plan: Plan,
    floor: Floor,
    now: datetime,
    *,
    lines_free: int,
    cps_tokens: int,
    settings: RunnerSettings,
    base_abandon: tuple[int, int] = (0, 0),
) -> PacingInput:
    """The snapshot ``decide`` reads, taken from the floor at ``now``."""
    calls = floor.campaign_calls(plan.campaign_id)
    ops = floor.campaign_operators(plan.campaign_id)

    def since(t: datetime | None) -> float:
        return max(0.0, (now - t).total_seconds()) if t is not None else 0.0

    talking = tuple(since(o.since) for o in ops if o.seat in (Seat.RESERVED, Seat.ON_CALL))
    wrapping = tuple(since(o.since) for o in ops if o.seat is Seat.WRAP_UP)
    # Answered calls still in AMD count as people waiting (most answered calls are): dialing on
    # the chance they are machines would abandon the ones that are not.
    ringing = tuple(since(c.placed_at) for c in calls if c.answered_at is None and c.human_at is None)
    waiting = sum(
        1
        for c in calls
        if (c.answered_at is not None or c.human_at is not None)
        and c.operator is None
        and c.amd_status != "MACHINE"
        and not c.abandoned
    )
    in_use = len(ringing) + waiting + len(talking)
    tally = floor.tally(plan.campaign_id)
    prior = CallStats(
        answer_rate=settings.prior.answer_rate,
        mean_ring_s=settings.prior.mean_ring_s,
        mean_fail_s=settings.prior.mean_fail_s,
        mean_talk_s=settings.prior.mean_talk_s,
        mean_wrap_s=plan.wrap_up_s,
        mean_amd_s=settings.prior.mean_amd_s,
    )
    return PacingInput(
        mode=plan.mode,
        ready=sum(1 for o in ops if o.available(nailed_up=plan.nailed_up)),
        talking_elapsed=talking,
        wrapping_elapsed=wrapping,
        ringing_elapsed=ringing,
        waiting=waiting,
        stats=estimate_stats(tally.recent, prior),
        abandon=AbandonBudget(
            answered=base_abandon[0] + tally.answered,
            abandoned=base_abandon[1] + tally.abandoned,
            cap=plan.abandon_cap,
            margin=settings.abandon_margin,
        ),
        limits=LineLimits(
            max_lines=min(settings.max_lines_per_campaign, in_use + lines_free), cps_tokens=cps_tokens
        ),
        fixed_ratio=plan.dial_ratio,
        connect_limit_s=plan.connect_limit_s,
        dial_ahead=plan.dial_ahead,
        recent_talk_s=tuple(o.talk_s for o in tally.recent if o.talk_s is not None),
    )


class CampaignRunner:
    def __init__(
        self,
        plan: Plan,
        *,
        floor: Floor,
        store: CallStore,
        pbx: PbxPort,
        limits: Limits,
        settings: RunnerSettings,
        base_abandon: tuple[int, int] = (0, 0),
    ) -> None:
        self.plan = plan
        self.floor = floor
        self.store = store
        self.pbx = pbx
        self.limits = limits
        self.settings = settings
        self.base_abandon = base_abandon
        self.last: PacingDecision | None = None
        self.placed = 0

    def abandon_counts(self) -> tuple[int, int]:
        """Calls answered by a person and abandoned over the campaign's abandon window."""
        tally = self.floor.tally(self.plan.campaign_id)
        return self.base_abandon[0] + tally.answered, self.base_abandon[1] + tally.abandoned

    async def tick(self, now: datetime) -> int:
        """Place the calls pacing asks for now; returns how many were sent."""
        with logs.bound(campaign_id=self.plan.campaign_id):
            return await self._tick(now)

    async def _tick(self, now: datetime) -> int:
        if not self.pbx.ready:
            return 0
        lines, tokens = self.limits.capacity(self.floor, now, self.pbx.server_ready)
        snapshot = pacing_input(
            self.plan,
            self.floor,
            now,
            lines_free=lines,
            cps_tokens=tokens,
            settings=self.settings,
            base_abandon=self.base_abandon,
        )
        decision = decide(snapshot)
        await self._log(decision, snapshot, now)
        if decision.calls <= 0:
            return 0
        ready_ids = self.floor.available_ids(self.plan.campaign_id, nailed_up=self.plan.nailed_up)
        leases = await self.store.lease(self.plan, decision.calls, now, ready_ids)
        sent = 0
        for index, lease in enumerate(leases):
            trunk = self.limits.take(self.floor, self.pbx.server_ready)
            if trunk is None:
                await self.store.release_contacts([left.contact_id for left in leases[index:]])
                break
            call_uid = uuid.uuid4().hex
            with logs.bound(call_id=call_uid):
                if not await self._place(call_uid, lease, trunk, now):
                    await self.store.release_contacts([left.contact_id for left in leases[index + 1 :]])
                    break
            sent += 1
        self.placed += sent
        return sent

    async def _place(self, call_uid: str, lease: Lease, trunk: TrunkLimit, now: datetime) -> bool:
        """Record the call, put it on the floor and send its Originate; False: the PBX refused."""
        await self.store.create_call(
            call_uid,
            self.plan.campaign_id,
            lease,
            trunk.name,
            trunk.server,
            now,
            recording_policy=self.plan.recording_policy,  # what the Originate below tells the dialplan
        )
        self.floor.add_call(
            LiveCall(
                call_uid,
                self.plan.campaign_id,
                lease.contact_id,
                trunk.name,
                trunk.server,
                now,
                preferred_operator=lease.operator_id,
            )
        )
        call = CustomerCall(
            call_uid=call_uid,
            number=lease.phone,
            trunk=trunk.name,
            campaign_id=self.plan.campaign_id,
            contact_id=lease.contact_id,
            ring_timeout_s=self.plan.ring_timeout_s,
            caller_id=self.plan.caller_id,
            recording=self.plan.recording_policy,
            recording_legs=self.plan.recording_split_legs,
            amd=self.plan.traits.uses_amd,
        )
        try:
            await self.pbx.originate(call)
        except PbxUnavailable as exc:
            log.warning(
                "campaign %s: originate refused (%s); no more calls this tick", self.plan.campaign_id, exc
            )
            return False
        metrics.CALLS.labels(str(self.plan.campaign_id), "placed").inc()
        log.debug("call placed on trunk %s (contact %s)", trunk.name, lease.contact_id)
        return True

    async def _log(self, decision: PacingDecision, snapshot: PacingInput, now: datetime) -> None:
        """Store the decision when the dial level or the mode changed (explainable pacing)."""
        last, self.last = self.last, decision
        if last is not None and (
            round(last.dial_level, 2) == round(decision.dial_level, 2)
            and last.mode_used is decision.mode_used
        ):
            return
        log.debug("campaign %s: %s", self.plan.campaign_id, decision.log_line())
        extra = {
            "talking": len(snapshot.talking_elapsed),
            "wrapping": len(snapshot.wrapping_elapsed),
            "answered": snapshot.abandon.answered,
            "abandoned": snapshot.abandon.abandoned,
        }
        await self.store.log_pacing(self.plan.campaign_id, decision, now, extra)
