"""In-memory stand-ins for the engine's two ports: a store that records every write, a PBX that
records every action (and reports a refused originate as the real tracker does)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ami.facts import CallFailed, FactListener, FailReason
from dialer.calls import early as early_facts
from dialer.calls.models import CallOutcome, HangupSide
from dialer.campaigns.models import RecordingPolicy
from dialer.compliance import get_profile
from dialer.dialing_modes import DialMode
from dialer.engine.plan import Plan
from dialer.engine.ports import (
    CustomerCall,
    Early,
    Lease,
    OpenCall,
    OperatorSession,
    PbxUnavailable,
    PreviewAsk,
    WrapUp,
)
from dialer.engine.settle import Settled
from dialer.pacing import PacingDecision

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def plan(
    campaign_id: int = 1,
    *,
    mode: DialMode = DialMode.PROGRESSIVE,
    nailed_up: bool = True,
    connect_limit_s: float = 2.0,
    profile: str = "us",
) -> Plan:
    p = get_profile(profile)
    return Plan(
        campaign_id=campaign_id,
        mode=mode,
        nailed_up=nailed_up,
        ring_timeout_s=20.0,
        connect_limit_s=connect_limit_s,
        wrap_up_s=10.0,
        abandon_cap=0.03,
        abandon_window=timedelta(days=30),
        dial_ahead=p.dial_ahead,
        caller_id=None,
        profile=p,
    )


class FakeStore:
    def __init__(self, phones: list[str] | None = None) -> None:
        self.queue = [Lease(i + 1, phone, 1) for i, phone in enumerate(phones or [])]
        self.writes: list[tuple[Any, ...]] = []
        self.plans: list[Plan] = []
        self.sessions: list[OperatorSession] = []
        self.open: list[OpenCall] = []
        self.expired = 0
        self.orphans = 0
        self.previews: list[PreviewAsk] = []  # operators' clicks to call, not taken yet
        self.exhausted: dict[int, str] = {}  # campaigns finish_if_exhausted finishes, with the reason
        self.settled: dict[str, Settled] = {}  # calls lost while nobody watched, as settled
        self.hangups_asked: set[str] = set()  # calls asked from a page to be hung up
        self.recording_policies: dict[str, RecordingPolicy] = {}  # each created call's, by call uid
        self.transactions = 0  # call-record writes (each would be one transaction)

    def _w(self, *item: Any) -> None:
        self.writes.append(item)

    def kinds(self, call_uid: str) -> list[str]:
        return [w[0] for w in self.writes if len(w) > 1 and w[1] == call_uid]

    async def running_campaigns(self, now: datetime) -> list[Plan]:
        return list(self.plans)

    async def lease(
        self, plan: Plan, limit: int, now: datetime, ready_operator_ids: list[int]
    ) -> list[Lease]:
        taken, self.queue = self.queue[:limit], self.queue[limit:]
        self._w("lease", plan.campaign_id, limit, len(taken))
        return taken

    async def release_contacts(self, contact_ids: list[int]) -> None:
        self._w("release_contacts", tuple(contact_ids))

    async def release_campaigns(self, campaign_ids: list[int]) -> None:
        self._w("release", tuple(campaign_ids))

    async def renew_leases(self, contact_ids: list[int], now: datetime) -> None:
        self._w("renew", tuple(contact_ids))

    async def expire_leases(self, now: datetime, *, holds: bool = True) -> int:
        self._w("expire", holds)
        return self.expired

    async def release_orphans(self, keep: list[int]) -> int:
        self._w("release_orphans", tuple(sorted(keep)))
        return self.orphans

    async def create_call(
        self,
        call_uid: str,
        campaign_id: int,
        lease: Lease,
        trunk: str,
        server: str,
        at: datetime,
        *,
        recording_policy: RecordingPolicy,
    ) -> None:
        self._w("create", call_uid, lease.contact_id, trunk, server)
        self.recording_policies[call_uid] = recording_policy

    def _early(self, call_uid: str, facts: Early) -> None:
        for fact in facts:
            if isinstance(fact, early_facts.Ringing):
                self._w("ringing", call_uid)
            elif isinstance(fact, early_facts.Answered):
                self._w("answered", call_uid)
            else:
                self._w("amd", call_uid, fact.status)

    async def mark_early(self, call_uid: str, facts: Early) -> None:
        self.transactions += 1
        self._early(call_uid, facts)

    async def mark_connected(self, call_uid: str, operator_id: int, at: datetime, early: Early = ()) -> None:
        self.transactions += 1
        self._early(call_uid, early)
        self._w("connected", call_uid, operator_id)  # the operator on the call with it

    async def mark_abandoned(self, call_uid: str, at: datetime, early: Early = ()) -> None:
        self.transactions += 1
        self._early(call_uid, early)
        self._w("abandoned", call_uid)

    async def mark_ended(
        self,
        call_uid: str,
        outcome: CallOutcome,
        cause: int | None,
        side: HangupSide | None,
        at: datetime,
        early: Early = (),
        wrap_up: WrapUp | None = None,
    ) -> None:
        self.transactions += 1
        self._early(call_uid, early)
        self._w("ended", call_uid, outcome, cause, side)
        self._wrap_up(call_uid, wrap_up)

    def _wrap_up(self, call_uid: str, wrap_up: WrapUp | None) -> None:
        if wrap_up is not None:
            self._w("op_wrap", call_uid, wrap_up.operator_id, wrap_up.wrap_s)

    async def mark_wrap_ended(self, call_uid: str, at: datetime, operator_id: int | None = None) -> None:
        self.transactions += 1
        self._w("wrap_ended", call_uid)
        if operator_id is not None:
            self._w("op_wrap_ended", call_uid, operator_id)

    async def settle(
        self, call_uid: str, settled: Settled, early: Early = (), wrap_up: WrapUp | None = None
    ) -> None:
        self.transactions += 1
        self._early(call_uid, early)
        if settled.abandoned_at is not None:
            self._w("abandoned", call_uid)
        if settled.review is not None:
            self._w("review", call_uid, settled.review)
        self._w("ended", call_uid, settled.outcome, settled.cause, settled.side)
        self.settled[call_uid] = settled
        self._wrap_up(call_uid, wrap_up)

    async def seen_alive(self, call_uids: list[str], at: datetime) -> None:
        self._w("seen_alive", tuple(call_uids))

    async def open_calls(self, now: datetime, campaign_id: int | None = None) -> list[OpenCall]:
        return [c for c in self.open if campaign_id is None or c.campaign_id == campaign_id]

    async def abandon_counts(self, plan: Plan, now: datetime) -> tuple[int, int]:
        return (0, 0)

    async def log_pacing(
        self, campaign_id: int, decision: PacingDecision, at: datetime, extra: dict[str, Any]
    ) -> None:
        self._w("pacing", campaign_id, decision.mode_used.value, decision.calls)

    async def finish_if_exhausted(self, plan: Plan, now: datetime) -> str | None:
        self._w("finish_check", plan.campaign_id)
        return self.exhausted.get(plan.campaign_id)

    async def hangup_requests(self, call_uids: list[str]) -> list[str]:
        return [uid for uid in call_uids if uid in self.hangups_asked]

    async def preview_requests(self, campaign_ids: list[int]) -> list[PreviewAsk]:
        return [a for a in self.previews if a.campaign_id in campaign_ids]

    async def take_preview(self, ask: PreviewAsk, call_uid: str, now: datetime) -> Lease | None:
        self.previews.remove(ask)
        self._w("take_preview", call_uid, ask.request_id)
        return Lease(ask.contact_id, f"+7916555{ask.contact_id:04d}", 1, ask.operator_id)

    async def fail_preview(self, request_id: int, reason: str) -> None:
        self.previews = [a for a in self.previews if a.request_id != request_id]
        self._w("fail_preview", request_id, reason)

    async def operator_sessions(self) -> list[OperatorSession]:
        return list(self.sessions)

    async def operator_held(self, operator_id: int, session_id: str | None, at: datetime) -> None:
        self._w("op_held", operator_id, session_id)

    async def operator_registered(self, endpoint: str, registered: bool, at: datetime) -> None:
        self._w("op_registered", endpoint, registered)

    async def operators_registered(self, reachable: frozenset[str], at: datetime) -> None:
        self._w("ops_registered", ",".join(sorted(reachable)))


class FakePbx:
    def __init__(self, listener: FactListener | None = None, *, refuse: bool = False) -> None:
        self.ready = True
        self.down: set[str] = set()
        self.refuse = refuse
        self.listener = listener
        self.originated: list[CustomerCall] = []
        self.logins: list[tuple[str, str]] = []
        self.hangups: list[str] = []
        self.followed: list[str] = []
        self.adopted: list[str] = []
        self.on_hangup: Callable[[str], None] | None = None

    def server_of(self, trunk: str) -> str:
        return "asterisk"

    def server_ready(self, server: str) -> bool:
        return self.ready and server not in self.down

    async def originate(self, call: CustomerCall) -> None:
        if self.refuse:
            if self.listener is not None:
                self.listener.on_fact(
                    CallFailed(call.call_uid, T0, FailReason.CHANNEL_UNAVAILABLE, None, None)
                )
            raise PbxUnavailable("refused")
        self.originated.append(call)

    async def login_operator(self, session_id: str, endpoint: str) -> None:
        self.logins.append((session_id, endpoint))

    async def hangup(self, call_id: str) -> None:
        self.hangups.append(call_id)
        if self.on_hangup is not None:
            self.on_hangup(call_id)

    def follow(self, call_uid: str, server: str) -> None:
        self.followed.append(call_uid)

    def follow_operator(self, session_id: str, endpoint: str) -> None:
        self.followed.append(session_id)

    async def adopt(self, calls: Mapping[str, str]) -> None:
        self.adopted.extend(calls)
