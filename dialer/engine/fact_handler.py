"""The tracker's facts applied to the engine: to the floor at once, to storage in order.

``FactHandler.on_fact`` is the ``ami.facts.FactListener`` the trackers call, synchronously and in
event order. The floor changes before it returns (so the next pacing tick and the next connect
decision see it); the storage writes are queued on the ``OrderedWriter``. Ringing, answered and
the AMD verdict are held there for the call's next durable write (connected, abandoned, ended),
which writes them in its own transaction; at most ``hold_s`` later they are written on their own.

A call the tracker reports gone with no Hangup seen (not listed at a resync after the engine or its
AMI connection was away, or ended by an Asterisk restart) is settled from Asterisk's own record
(``dialer.engine.lost``, ``dialer.engine.settle``): its true end, cause and talk, or only what is
proven and a review flag.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from functools import partial

from ami.facts import (
    AmdVerdict,
    CallAnswered,
    CallConnected,
    CallFailed,
    CallHungUp,
    CallRinging,
    EndpointsListed,
    EndpointStatus,
    Fact,
    FailReason,
    HungUpBy,
    OperatorLoggedOut,
    OperatorReady,
    PbxRestarted,
)
from dialer.calls import early
from dialer.calls.models import CallOutcome, HangupSide
from dialer.engine.floor import Floor, LiveCall, LiveOperator, Seat
from dialer.engine.lost import LostCalls
from dialer.engine.outcomes import answered_by_person, answered_outcome, failed_outcome, hangup_side
from dialer.engine.plan import Plan
from dialer.engine.ports import CallStore, Early, WrapUp
from dialer.engine.settle import Known, settle
from dialer.engine.writer import OrderedWriter
from dialer.observability import logs, metrics
from dialer.pacing import CallOutcome as PacingOutcome

log = logging.getLogger(__name__)

REACHABLE = "reachable"
PERSON_VERDICTS = ("HUMAN", "NOTSURE")  # AMD verdicts after which the call waits for an operator
DEFAULT_WRAP_S = 10.0


class FactHandler:
    def __init__(
        self,
        floor: Floor,
        store: CallStore,
        writer: OrderedWriter,
        plans: Mapping[int, Plan],
        *,
        default_wrap_s: float = DEFAULT_WRAP_S,
        lost: LostCalls | None = None,
    ) -> None:
        self.floor = floor
        self.store = store
        self.writer = writer
        self.plans = plans
        self.default_wrap_s = default_wrap_s
        self.lost = lost or LostCalls()

    def on_fact(self, fact: Fact) -> None:
        call_id: str | None = getattr(fact, "call_id", None)
        call = self.floor.calls.get(call_id) if call_id else None
        try:
            with logs.bound(call_id=call_id, campaign_id=call.campaign_id if call else None):
                self._apply(fact)
        except Exception:  # a bug here must not stop the tracker's stream
            log.exception("engine: fact %r not applied", fact)

    def _apply(self, fact: Fact) -> None:
        if isinstance(fact, EndpointStatus):
            self._endpoint(fact)
        elif isinstance(fact, EndpointsListed):
            self._endpoints_listed(fact)
        elif isinstance(fact, PbxRestarted):
            log.warning("PBX restarted at %s: its live calls are closed as ended by the restart", fact.at)
        elif isinstance(fact, OperatorReady):
            self._leg_ready(fact)
        elif isinstance(fact, OperatorLoggedOut):
            self._leg_gone(fact)
        elif isinstance(fact, CallRinging):
            self._ringing(fact)
        elif isinstance(fact, CallAnswered):
            self._answered(fact)
        elif isinstance(fact, AmdVerdict):
            self._amd(fact)
        elif isinstance(fact, CallConnected):
            self._connected(fact)
        elif isinstance(fact, CallFailed):
            self._failed(fact)
        elif isinstance(fact, CallHungUp):
            self._hung_up(fact)

    # ---- customer calls -------------------------------------------------------------------------

    def _ringing(self, fact: CallRinging) -> None:
        if fact.call_id in self.floor.calls:
            self._hold(fact.call_id, early.Ringing(fact.at))

    def _answered(self, fact: CallAnswered) -> None:
        call = self.floor.calls.get(fact.call_id)
        if call is None:
            return
        if call.answered_at is None:
            metrics.CALLS.labels(str(call.campaign_id), "answered").inc()
        call.answered_at = call.answered_at or fact.at
        self._hold(fact.call_id, early.Answered(fact.at))

    def _amd(self, fact: AmdVerdict) -> None:
        call = self.floor.calls.get(fact.call_id)
        if call is None:
            return
        call.amd_status = call.amd_status or fact.status
        if fact.status in PERSON_VERDICTS and call.amd_s is None and fact.seconds_after_answer is not None:
            call.amd_s = max(0.0, fact.seconds_after_answer)
        self._hold(fact.call_id, early.Amd(fact.status, fact.cause, fact.at))

    def _hold(self, uid: str, fact: early.EarlyFact) -> None:
        """Not durable on its own: written with the call's next durable write (or soon after)."""
        self.writer.hold(uid, fact, partial(self.store.mark_early, uid))

    def _connected(self, fact: CallConnected) -> None:
        call = self.floor.calls.get(fact.call_id)
        op = self.floor.operator(fact.operator)
        if call is None:
            return
        if op is None:
            log.warning("call %s connected to %s, who is not logged in here", fact.call_id, fact.operator)
            return
        self.floor.connect(op, call, fact.at)
        metrics.CALLS.labels(str(call.campaign_id), "connected").inc()
        store, uid, op_id, at = self.store, fact.call_id, op.operator_id, fact.at

        self.writer.submit_call(
            f"connection of call {uid} to {fact.operator}",
            uid,
            lambda held: store.mark_connected(uid, op_id, at, held),
        )

    def _failed(self, fact: CallFailed) -> None:
        call = self.floor.calls.get(fact.call_id)
        if call is None:
            return
        if fact.cause is None and fact.reason in (FailReason.UNKNOWN, FailReason.PBX_RESTART):
            self._lost(call, fact.at, pbx_restarted=fact.reason is FailReason.PBX_RESTART)
            return
        if call.answered_at is not None:  # answered, then lost while the engine or AMI was away
            by = HungUpBy.PBX_RESTART if fact.reason is FailReason.PBX_RESTART else HungUpBy.UNKNOWN
            self._end(call, fact.at, fact.cause, by, 0.0)
            return
        outcome = failed_outcome(fact.reason)
        self._finish(
            call,
            outcome,
            fact.cause,
            HangupSide.PBX if fact.reason is FailReason.PBX_RESTART else None,
            fact.at,
            talk_s=None,
        )

    def _hung_up(self, fact: CallHungUp) -> None:
        call = self.floor.calls.get(fact.call_id)
        if call is None:
            return
        if fact.cause is None and fact.hung_up_by in (HungUpBy.UNKNOWN, HungUpBy.PBX_RESTART):
            self._lost(call, fact.at, pbx_restarted=fact.hung_up_by is HungUpBy.PBX_RESTART)
            return
        self._end(call, fact.at, fact.cause, fact.hung_up_by, fact.talk_seconds)

    def _lost(self, call: LiveCall, at: datetime, *, pbx_restarted: bool) -> None:
        """Gone with no Hangup seen: off the floor now (its operator wraps up from ``at``); its record
        is written once Asterisk's own record of it has been read."""
        plan = self.plans.get(call.campaign_id)
        known = Known(
            placed_at=call.placed_at,
            answered_at=call.answered_at,
            human_at=call.human_at,
            connected_at=call.connected_at,
            amd_status=call.amd_status,
            abandoned=call.abandoned,
            surveyed=call.surveyed,
            seen_alive_at=call.seen_alive_at,
            connect_limit_s=plan.connect_limit_s if plan is not None else 2.0,
        )
        wrap_up = self._wrap_up(self._release(call, at), at)
        store, lost, uid = self.store, self.lost, call.call_uid

        async def write(held: Early) -> None:
            settled = settle(known, await lost.record_of(uid), pbx_restarted=pbx_restarted)
            connected_at = known.connected_at or settled.connected_at
            talk = (settled.ended_at - connected_at).total_seconds() if connected_at else None
            self._count(call, settled.outcome, settled.ended_at, talk)
            if settled.review is not None:
                log.warning("call %s: %s", uid, settled.review)
            await store.settle(uid, settled, held, wrap_up)

        self.writer.submit_call(f"end of lost call {uid}", uid, write)

    def _end(self, call: LiveCall, at: datetime, cause: int | None, by: HungUpBy, talk_s: float) -> None:
        plan = self.plans.get(call.campaign_id)
        waited = (at - call.human_at).total_seconds() if call.human_at is not None else None
        outcome = answered_outcome(
            connected=call.connected_at is not None,
            abandoned=call.abandoned,
            amd_status=call.amd_status,
            by=by,
            waited_s=waited,
            connect_limit_s=plan.connect_limit_s if plan is not None else 2.0,
            surveyed=call.surveyed,
        )
        if outcome is CallOutcome.ABANDONED and not call.abandoned:  # waited in vain: record it as such
            call.abandoned = True
            metrics.CALLS.labels(str(call.campaign_id), "abandoned").inc()
            store, uid = self.store, call.call_uid
            self.writer.submit_call(
                f"abandon of call {uid}", uid, lambda held: store.mark_abandoned(uid, at, held)
            )
        talk = talk_s if call.connected_at else None
        side = hangup_side(by)
        if call.hangup_sent and by is HungUpBy.PRODUCT:  # the operator's hang-up from their page
            side = HangupSide.OPERATOR
        self._finish(call, outcome, cause, side, at, talk_s=talk)

    def _finish(
        self,
        call: LiveCall,
        outcome: CallOutcome,
        cause: int | None,
        side: HangupSide | None,
        at: datetime,
        *,
        talk_s: float | None,
    ) -> None:
        wrap_up = self._wrap_up(self._release(call, at), at)
        self._count(call, outcome, at, talk_s)
        log.debug("call ended: %s (cause %s)", outcome, cause)
        store, uid = self.store, call.call_uid
        self.writer.submit_call(
            f"end of call {uid} ({outcome})",
            uid,
            lambda held: store.mark_ended(uid, outcome, cause, side, at, held, wrap_up),
        )

    @staticmethod
    def _wrap_up(connected_op: LiveOperator | None, at: datetime) -> WrapUp | None:
        if connected_op is None:
            return None
        return WrapUp(connected_op.operator_id, at, connected_op.wrap_s)

    def _release(self, call: LiveCall, at: datetime) -> LiveOperator | None:
        """The call off the floor; its operator, if it was talking to one, wraps up from ``at``."""
        op = self.floor.operator(call.operator) if call.operator else None
        connected_op = (
            op if op is not None and op.call_uid == call.call_uid and op.seat is Seat.ON_CALL else None
        )
        self.floor.end_call(call.call_uid, at)
        if connected_op is not None:
            plan = self.plans.get(call.campaign_id)
            self.floor.start_wrap(connected_op, at, plan.wrap_up_s if plan else self.default_wrap_s)
            connected_op.call_uid = call.call_uid  # wrap-up belongs to this call
        return connected_op

    def _count(self, call: LiveCall, outcome: CallOutcome, at: datetime, talk_s: float | None) -> None:
        tally = self.floor.tally(call.campaign_id)
        person = answered_by_person(outcome)
        if person:
            tally.answered += 1
            tally.abandoned += outcome is CallOutcome.ABANDONED
        rang_until = call.answered_at if person and call.answered_at else at
        ring_s = max(0.0, (rang_until - call.placed_at).total_seconds())
        amd_s = call.amd_s  # AMD's own timing; else the engine's, unless a survey came first
        if amd_s is None and call.human_at and call.answered_at and not call.surveyed:
            amd_s = max(0.0, (call.human_at - call.answered_at).total_seconds())
        tally.recent.append(
            PacingOutcome(person, ring_s, talk_s if person else None, amd_s=amd_s if person else None)
        )

    # ---- operators ------------------------------------------------------------------------------

    def _leg_ready(self, fact: OperatorReady) -> None:
        op = self.floor.operator(fact.operator)
        if op is None or op.session_id != fact.call_id:
            return
        op.held = True
        log.info("operator %s is held in %s", op.endpoint, fact.conference)
        self.floor.changed.set()
        store, op_id, session_id = self.store, op.operator_id, fact.call_id
        self.writer.submit(
            f"held leg of {op.endpoint}", lambda: store.operator_held(op_id, session_id, fact.at)
        )

    def _leg_gone(self, fact: OperatorLoggedOut) -> None:
        op = next((o for o in self.floor.operators.values() if o.session_id == fact.call_id), None)
        if op is None:
            return
        if op.held and fact.reason is not HungUpBy.PRODUCT:  # PRODUCT: the engine let it go
            log.warning("operator %s: held leg dropped (%s); takes no customer", op.endpoint, fact.reason)
        self.floor.lose_leg(op, fact.at)
        store, op_id = self.store, op.operator_id
        self.writer.submit(f"dropped leg of {op.endpoint}", lambda: store.operator_held(op_id, None, fact.at))

    def _endpoint(self, fact: EndpointStatus) -> None:
        reachable = fact.status == REACHABLE
        self.floor.softphones[fact.endpoint] = reachable
        op = self.floor.operator(fact.endpoint)
        if op is not None:
            op.registered = reachable
            if not reachable:
                log.warning("operator %s: softphone %s; takes no customer", op.endpoint, fact.status)
        store = self.store
        self.writer.submit(
            f"registration of {fact.endpoint}",
            lambda: store.operator_registered(fact.endpoint, reachable, fact.at),
        )

    def _endpoints_listed(self, fact: EndpointsListed) -> None:
        """Asterisk's listing at a (re)connect decides every softphone: registered when listed
        reachable, not otherwise (a phone registered before the engine connected included)."""
        reachable = frozenset(e for e, status in fact.statuses.items() if status == REACHABLE)
        self.floor.softphones = {endpoint: endpoint in reachable for endpoint in fact.statuses}
        self.floor.softphones_listed = True
        for op in self.floor.operators.values():
            registered = op.endpoint in reachable
            if op.registered is not False and not registered:
                log.warning("operator %s: softphone not registered; takes no customer", op.endpoint)
            op.registered = registered
        log.info(
            "softphones listed: %d reachable (%s)", len(reachable), ", ".join(sorted(reachable)) or "none"
        )
        store = self.store
        self.writer.submit("softphones listed", lambda: store.operators_registered(reachable, fact.at))
