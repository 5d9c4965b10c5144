"""The call tracker: typed AMI events in, facts about the product's calls out. Pure logic, no I/O.

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

Who the operator is: whoever shares a bridge with the customer's side (the leg the customer's channel
dialled, the queue member's channel, the operator's nailed-up leg, or any untracked endpoint channel
bridged by AMI Bridge), else the conference's owner by name (``op1001`` -> 1001, configurable) when
the operator's leg joined before the capture started. Operators' nailed-up legs are tracked too
(ready in their bridge, logged out); a leg that starts ChanSpy becomes a supervisor. Times come from
the injected clock (wall time live, event time in replays); all are aware UTC.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from ami import events as ev
from ami.call_state import CallState, CallSummary, ChannelState, Kind, Phase, Role, customer_side
from ami.causes import fail_reason
from ami.clock import utc_now
from ami.facts import (
    AmdVerdict,
    CallAnswered,
    CallConnected,
    CallCreated,
    CallFailed,
    CallHungUp,
    CallRinging,
    CallTransferred,
    FactListener,
    FailReason,
    HungUpBy,
    OperatorLoggedOut,
    OperatorReady,
    OperatorRingNoAnswer,
    PbxRestarted,
    SpyStarted,
    SpyStopped,
)
from ami.naming import conference_operator, endpoint_of, interface_endpoint

log = logging.getLogger(__name__)

CALL_ID_VARIABLE = "DIALER_CALL_ID"
_ENDED_KEPT = 10_000  # ended calls remembered so late events stay harmless and summaries readable


class CallTracker:
    """Follows the calls the product placed and tells a ``FactListener`` what happened to them.

    ``adopt_originates`` (for ``dialer trace``) treats every originated channel in the stream as the
    product's own: one dialled through a trunk (``number@trunk``) or a Local channel is a customer
    call, one dialled straight to an endpoint is an operator session.
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
        self._adopt = adopt_originates
        self._call_id_variable = call_id_variable
        self._operator_of_conference = operator_of_conference
        self._calls: dict[str, CallState] = {}  # call id -> live call
        self._by_uniqueid: dict[str, CallState] = {}  # primary uniqueid (and linkedid) -> call
        self._by_action: dict[str, CallState] = {}
        self._by_dial: dict[str, CallState] = {}  # replays: "PJSIP/5552001@trunk" -> adopted call
        self._ended: OrderedDict[str, CallState] = OrderedDict()
        self._channels: dict[str, ChannelState] = {}
        self._local_names: dict[str, str] = {}  # Local channel name -> uniqueid (to pair ;1 and ;2)
        self._bridges: dict[str, set[str]] = {}
        self._conferences: dict[str, str] = {}  # bridge uniqueid -> conference name
        self._pending_product_hangups = 0
        self._resync_seen: set[str] | None = None
        self._resync_calls: set[str] = set()
        self._handlers: dict[type[ev.AmiEvent], Callable[[ev.AmiEvent], None]] = {
            ev.Newchannel: self._on_newchannel,  # type: ignore[dict-item]
            ev.VarSet: self._on_varset,  # type: ignore[dict-item]
            ev.Newexten: self._on_newexten,  # type: ignore[dict-item]
            ev.Newstate: self._on_newstate,  # type: ignore[dict-item]
            ev.DialBegin: self._on_dial_begin,  # type: ignore[dict-item]
            ev.DialState: self._on_dial_state,  # type: ignore[dict-item]
            ev.DialEnd: self._on_dial_end,  # type: ignore[dict-item]
            ev.OriginateResponse: self._on_originate_response,  # type: ignore[dict-item]
            ev.HangupRequest: self._on_hangup_request,  # type: ignore[dict-item]
            ev.SoftHangupRequest: self._on_soft_hangup_request,  # type: ignore[dict-item]
            ev.Hangup: self._on_hangup,  # type: ignore[dict-item]
            ev.BridgeEnter: self._on_bridge_enter,  # type: ignore[dict-item]
            ev.ConfbridgeJoin: self._on_bridge_enter,  # type: ignore[dict-item]
            ev.BridgeLeave: self._on_bridge_leave,  # type: ignore[dict-item]
            ev.ConfbridgeLeave: self._on_bridge_leave,  # type: ignore[dict-item]
            ev.AgentCalled: self._on_agent,  # type: ignore[dict-item]
            ev.AgentConnect: self._on_agent,  # type: ignore[dict-item]
            ev.AgentComplete: self._on_agent_complete,  # type: ignore[dict-item]
            ev.AgentRingNoAnswer: self._on_agent_ring_no_answer,  # type: ignore[dict-item]
            ev.ChanSpyStart: self._on_spy,  # type: ignore[dict-item]
            ev.ChanSpyStop: self._on_spy,  # type: ignore[dict-item]
            ev.Shutdown: self._on_shutdown,  # type: ignore[dict-item]
            ev.CoreShowChannel: self._on_channel_listed,  # type: ignore[dict-item]
            ev.Status: self._on_channel_listed,  # type: ignore[dict-item]
        }

    # ---- what the engine (or the client) tells the tracker -------------------------------------

    def track_call(self, call_id: str, *, action_id: str | None = None, uniqueid: str | None = None) -> None:
        """Follow a customer call the product is about to originate (``ChannelId`` = ``uniqueid``)."""
        self._register(CallState(call_id, Kind.CUSTOMER, uniqueid or call_id, action_id=action_id))

    def track_operator(
        self, session_id: str, operator: str, *, action_id: str | None = None, uniqueid: str | None = None
    ) -> None:
        """Follow an operator's nailed-up leg the product is about to originate."""
        call = CallState(session_id, Kind.OPERATOR, uniqueid or session_id, action_id=action_id)
        call.operator = operator
        self._register(call)

    def originate_rejected(self, call_id: str) -> None:
        """Asterisk refused the Originate outright (``Response: Error``): no channel was made."""
        call = self._calls.get(call_id)
        if call is not None and call.channel is None:
            call.created_at = call.created_at or self._clock()
            self._fail_now(call, FailReason.CHANNEL_UNAVAILABLE)

    def note_product_hangup(self, call_id: str) -> None:
        """The product sent an AMI Hangup for this call: if it ends that way, the product ended it."""
        call = self._calls.get(call_id)
        if call is not None:
            call.product_hangup = True

    def begin_resync(self) -> None:
        """A (re)connected client is about to list live channels (CoreShowChannels / Status)."""
        self._resync_seen = set()
        self._resync_calls = set(self._calls)

    def end_resync(self, *, pbx_restarted: bool) -> list[str]:
        """Close every live call whose channel the listing did not show; returns their ids."""
        seen, self._resync_seen = self._resync_seen or set(), None
        before, self._resync_calls = self._resync_calls, set()
        # Calls live before the listing whose channel it does not show are gone, including an
        # originate whose answer was lost with the old connection and whose channel never showed.
        gone = [c for c in self._calls.values() if c.call_id in before and _uniqueid(c) not in seen]
        reason = HungUpBy.PBX_RESTART if pbx_restarted else HungUpBy.UNKNOWN
        now = self._clock()
        for call in gone:
            if call.hung_up_by is None:
                call.hung_up_by = reason
            self._end(call, now, FailReason.PBX_RESTART if pbx_restarted else FailReason.UNKNOWN)
        for call in gone:
            for uid in [u for u, ch in self._channels.items() if ch.call is call]:
                del self._channels[uid]
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
        calls = sorted([*self._ended.values(), *self._calls.values()], key=_order_key)
        return [self._summary(c) for c in calls]

    def summary(self, call_id: str) -> CallSummary | None:
        call = self._calls.get(call_id) or self._ended.get(call_id)
        return self._summary(call) if call is not None else None

    @property
    def live_calls(self) -> list[str]:
        return list(self._calls)

    def operator_channel(self, call_id: str) -> str | None:
        """The channel name of the operator a live call is put through to (the nailed-up leg, or
        the leg dialled to the operator), e.g. ``PJSIP/1001-00000000``: what ChanSpy spies on."""
        call = self._calls.get(call_id)
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
        call = self._calls.get(call_id)
        if call is None or call.connected_bridge is None or not call.operator:
            return None
        return f"PJSIP/{call.operator}-"

    # ---- internals: registration and lookup -----------------------------------------------------

    def _register(self, call: CallState) -> None:
        if call.call_id in self._calls or call.call_id in self._ended:
            return
        self._calls[call.call_id] = call
        self._by_uniqueid[call.uniqueid] = call
        if call.action_id:
            self._by_action[call.action_id] = call

    def _live_call_of(self, uniqueid: str | None) -> tuple[ChannelState | None, CallState | None]:
        ch = self._channels.get(uniqueid) if uniqueid is not None else None
        if ch is None or ch.call is None or ch.call.phase is Phase.ENDED:
            return ch, None
        return ch, ch.call

    def _channel(self, event: ev.ChannelEvent) -> ChannelState | None:
        uid = event.uniqueid
        if uid is None:
            return None
        ch = self._channels.get(uid)
        if ch is None:
            ch = ChannelState(uid, event.channel, event.linkedid)
            self._channels[uid] = ch
            if event.channel and event.channel.startswith("Local/"):
                self._local_names[event.channel] = uid
            call = self._by_uniqueid.get(uid)
            if call is not None and call.phase is not Phase.ENDED:
                self._attach(ch, call, Role.PRIMARY)
        elif event.channel and ch.name != event.channel:
            ch.name = event.channel
        return ch

    def _attach(self, ch: ChannelState, call: CallState, role: Role) -> None:
        ch.call = call
        ch.role = role
        if role is Role.PRIMARY and call.channel is None:
            call.channel = ch
            call.created_at = self._clock()
            if call.kind is Kind.OPERATOR:
                ch.operator = call.operator
            self._emit(CallCreated(call.call_id, call.created_at, ch.name))

    def _emit(self, fact: object) -> None:
        self._listener.on_fact(fact)  # type: ignore[arg-type]

    # ---- internals: channel life ----------------------------------------------------------------

    def _on_newchannel(self, event: ev.Newchannel) -> None:
        ch = self._channel(event)
        if ch is None or ch.call is not None:
            return
        owner = self._by_uniqueid.get(event.linkedid) if event.linkedid else None
        if owner is not None and owner.phase is not Phase.ENDED and owner.kind is Kind.CUSTOMER:
            self._attach(ch, owner, Role.LEG)

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
        if call.phase is Phase.ENDED or ch.role is not Role.PRIMARY:
            return
        call.variables[event.variable] = event.value
        if event.variable == "AMDSTATUS":
            call.amd_status = event.value
            self._amd_verdict(call)
        elif event.variable == "AMDCAUSE":
            call.amd_cause = event.value
            self._amd_verdict(call)

    def _link_by_variable(self, ch: ChannelState, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is None:
            return
        if call.channel is None:
            self._by_uniqueid[ch.uniqueid] = call
            call.uniqueid = ch.uniqueid
            self._attach(ch, call, Role.PRIMARY)
        else:
            self._attach(ch, call, Role.LEG)

    def _amd_verdict(self, call: CallState) -> None:
        if call.amd_status is None or call.amd_cause is None or call.amd_reported:
            return
        call.amd_reported = True
        now = self._clock()
        after = (now - call.answered_at).total_seconds() if call.answered_at else None
        self._emit(AmdVerdict(call.call_id, now, call.amd_status, call.amd_cause, after))

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
            self._ringing(call)
        elif event.state == "Up":
            self._answered(call)

    def _ringing(self, call: CallState) -> None:
        if call.phase is Phase.CREATED:
            call.phase = Phase.RINGING
            call.ringing_at = self._clock()
            if call.kind is Kind.CUSTOMER:
                self._emit(CallRinging(call.call_id, call.ringing_at))

    def _answered(self, call: CallState) -> None:
        if call.phase < Phase.ANSWERED and call.failed is None:
            call.phase = Phase.ANSWERED
            call.answered_at = self._clock()
            if call.kind is Kind.CUSTOMER:
                self._emit(CallAnswered(call.call_id, call.answered_at))

    # ---- internals: dialling --------------------------------------------------------------------

    def _on_dial_begin(self, event: ev.DialBegin) -> None:
        if event.channel is None:  # the leg an Originate dials: only Dest* fields
            dest = self._channels.get(event.dest_uniqueid or "")
            if dest is None:
                return
            if dest.call is None and self._adopt:
                self._adopt_originate(dest, event.dial_string)
            if dest.call is not None and dest.role is Role.PRIMARY:
                dest.call.dial_string = event.dial_string
                if self._adopt:
                    tech = (dest.name or "").partition("/")[0]
                    self._by_dial[f"{tech}/{event.dial_string}"] = dest.call
            return
        caller, call = self._live_call_of(event.uniqueid)
        if call is None or caller is None or caller.role is Role.LEG:
            return  # a customer-side leg dialling on (Local;2 -> trunk) stays customer side
        dest = self._channels.get(event.dest_uniqueid or "")
        if dest is None and event.dest_uniqueid:
            dest = ChannelState(event.dest_uniqueid, event.dest_channel, event.dest_linkedid)
            self._channels[event.dest_uniqueid] = dest
        if dest is not None and (dest.call is None or dest.call is call):
            # Whatever the customer's channel dials is an operator; so is what an operator leg
            # dials on (a Local queue member reaching the softphone).
            self._mark_operator(dest, call, endpoint_of(event.dest_channel))

    def _mark_operator(self, ch: ChannelState, call: CallState, operator: str | None) -> None:
        ch.call, ch.role = call, Role.OPERATOR
        ch.operator = ch.operator or operator
        partner = self._local_partner(ch)
        if partner is not None and partner.role is not Role.OPERATOR:
            partner.call, partner.role, partner.operator = call, Role.OPERATOR, ch.operator

    def _local_partner(self, ch: ChannelState) -> ChannelState | None:
        """The other half of a Local channel pair (``...;1`` <-> ``...;2``), if it is known."""
        name = ch.name or ""
        if not name.startswith("Local/") or name[-2:] not in (";1", ";2"):
            return None
        uid = self._local_names.get(name[:-1] + ("2" if name.endswith("1") else "1"))
        return self._channels.get(uid) if uid is not None else None

    def _adopt_originate(self, ch: ChannelState, dial_string: str) -> None:
        if "@" in dial_string or (ch.name or "").startswith("Local/"):
            call = CallState(ch.uniqueid, Kind.CUSTOMER, ch.uniqueid)
        else:
            call = CallState(ch.uniqueid, Kind.OPERATOR, ch.uniqueid)
            call.operator = dial_string or endpoint_of(ch.name)
        self._register(call)
        self._attach(ch, call, Role.PRIMARY)
        call.variables.update(ch.variables)

    def _on_dial_state(self, event: ev.DialState) -> None:
        ch, call = self._live_call_of(event.dest_uniqueid)
        if call is not None and ch is not None and ch.role is Role.PRIMARY and event.dial_status == "RINGING":
            self._ringing(call)

    def _on_dial_end(self, event: ev.DialEnd) -> None:
        ch, call = self._live_call_of(event.dest_uniqueid)
        if call is None or ch is None or ch.role is not Role.PRIMARY:
            return
        call.dial_status = event.dial_status
        if event.dial_status == "ANSWER":
            self._answered(call)

    def _on_originate_response(self, event: ev.OriginateResponse) -> None:
        call = self._find_originate(event)
        if call is None:
            if self._adopt and not event.success:
                # No channel was ever made (bad channel name, no such endpoint): a failure at once.
                key = event.action_id or event.channel or "originate"
                call = CallState(key, Kind.CUSTOMER, key, action_id=event.action_id)
                self._register(call)
                call.created_at = self._clock()
                self._emit(CallCreated(call.call_id, call.created_at, None))
                self._fail_now(call, FailReason.CHANNEL_UNAVAILABLE)
            else:
                log.debug("OriginateResponse for no tracked call: %s", event.action_id)
            return
        if call.phase is Phase.ENDED:
            return
        if event.success:
            self._answered(call)
        elif call.channel is None:
            self._fail_now(call, FailReason.CHANNEL_UNAVAILABLE)
        # A failure with a channel is concluded at that channel's Hangup, from its cause.

    def _find_originate(self, event: ev.OriginateResponse) -> CallState | None:
        call = None
        if event.uniqueid is not None:
            call = self._by_uniqueid.get(event.uniqueid)
        if call is None and event.action_id is not None:
            call = self._by_action.get(event.action_id)
        if call is None and self._adopt and event.channel:
            candidate = self._by_dial.get(event.channel)
            if candidate is not None and candidate.action_id is None:
                call = candidate
        if call is not None and event.action_id and call.action_id is None:
            call.action_id = event.action_id
            self._by_action[event.action_id] = call
        return call

    def _fail_now(self, call: CallState, reason: FailReason) -> None:
        call.failed = reason
        self._end(call, self._clock(), reason)

    # ---- internals: hanging up ------------------------------------------------------------------

    def _first_signal(self, call: CallState, who: HungUpBy) -> None:
        if call.hung_up_by is None and call.phase is not Phase.ENDED:
            call.hung_up_by = who

    def _on_hangup_request(self, event: ev.HangupRequest) -> None:
        ch, call = self._live_call_of(event.uniqueid)
        if ch is not None and call is not None and ch.role is Role.PRIMARY:
            if event.cause:
                call.request_cause = event.cause
            self._first_signal(call, HungUpBy.CUSTOMER if call.kind is Kind.CUSTOMER else HungUpBy.OPERATOR)
        elif ch is not None and call is not None and ch.role is Role.LEG and call.kind is Kind.CUSTOMER:
            self._first_signal(call, HungUpBy.CUSTOMER)  # the trunk leg behind a Local originate
        if ch is not None:
            for connected in self._calls_connected_through(ch):
                self._first_signal(connected, HungUpBy.OPERATOR)

    def _on_soft_hangup_request(self, event: ev.SoftHangupRequest) -> None:
        ch, call = self._live_call_of(event.uniqueid)
        if ch is not None and event.cause == 4:
            for connected in self._calls_connected_through(ch):
                self._first_signal(connected, HungUpBy.PBX_RESTART)
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
        self._first_signal(call, who)

    def _on_hangup(self, event: ev.Hangup) -> None:
        uid = event.uniqueid
        ch = self._channels.pop(uid, None) if uid is not None else None
        if ch is None:
            return
        if ch.name and ch.name.startswith("Local/"):
            self._local_names.pop(ch.name, None)
        if ch.bridge is not None:
            self._leave_bridge(ch, ch.bridge)
        call = ch.call
        if call is None or call.phase is Phase.ENDED or ch.role is not Role.PRIMARY:
            return
        if (ch.name or "").startswith("Local/") and self._promote_leg(call):
            return  # the Local half went away (optimised out); the real customer channel lives on
        call.cause, call.cause_txt = event.cause, event.cause_txt
        if call.hung_up_by is None:
            call.hung_up_by = HungUpBy.DIALPLAN if ch.last_app == "Hangup" else HungUpBy.UNKNOWN
        cause = event.cause or call.request_cause
        self._end(call, self._clock(), fail_reason(cause, call.dial_status))

    def _promote_leg(self, call: CallState) -> bool:
        """Make a live, non-Local, customer-side leg the call's channel; False when there is none."""
        for leg in self._channels.values():
            if leg.call is call and leg.role is Role.LEG and not (leg.name or "").startswith("Local/"):
                leg.role = Role.PRIMARY
                call.channel = leg
                self._by_uniqueid[leg.uniqueid] = call
                return True
        return False

    def _end(self, call: CallState, now: datetime, reason_if_failed: FailReason) -> None:
        """Close a call: CallFailed if it never answered, else CallHungUp (talk time settled)."""
        self._disconnect(call, now)
        call.ended_at = now
        was = call.phase
        call.phase = Phase.ENDED
        del self._calls[call.call_id]
        self._ended[call.call_id] = call
        if len(self._ended) > _ENDED_KEPT:
            _, old = self._ended.popitem(last=False)
            self._by_uniqueid.pop(old.uniqueid, None)
            self._by_uniqueid.pop(_uniqueid(old), None)
            if old.action_id:
                self._by_action.pop(old.action_id, None)
            if old.channel is not None and old.dial_string:
                self._by_dial.pop(f"{(old.channel.name or '').partition('/')[0]}/{old.dial_string}", None)
        if call.kind is Kind.SUPERVISOR:
            pass  # a spy leg ending is no news for the engine beyond SpyStopped
        elif call.kind is Kind.OPERATOR:
            self._emit(
                OperatorLoggedOut(call.call_id, now, call.operator or "", call.hung_up_by or HungUpBy.UNKNOWN)
            )
        elif was < Phase.ANSWERED:
            call.failed = call.failed or reason_if_failed
            self._emit(CallFailed(call.call_id, now, call.failed, call.cause, call.dial_status))
        else:
            by = call.hung_up_by or HungUpBy.UNKNOWN
            self._emit(CallHungUp(call.call_id, now, call.cause, call.cause_txt, by, call.talk_seconds))

    def _on_shutdown(self, event: ev.Shutdown) -> None:
        """Asterisk is going away: no Hangup will come for what is still live."""
        now = self._clock()
        for call in list(self._calls.values()):
            if call.phase is Phase.CREATED and call.channel is None:
                continue  # not originated yet as far as Asterisk showed; the engine decides
            self._first_signal(call, HungUpBy.PBX_RESTART)
            self._end(call, now, FailReason.PBX_RESTART)
        self._channels.clear()
        self._bridges.clear()
        self._conferences.clear()
        self._emit(PbxRestarted(now))

    # ---- internals: bridges, operators ----------------------------------------------------------

    def _on_agent(self, event: ev.AgentConnect | ev.AgentCalled) -> None:
        _caller, call = self._live_call_of(event.uniqueid)
        if call is None or event.dest_uniqueid is None:
            return
        dest = self._channels.get(event.dest_uniqueid)
        if dest is None:
            dest = ChannelState(event.dest_uniqueid, event.dest_channel, call.uniqueid)
            self._channels[event.dest_uniqueid] = dest
        operator = interface_endpoint(event.interface) if event.interface else endpoint_of(dest.name)
        dest.operator = None if dest.role is not Role.OPERATOR else dest.operator
        self._mark_operator(dest, call, operator)

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
        if session is None or session.phase is Phase.ENDED or session.kind is Kind.CUSTOMER:
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
            self._first_signal(call, HungUpBy.OPERATOR if event.reason == "agent" else HungUpBy.CUSTOMER)

    def _on_bridge_enter(self, event: ev.BridgeEnter | ev.ConfbridgeJoin) -> None:
        bridge = event.bridge_uniqueid
        ch = self._channel(event)
        if bridge is None or ch is None:
            return
        if isinstance(event, ev.ConfbridgeJoin) and event.conference:
            self._conferences[bridge] = event.conference
        self._enter_bridge(ch, bridge)

    def _enter_bridge(self, ch: ChannelState, bridge: str) -> None:
        if ch.bridge is not None and ch.bridge != bridge:
            self._leave_bridge(ch, ch.bridge)
        ch.bridge = bridge
        self._bridges.setdefault(bridge, set()).add(ch.uniqueid)
        self._check_bridge(bridge)

    def _on_bridge_leave(self, event: ev.BridgeLeave | ev.ConfbridgeLeave) -> None:
        uid, bridge = event.uniqueid, event.bridge_uniqueid
        ch = self._channels.get(uid) if uid is not None else None
        if ch is not None and bridge is not None:
            self._leave_bridge(ch, bridge)

    def _leave_bridge(self, ch: ChannelState, bridge: str) -> None:
        members = self._bridges.get(bridge)
        if members is not None:
            members.discard(ch.uniqueid)
            if not members:
                del self._bridges[bridge]
                self._conferences.pop(bridge, None)
        if ch.bridge == bridge:
            ch.bridge = None
        now = self._clock()
        call = ch.call
        if customer_side(ch) and call is not None and call.connected_bridge == bridge:
            still_in = (self._channels.get(u) for u in members or ())
            if not any(
                other is not None and other.call is call and customer_side(other) for other in still_in
            ):
                self._disconnect(call, now)
        for call in self._calls_connected_through(ch, bridge):
            self._disconnect(call, now)

    def _calls_connected_through(
        self, operator_ch: ChannelState, bridge: str | None = None
    ) -> list[CallState]:
        """Live calls put through to the operator on ``operator_ch``, found among the bridge's members."""
        bridge = bridge or operator_ch.bridge
        if bridge is None:
            return []
        calls = []
        for uid in self._bridges.get(bridge, ()):
            ch = self._channels.get(uid)
            call = ch.call if ch is not None else None
            if (
                call is not None
                and call.phase is not Phase.ENDED
                and call.connected_bridge == bridge
                and call.operator_channel is operator_ch
            ):
                calls.append(call)
        return calls

    def _bridge_operator(
        self, members: list[ChannelState], conference: str | None, customer: ChannelState
    ) -> tuple[str | None, ChannelState | None]:
        """Who in this bridge is the customer's operator, in order of certainty: a channel known to
        reach an operator (dialled by the customer, a queue member, an operator's nailed-up leg); the
        conference's owner by name; an untracked endpoint channel not on the customer's own trunk
        (bridged by AMI Bridge, or an operator leg that joined before the stream began)."""
        fallback: tuple[str, ChannelState] | None = None
        customer_endpoint = endpoint_of(customer.name)
        for ch in members:
            if ch.role is Role.OPERATOR or (ch.call is not None and ch.call.kind is Kind.OPERATOR):
                return ch.operator or endpoint_of(ch.name), ch
            if ch.call is None and fallback is None:
                endpoint = endpoint_of(ch.name)
                if endpoint and endpoint != customer_endpoint:
                    fallback = endpoint, ch
        owner = self._operator_of_conference(conference) if conference else None
        if owner is not None:
            return owner, next((ch for ch in members if endpoint_of(ch.name) == owner), None)
        return fallback if fallback is not None else (None, None)

    def _check_bridge(self, bridge: str) -> None:
        uids = sorted(self._bridges.get(bridge, ()))  # sorted: the same answer whatever the hash seed
        members = [self._channels[u] for u in uids if u in self._channels]
        conference = self._conferences.get(bridge)
        now = self._clock()
        for ch in members:
            call = ch.call
            if call is None or call.phase is Phase.ENDED or ch.role not in (Role.PRIMARY, Role.LEG):
                continue
            if call.kind is not Kind.CUSTOMER:
                if ch.role is not Role.PRIMARY or call.kind is Kind.SUPERVISOR:
                    continue
                if conference and bridge not in call.ready_bridges:
                    call.ready_bridges.add(bridge)
                    self._emit(OperatorReady(call.call_id, now, call.operator or "", conference))
                continue
            who, operator_ch = self._bridge_operator(members, conference, ch)
            if who is None or (call.connected_bridge == bridge and call.operator == who):
                continue
            self._answered(call)
            previous = call.operator if call.connected_at is not None else None
            self._disconnect(call, now)
            call.operator, call.operator_channel = who, operator_ch
            call.connected_bridge, call.connected_at = bridge, now
            if previous is not None and previous != who:
                self._emit(CallTransferred(call.call_id, now, previous, who))
            elif previous is None:
                self._emit(CallConnected(call.call_id, now, who))

    def _disconnect(self, call: CallState, now: datetime) -> None:
        if call.connected_bridge is not None and call.connected_at is not None:
            call.talk_seconds += max(0.0, (now - call.connected_at).total_seconds())
        call.connected_bridge = None
        call.operator_channel = None

    # ---- internals: resync ----------------------------------------------------------------------

    def _on_channel_listed(self, event: ev.CoreShowChannel | ev.Status) -> None:
        if self._resync_seen is not None and event.uniqueid is not None:
            self._resync_seen.add(event.uniqueid)
        ch = self._channel(event)
        if ch is None:
            return
        call = ch.call
        if isinstance(event, ev.Status):
            ch.variables.update(event.variables)
            if call is not None and ch.role is Role.PRIMARY:
                call.variables.update(event.variables)
        if call is not None and ch.role is Role.PRIMARY and event.state == "Up":
            self._answered(call)
        if event.bridge_id is not None and ch.bridge != event.bridge_id:
            if event.application == "ConfBridge" and event.raw.get("ApplicationData"):
                self._conferences.setdefault(event.bridge_id, event.raw["ApplicationData"].split(",")[0])
            self._enter_bridge(ch, event.bridge_id)

    # ---- internals: summaries -------------------------------------------------------------------

    def _summary(self, call: CallState) -> CallSummary:
        if call.kind is not Kind.CUSTOMER:
            outcome = "ended" if call.phase is Phase.ENDED else "live"
            bridge = call.channel.bridge if call.channel is not None else None
            conference = self._conferences.get(bridge) if bridge is not None else None
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
                call.hung_up_by.value
                if call.hung_up_by and call.phase is Phase.ENDED and call.failed is None
                else None
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


def _uniqueid(call: CallState) -> str:
    return call.channel.uniqueid if call.channel is not None else call.uniqueid


def _order_key(call: CallState) -> tuple[float, str]:
    return (call.created_at.timestamp() if call.created_at else float("inf"), call.call_id)
