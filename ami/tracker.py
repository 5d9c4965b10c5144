"""The call tracker: typed AMI events in, facts about the product's calls out. Pure logic, no I/O.

The concerns live in their own modules: ``call_state`` (each call's transitions, which return the
fact to emit), ``call_book`` (the calls by their keys), ``topology`` (channels, bridges, who the
operator is) with ``local_pairs``, ``resync`` and ``adoption`` (replays only); this module routes
each event, by its class, to what it concerns.

Each call the product placed is a small state machine (created -> ringing -> answered -> connected
-> ended, or created -> failed) fed by events. Calls are keyed by the Uniqueid the product sets
(Originate ``ChannelId``), by the call-id channel variable and, for the channels a call creates
(operator legs, queue member channels, Local halves), by Linkedid at their Newchannel; never by
channel name, which Asterisk reuses after a restart.

Rules that make it safe against the real event stream (see the captures' README):
- idempotent: every fact is emitted at most once per call; late or duplicated events find either no
  channel (it was dropped at Hangup) or a state that has already moved on;
- order-proof: a failure's kind comes from the channel's Hangup cause (then HangupRequest cause, then
  DialStatus), never from OriginateResponse, so the OriginateResponse/Hangup/Cdr race does not matter;
  the AMD verdict and the connection to an operator are independent facts, so ConfbridgeJoin before the
  AMDSTATUS VarSet gives the same result;
- who hung up first is the first hang-up signal on the customer's or the connected operator's channel:
  HangupRequest (a real far-end hang-up), SoftHangupRequest 4 (shutdown), 32 (AGI HANGUP), or the
  dialplan's Hangup() / an AMI Hangup the product sent;
- an Asterisk restart (Shutdown, then EOF and no Hangup for the calls that died) closes every live call
  as ended by the PBX restart; after a reconnect ``begin_resync``/``end_resync`` reconcile with
  CoreShowChannels/Status.

Who the operator is: see ``ami.topology``. Operators' nailed-up legs are tracked too
(ready in their bridge, logged out); a leg that starts ChanSpy becomes a supervisor. Times come from
the injected clock (wall time live, event time in replays); all are aware UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from ami import events as ev
from ami.adoption import Adoption
from ami.call_book import CallBook
from ami.call_state import CallState, CallSummary, ChannelState, Kind, Phase, Role, customer_side
from ami.causes import fail_reason
from ami.clock import utc_now
from ami.facts import (
    CallCreated,
    Fact,
    FactListener,
    FailReason,
    HungUpBy,
    OperatorReady,
    OperatorRingNoAnswer,
    PbxRestarted,
    SpyStarted,
    SpyStopped,
)
from ami.local_pairs import is_local
from ami.naming import CALL_ID_VARIABLE, conference_operator, endpoint_of, interface_endpoint
from ami.resync import Resync
from ami.topology import Topology

__all__ = ["CALL_ID_VARIABLE", "CallTracker"]

log = logging.getLogger(__name__)

E = TypeVar("E", bound=ev.AmiEvent)
_AMD_VARIABLES = frozenset(("AMDSTATUS", "AMDCAUSE"))


class _Handlers:
    """Event class -> handler. ``on`` checks that each handler takes its own event class; the table
    holds them as taking any event, which ``feed`` guarantees by looking up the event's exact class."""

    def __init__(self) -> None:
        self.table: dict[type[ev.AmiEvent], Callable[[Any], None]] = {}

    def on(self, kind: type[E], handler: Callable[[E], None]) -> None:
        self.table[kind] = handler


class CallTracker:
    """Follows the calls the product placed and tells a ``FactListener`` what happened to them.

    ``adopt_originates`` (for ``dialer trace``) treats every originated channel in the stream as the
    product's own (see ``ami.adoption``).
    """

    def __init__(
        self,
        listener: FactListener,
        *,
        clock: Callable[[], datetime] = utc_now,
        adopt_originates: bool = False,
        call_id_variable: str = CALL_ID_VARIABLE,
        operator_of_conference: Callable[[str], str | None] = conference_operator,
    ) -> None:
        self._listener = listener
        self._clock = clock
        self._adoption = Adoption() if adopt_originates else None
        self._call_id_variable = call_id_variable
        self._book = CallBook()
        self._topology = Topology(operator_of_conference)
        self._channels = self._topology.channels  # the hot path's lookups
        self._pending_product_hangups = 0
        self._resync = Resync()
        handlers = _Handlers()
        handlers.on(ev.Newchannel, self._on_newchannel)
        handlers.on(ev.VarSet, self._on_varset)
        handlers.on(ev.Newexten, self._on_newexten)
        handlers.on(ev.Newstate, self._on_newstate)
        handlers.on(ev.DialBegin, self._on_dial_begin)
        handlers.on(ev.DialState, self._on_dial_state)
        handlers.on(ev.DialEnd, self._on_dial_end)
        handlers.on(ev.OriginateResponse, self._on_originate_response)
        handlers.on(ev.HangupRequest, self._on_hangup_request)
        handlers.on(ev.SoftHangupRequest, self._on_soft_hangup_request)
        handlers.on(ev.Hangup, self._on_hangup)
        handlers.on(ev.BridgeEnter, self._on_bridge_enter)
        handlers.on(ev.ConfbridgeJoin, self._on_bridge_enter)
        handlers.on(ev.BridgeLeave, self._on_bridge_leave)
        handlers.on(ev.ConfbridgeLeave, self._on_bridge_leave)
        handlers.on(ev.AgentCalled, self._on_agent)
        handlers.on(ev.AgentConnect, self._on_agent)
        handlers.on(ev.AgentComplete, self._on_agent_complete)
        handlers.on(ev.AgentRingNoAnswer, self._on_agent_ring_no_answer)
        handlers.on(ev.ChanSpyStart, self._on_spy)
        handlers.on(ev.ChanSpyStop, self._on_spy)
        handlers.on(ev.Shutdown, self._on_shutdown)
        handlers.on(ev.CoreShowChannel, self._on_channel_listed)
        handlers.on(ev.Status, self._on_channel_listed)
        self._handlers = handlers.table

    # ---- what the engine tells the tracker ------------------------------------------------------

    def track_call(self, call_id: str, *, action_id: str | None = None, uniqueid: str | None = None) -> None:
        """Follow a customer call the product is about to originate (``ChannelId`` = ``uniqueid``)."""
        self._book.register(CallState(call_id, Kind.CUSTOMER, uniqueid or call_id, action_id=action_id))

    def track_operator(
        self, session_id: str, operator: str, *, action_id: str | None = None, uniqueid: str | None = None
    ) -> None:
        """Follow an operator's nailed-up leg the product is about to originate."""
        call = CallState(session_id, Kind.OPERATOR, uniqueid or session_id, action_id=action_id)
        call.operator = operator
        self._book.register(call)

    def originate_rejected(self, call_id: str) -> None:
        """Asterisk refused the Originate outright (``Response: Error``): no channel was made."""
        call = self._book.live.get(call_id)
        if call is not None and call.channel is None:
            call.created_at = call.created_at or self._clock()
            self._fail_now(call, FailReason.CHANNEL_UNAVAILABLE)

    def note_product_hangup(self, call_id: str) -> None:
        """The product sent an AMI Hangup for this call: if it ends that way, the product ended it."""
        call = self._book.live.get(call_id)
        if call is not None:
            call.product_hangup = True

    def begin_resync(self, only: Iterable[str] | None = None) -> None:
        """A (re)connected client is about to list live channels (CoreShowChannels / Status); with
        ``only``, a connected one lists them to find these calls (adopted from an engine that died):
        the others, followed all along, are not judged by that listing."""
        self._resync.begin(self._book.live if only is None else [c for c in only if c in self._book.live])

    def end_resync(self, listed: Sequence[ev.AmiEvent] = (), *, pbx_restarted: bool) -> list[str]:
        """Apply the listing, then close every live call whose channel it did not show; returns
        their ids."""
        for event in listed:
            self.feed(event)
        gone = self._resync.finish(self._book.live.values())
        reason = HungUpBy.PBX_RESTART if pbx_restarted else HungUpBy.UNKNOWN
        now = self._clock()
        for call in gone:
            if call.hung_up_by is None:
                call.hung_up_by = reason
            self._end(call, now, FailReason.PBX_RESTART if pbx_restarted else FailReason.UNKNOWN)
        self._topology.forget_calls(gone)
        return [c.call_id for c in gone]

    def feed(self, event: ev.AmiEvent) -> None:
        """Apply one event. Events about channels of no tracked call are ignored."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)

    def feed_response(self, response: str | None, message: str | None) -> None:
        """Replays only: an AMI Hangup's answer seen without its action marks a product hang-up."""
        if response == "Success" and message == "Channel Hungup":
            self._pending_product_hangups += 1

    # ---- reading the state ----------------------------------------------------------------------

    def summaries(self) -> list[CallSummary]:
        calls = sorted([*self._book.ended.values(), *self._book.live.values()], key=_order_key)
        return [self._summary(c) for c in calls]

    def summary(self, call_id: str) -> CallSummary | None:
        call = self._book.get(call_id)
        return self._summary(call) if call is not None else None

    @property
    def live_calls(self) -> list[str]:
        return list(self._book.live)

    def operator_channel(self, call_id: str) -> str | None:
        """The channel name of the operator a live call is put through to (the nailed-up leg, or
        the leg dialled to the operator), e.g. ``PJSIP/1001-00000000``: what ChanSpy spies on."""
        call = self._book.live.get(call_id)
        if call is None or call.connected_bridge is None or call.operator_channel is None:
            return None
        return call.operator_channel.name

    def spy_target(self, call_id: str) -> str | None:
        """What ChanSpy is given to spy on the operator of a live call put through: the operator's
        channel by name, or, when its channel was never seen (the operator's leg was up before the
        stream began), the name's prefix ``PJSIP/<endpoint>-`` (ChanSpy takes a channel-name prefix)."""
        exact = self.operator_channel(call_id)
        if exact is not None:
            return exact
        call = self._book.live.get(call_id)
        if call is None or call.connected_bridge is None or not call.operator:
            return None
        return f"PJSIP/{call.operator}-"

    # ---- internals: lookup and emitting ---------------------------------------------------------

    def _emit(self, fact: Fact | None) -> None:
        if fact is not None:
            self._listener.on_fact(fact)

    def _live_call_of(self, uniqueid: str | None) -> tuple[ChannelState | None, CallState | None]:
        ch = self._channels.get(uniqueid) if uniqueid is not None else None
        if ch is None or ch.call is None or not ch.call.live:
            return ch, None
        return ch, ch.call

    def _channel(self, event: ev.ChannelEvent) -> ChannelState | None:
        uid = event.uniqueid
        if uid is None:
            return None
        ch = self._channels.get(uid)
        if ch is None:
            ch = self._topology.add(uid, event.channel, event.linkedid)
            self._topology.locals.seen(event.channel, uid)
        elif event.channel and ch.name != event.channel:
            ch.name = event.channel
        if ch.call is None:  # new, or seen before its call was followed here (adopted from a dead engine)
            call = self._book.by_uniqueid.get(uid)
            if call is not None and call.live and call.channel is None:
                self._emit(call.take_channel(ch, Role.PRIMARY, self._clock))
                if ch.bridge is not None:  # already put through when it was adopted
                    self._check_bridge(ch.bridge)
        return ch

    # ---- internals: channel life ----------------------------------------------------------------

    def _on_newchannel(self, event: ev.Newchannel) -> None:
        ch = self._channel(event)
        if ch is None or ch.call is not None:
            return
        owner = self._book.by_uniqueid.get(event.linkedid) if event.linkedid else None
        if owner is not None and owner.live and owner.kind is Kind.CUSTOMER:
            self._emit(owner.take_channel(ch, Role.LEG, self._clock))

    def _on_varset(self, event: ev.VarSet) -> None:
        uid = event.uniqueid
        ch = self._channels.get(uid) if uid is not None else None
        if ch is None:
            return
        ch.variables[event.variable] = event.value
        call = ch.call
        if call is None:
            if event.variable == self._call_id_variable:
                self._link_by_variable(ch, event.value)
            return
        if not call.live or ch.role is not Role.PRIMARY:
            return
        call.variables[event.variable] = event.value
        if event.variable in _AMD_VARIABLES:
            self._emit(call.amd(event.variable, event.value, self._clock))

    def _link_by_variable(self, ch: ChannelState, call_id: str) -> None:
        call = self._book.live.get(call_id)
        if call is None:
            return
        if call.channel is None:
            self._book.by_uniqueid[ch.uniqueid] = call
            call.uniqueid = ch.uniqueid
            self._emit(call.take_channel(ch, Role.PRIMARY, self._clock))
        else:
            self._emit(call.take_channel(ch, Role.LEG, self._clock))

    def _on_newexten(self, event: ev.Newexten) -> None:
        uid = event.uniqueid
        ch = self._channels.get(uid) if uid is not None else None
        if ch is not None and ch.call is not None:
            ch.last_app = event.application

    def _on_newstate(self, event: ev.Newstate) -> None:
        ch, call = self._live_call_of(event.uniqueid)
        if call is None or ch is None or ch.role is not Role.PRIMARY:
            return
        if event.state == "Ringing":
            self._emit(call.ring(self._clock))
        elif event.state == "Up":
            self._emit(call.answer(self._clock))

    # ---- internals: dialling --------------------------------------------------------------------

    def _on_dial_begin(self, event: ev.DialBegin) -> None:
        if event.channel is None:  # the leg an Originate dials: only Dest* fields
            self._originate_dialled(event)
            return
        caller, call = self._live_call_of(event.uniqueid)
        if call is None or caller is None or caller.role is Role.LEG:
            return  # a customer-side leg dialling on (Local;2 -> trunk) stays customer side
        dest = self._channels.get(event.dest_uniqueid or "")
        if dest is None and event.dest_uniqueid:
            dest = self._topology.add(event.dest_uniqueid, event.dest_channel, event.dest_linkedid)
        if dest is not None and (dest.call is None or dest.call is call):
            # Whatever the customer's channel dials is an operator; so is what an operator leg
            # dials on (a Local queue member reaching the softphone).
            self._topology.mark_operator(dest, call, endpoint_of(event.dest_channel))

    def _originate_dialled(self, event: ev.DialBegin) -> None:
        dest = self._channels.get(event.dest_uniqueid or "")
        if dest is None:
            return
        adoption = self._adoption
        if dest.call is None and adoption is not None:
            call = adoption.call_for(dest, event.dial_string)
            self._book.register(call)
            self._emit(call.take_channel(dest, Role.PRIMARY, self._clock))
            call.variables.update(dest.variables)
        if dest.call is not None and dest.role is Role.PRIMARY:
            dest.call.dial_string = event.dial_string
            if adoption is not None:
                adoption.dialled(dest, dest.call, event.dial_string)

    def _on_dial_state(self, event: ev.DialState) -> None:
        ch, call = self._live_call_of(event.dest_uniqueid)
        if call is not None and ch is not None and ch.role is Role.PRIMARY and event.dial_status == "RINGING":
            self._emit(call.ring(self._clock))

    def _on_dial_end(self, event: ev.DialEnd) -> None:
        ch, call = self._live_call_of(event.dest_uniqueid)
        if call is None or ch is None or ch.role is not Role.PRIMARY:
            return
        call.dial_status = event.dial_status
        if event.dial_status == "ANSWER":
            self._emit(call.answer(self._clock))

    def _on_originate_response(self, event: ev.OriginateResponse) -> None:
        call = self._find_originate(event)
        if call is None:
            if self._adoption is not None and not event.success:
                # No channel was ever made (bad channel name, no such endpoint): a failure at once.
                call = self._adoption.failed_originate(event)
                self._book.register(call)
                call.created_at = self._clock()
                self._emit(CallCreated(call.call_id, call.created_at, None))
                self._fail_now(call, FailReason.CHANNEL_UNAVAILABLE)
            else:
                log.debug("OriginateResponse for no tracked call: %s", event.action_id)
            return
        if not call.live:
            return
        if event.success:
            self._emit(call.answer(self._clock))
        elif call.channel is None:
            self._fail_now(call, FailReason.CHANNEL_UNAVAILABLE)
        # A failure with a channel is concluded at that channel's Hangup, from its cause.

    def _find_originate(self, event: ev.OriginateResponse) -> CallState | None:
        book = self._book
        call = None
        if event.uniqueid is not None:
            call = book.by_uniqueid.get(event.uniqueid)
        if call is None and event.action_id is not None:
            call = book.by_action.get(event.action_id)
        if call is None and self._adoption is not None and event.channel:
            call = self._adoption.originate_of(event.channel)
        if call is not None and event.action_id and call.action_id is None:
            book.note_action(call, event.action_id)
        return call

    # ---- internals: hanging up ------------------------------------------------------------------

    def _on_hangup_request(self, event: ev.HangupRequest) -> None:
        ch, call = self._live_call_of(event.uniqueid)
        if ch is not None and call is not None and ch.role is Role.PRIMARY:
            if event.cause:
                call.request_cause = event.cause
            call.first_signal(HungUpBy.CUSTOMER if call.kind is Kind.CUSTOMER else HungUpBy.OPERATOR)
        elif ch is not None and call is not None and ch.role is Role.LEG and call.kind is Kind.CUSTOMER:
            call.first_signal(HungUpBy.CUSTOMER)  # the trunk leg behind a Local originate
        if ch is not None:
            for connected in self._topology.calls_connected_through(ch):
                connected.first_signal(HungUpBy.OPERATOR)

    def _on_soft_hangup_request(self, event: ev.SoftHangupRequest) -> None:
        ch, call = self._live_call_of(event.uniqueid)
        if ch is not None and event.cause == 4:
            for connected in self._topology.calls_connected_through(ch):
                connected.first_signal(HungUpBy.PBX_RESTART)
        if ch is None or call is None or ch.role is not Role.PRIMARY or call.hung_up_by is not None:
            return
        if event.cause == 4:
            who = HungUpBy.PBX_RESTART
        elif event.cause == 32:
            who = HungUpBy.AGI if ch.last_app == "AGI" else HungUpBy.PRODUCT
        elif ch.last_app == "Hangup":
            who = HungUpBy.DIALPLAN
        elif call.product_hangup:
            who = HungUpBy.PRODUCT
        elif self._pending_product_hangups > 0:
            self._pending_product_hangups -= 1
            who = HungUpBy.PRODUCT
        else:
            who = HungUpBy.DIALPLAN
        call.first_signal(who)

    def _on_hangup(self, event: ev.Hangup) -> None:
        uid = event.uniqueid
        ch = self._channels.pop(uid, None) if uid is not None else None
        if ch is None:
            return
        self._topology.locals.gone(ch.name)
        if ch.bridge is not None:
            self._leave_bridge(ch, ch.bridge)
        call = ch.call
        if call is None or not call.live or ch.role is not Role.PRIMARY:
            return
        if is_local(ch.name) and self._promote_leg(call):
            return  # the Local half went away (optimised out); the real customer channel lives on
        call.cause, call.cause_txt = event.cause, event.cause_txt
        if call.hung_up_by is None:
            call.hung_up_by = HungUpBy.DIALPLAN if ch.last_app == "Hangup" else HungUpBy.UNKNOWN
        cause = event.cause or call.request_cause
        self._end(call, self._clock(), fail_reason(cause, call.dial_status))

    def _promote_leg(self, call: CallState) -> bool:
        """Make a live, non-Local, customer-side leg the call's channel; False when there is none."""
        for leg in self._channels.values():
            if leg.call is call and leg.role is Role.LEG and not is_local(leg.name):
                leg.role = Role.PRIMARY
                call.channel = leg
                self._book.by_uniqueid[leg.uniqueid] = call
                return True
        return False

    def _fail_now(self, call: CallState, reason: FailReason) -> None:
        fact = call.fail(self._clock(), reason)
        self._retire(call)
        self._emit(fact)

    def _end(self, call: CallState, now: datetime, reason_if_failed: FailReason) -> None:
        fact = call.end(now, reason_if_failed)
        self._retire(call)
        self._emit(fact)

    def _retire(self, call: CallState) -> None:
        forgotten = self._book.retire(call)
        if forgotten is not None and self._adoption is not None:
            self._adoption.forget(forgotten)

    def _on_shutdown(self, event: ev.Shutdown) -> None:
        """Asterisk is going away: no Hangup will come for what is still live."""
        now = self._clock()
        for call in list(self._book.live.values()):
            if call.phase is Phase.CREATED and call.channel is None:
                continue  # not originated yet as far as Asterisk showed; the engine decides
            call.first_signal(HungUpBy.PBX_RESTART)
            self._end(call, now, FailReason.PBX_RESTART)
        self._topology.clear()
        self._emit(PbxRestarted(now))

    # ---- internals: bridges, operators ----------------------------------------------------------

    def _on_agent(self, event: ev.AgentConnect | ev.AgentCalled) -> None:
        _caller, call = self._live_call_of(event.uniqueid)
        if call is None or event.dest_uniqueid is None:
            return
        dest = self._channels.get(event.dest_uniqueid)
        if dest is None:
            dest = self._topology.add(event.dest_uniqueid, event.dest_channel, call.uniqueid)
        operator = interface_endpoint(event.interface) if event.interface else endpoint_of(dest.name)
        dest.operator = None if dest.role is not Role.OPERATOR else dest.operator
        self._topology.mark_operator(dest, call, operator)

    def _on_agent_ring_no_answer(self, event: ev.AgentRingNoAnswer) -> None:
        _caller, call = self._live_call_of(event.uniqueid)
        leg = event.dest_uniqueid or event.interface
        if call is not None and leg not in call.unanswered_legs:
            call.unanswered_legs.add(leg)
            operator = (
                interface_endpoint(event.interface) if event.interface else endpoint_of(event.dest_channel)
            )
            self._emit(OperatorRingNoAnswer(call.call_id, self._clock(), operator or ""))

    def _on_spy(self, event: ev.ChanSpyStart | ev.ChanSpyStop) -> None:
        spyer = self._channels.get(event.spyer_uniqueid or "")
        session = spyer.call if spyer is not None else None
        if session is None or not session.live or session.kind is Kind.CUSTOMER:
            return
        session.kind = Kind.SUPERVISOR
        starting = isinstance(event, ev.ChanSpyStart)
        if starting == (session.spying_on is not None):
            return  # a duplicate
        session.spying_on = (event.spyee_uniqueid or "?") if starting else None
        spyee = self._channels.get(event.spyee_uniqueid or "")
        operator = (spyee.operator if spyee is not None else None) or endpoint_of(event.spyee_channel) or ""
        fact = SpyStarted if starting else SpyStopped
        self._emit(fact(session.call_id, self._clock(), session.operator or "", operator))

    def _on_agent_complete(self, event: ev.AgentComplete) -> None:
        _caller, call = self._live_call_of(event.uniqueid)
        if call is not None:
            call.first_signal(HungUpBy.OPERATOR if event.reason == "agent" else HungUpBy.CUSTOMER)

    def _on_bridge_enter(self, event: ev.BridgeEnter | ev.ConfbridgeJoin) -> None:
        bridge = event.bridge_uniqueid
        ch = self._channel(event)
        if bridge is None or ch is None:
            return
        if isinstance(event, ev.ConfbridgeJoin) and event.conference:
            self._topology.conferences[bridge] = event.conference
        self._enter_bridge(ch, bridge)

    def _enter_bridge(self, ch: ChannelState, bridge: str) -> None:
        if ch.bridge is not None and ch.bridge != bridge:
            self._leave_bridge(ch, ch.bridge)
        self._topology.enter(ch, bridge)
        self._check_bridge(bridge)

    def _on_bridge_leave(self, event: ev.BridgeLeave | ev.ConfbridgeLeave) -> None:
        uid, bridge = event.uniqueid, event.bridge_uniqueid
        ch = self._channels.get(uid) if uid is not None else None
        if ch is not None and bridge is not None:
            self._leave_bridge(ch, bridge)

    def _leave_bridge(self, ch: ChannelState, bridge: str) -> None:
        members = self._topology.leave(ch, bridge)
        now = self._clock()
        call = ch.call
        if customer_side(ch) and call is not None and call.connected_bridge == bridge:
            still_in = (self._channels.get(u) for u in members or ())
            if not any(
                other is not None and other.call is call and customer_side(other) for other in still_in
            ):
                call.disconnect(now)
        for connected in self._topology.calls_connected_through(ch, bridge):
            connected.disconnect(now)

    def _check_bridge(self, bridge: str) -> None:
        members = self._topology.members(bridge)
        conference = self._topology.conferences.get(bridge)
        now = self._clock()
        for ch in members:
            call = ch.call
            if call is None or not call.live or ch.role not in (Role.PRIMARY, Role.LEG):
                continue
            if call.kind is not Kind.CUSTOMER:
                if ch.role is not Role.PRIMARY or call.kind is Kind.SUPERVISOR:
                    continue
                if conference and bridge not in call.ready_bridges:
                    call.ready_bridges.add(bridge)
                    self._emit(OperatorReady(call.call_id, now, call.operator or "", conference))
                continue
            who, operator_ch = self._topology.operator_in(members, conference, ch)
            if who is None or (call.connected_bridge == bridge and call.operator == who):
                continue
            self._emit(call.answer(self._clock))  # put through: answered, whatever came before
            self._emit(call.put_through(bridge, who, operator_ch, now))

    # ---- internals: resync ----------------------------------------------------------------------

    def _on_channel_listed(self, event: ev.CoreShowChannel | ev.Status) -> None:
        self._resync.listed(event.uniqueid)
        ch = self._channel(event)
        if ch is None:
            return
        call = ch.call
        if isinstance(event, ev.Status):
            ch.variables.update(event.variables)
            if call is not None and ch.role is Role.PRIMARY:
                call.variables.update(event.variables)
        if call is not None and ch.role is Role.PRIMARY and event.state == "Up":
            self._emit(call.answer(self._clock))
        if event.bridge_id is not None and ch.bridge != event.bridge_id:
            if event.application == "ConfBridge" and event.raw.get("ApplicationData"):
                self._topology.conferences.setdefault(
                    event.bridge_id, event.raw["ApplicationData"].split(",")[0]
                )
            self._enter_bridge(ch, event.bridge_id)

    # ---- internals: summaries -------------------------------------------------------------------

    def _summary(self, call: CallState) -> CallSummary:
        if call.kind is not Kind.CUSTOMER:
            outcome = "live" if call.live else "ended"
            bridge = call.channel.bridge if call.channel is not None else None
            conference = self._topology.conferences.get(bridge) if bridge is not None else None
            if outcome == "live" and conference:
                outcome = f"ready in {conference}"
        elif call.failed is not None:
            outcome = "failed"
        elif call.answered_at is not None:
            outcome = "answered"
        else:
            outcome = "live"
        talk = call.talk_seconds
        if call.connected_bridge is not None and call.connected_at is not None:
            talk += max(0.0, (self._clock() - call.connected_at).total_seconds())
        return CallSummary(
            call_id=call.call_id,
            kind=call.kind.value,
            outcome=outcome,
            fail_reason=call.failed.value if call.failed else None,
            cause=call.cause,
            cause_txt=call.cause_txt,
            operator=call.operator,
            talk_seconds=talk,
            hung_up_by=(
                call.hung_up_by.value if call.hung_up_by and not call.live and call.failed is None else None
            ),
            amd_status=call.amd_status,
            amd_cause=call.amd_cause,
            created_at=call.created_at,
            ringing_at=call.ringing_at,
            answered_at=call.answered_at,
            connected_at=call.connected_at,
            ended_at=call.ended_at,
            variables=dict(call.variables),
        )


def _order_key(call: CallState) -> tuple[float, str]:
    return (call.created_at.timestamp() if call.created_at else float("inf"), call.call_id)
