"""Originate: dialling a customer on the trunk or an operator's softphone, and each outcome.

The event sequences follow the captures b1-b9 (failures), a*/n1a/n2* (answers) and n1_0 (an
operator's nailed-up login). Reason is 0 for every SIP error response and 3 for a ring timeout, as
captured with chan_pjsip; the outcome itself is in Hangup's Cause, DialEnd's DialStatus and Cdr,
all three following from the SIP answer as in Asterisk (``pbxsim.sip``).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.channel import RINGING, UP
from pbxsim.dialplan import Dialplan, run_channel
from pbxsim.dtmf import Keypad
from pbxsim.flow import wait_event
from pbxsim.scenario import CustomerScript
from pbxsim.sip import cause_of, cdr_disposition_of, dial_status_of

if TYPE_CHECKING:
    from pbxsim.pbx import Call, Pbx

TRUNK = "trunk"


@dataclass
class OriginateRequest:
    """The Originate action's headers the simulator acts on."""

    channel: str
    context: str = ""
    exten: str = "s"
    priority: int = 1
    timeout: float = 30.0
    caller_num: str = ""
    caller_name: str = ""
    is_async: bool = False
    channel_id: str | None = None
    variables: list[tuple[str, str]] = field(default_factory=list)
    action_id: str | None = None

    @property
    def tech(self) -> str:
        return self.channel.partition("/")[0]

    @property
    def resource(self) -> str:
        return self.channel.partition("/")[2]


def parse_caller_id(text: str) -> tuple[str, str]:
    """``"Campaign 42" <5550000>`` -> (number, name)."""
    match = re.fullmatch(r'\s*"?([^"<]*?)"?\s*<([^>]*)>\s*', text)
    if match:
        return match.group(2), match.group(1)
    return text.strip(), ""


def parse_variables(values: list[str]) -> list[tuple[str, str]]:
    """Every ``Variable:`` header, each possibly ``A=1,B=2``, in the order given."""
    out = []
    for value in values:
        for item in value.split(","):
            name, sep, val = item.partition("=")
            if sep and name.strip():
                out.append((name.strip(), val))
    return out


class Originator:
    """Places originated calls and runs them through the dialplan once answered."""

    def __init__(self, pbx: Pbx, dialplan: Dialplan) -> None:
        self.pbx = pbx
        self.dialplan = dialplan

    def can_dial(self, req: OriginateRequest) -> bool:
        """Whether chan_pjsip could even create the channel (else: 'Originate failed' / Reason 0)."""
        if req.tech != "PJSIP" or not req.resource:
            return False
        number, _, endpoint = req.resource.partition("@")
        if endpoint:
            return endpoint in self.pbx.config.trunks and bool(number)
        return self.pbx.endpoints.get(number) is not None

    async def run(self, req: OriginateRequest, answered: asyncio.Future[bool] | None = None) -> None:
        """The whole life of an originated call. ``answered`` learns whether it was answered."""
        try:
            if not self.can_dial(req):
                self._failed_early(req)
                _resolve(answered, False)
                return
            number, _, endpoint = req.resource.partition("@")
            if endpoint in self.pbx.config.trunks:
                await self._dial(req, TRUNK, number, self.pbx.scenario.customer(number), answered)
            else:
                await self._dial_operator(req, number, answered)
        finally:
            _resolve(answered, False)

    def _failed_early(self, req: OriginateRequest) -> None:
        if req.is_async:
            self.pbx.emit(
                ev.originate_response(
                    req.action_id,
                    False,
                    req.channel,
                    req.context,
                    req.exten,
                    0,
                    req.channel_id or "<unknown>",
                    req.caller_num or "<unknown>",
                    req.caller_name or "<unknown>",
                )
            )

    async def _dial_operator(
        self, req: OriginateRequest, name: str, answered: asyncio.Future[bool] | None
    ) -> None:
        endpoint = self.pbx.endpoints.get(name)
        assert endpoint is not None
        if endpoint.device_state == "UNAVAILABLE":
            # No contact to send the INVITE to: chan_pjsip cannot create the channel.
            self._failed_early(req)
            return
        script = endpoint.script
        behaviour = CustomerScript(
            outcome="answer" if script.answers else "noanswer",
            ring=script.answer_delay,
            talk=script.talk or 0.0,
            hangup_by="operator",
        )
        await self._dial(req, name, name, behaviour, answered, operator=True)

    async def _dial(
        self,
        req: OriginateRequest,
        endpoint: str,
        number: str,
        script: CustomerScript,
        answered: asyncio.Future[bool] | None,
        operator: bool = False,
    ) -> None:
        pbx = self.pbx
        call = pbx.new_channel(endpoint, "from-operators" if operator else "from-trunk", req.channel_id)
        call.task = asyncio.current_task()
        call.script = None if operator else script
        call.keypad = Keypad.of(script.dtmf)
        ch = call.channel
        pbx.app(ch, "AppDial2", "(Outgoing Line)")
        ch.priority = 1
        for name, value in reversed(req.variables):
            pbx.set_var(ch, name, value)
        if req.caller_num:
            ch.caller_num, ch.caller_name = req.caller_num, req.caller_name
            pbx.emit(
                ev.channel_event(
                    "NewCallerid", ch, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
                )
            )
            ch.connected_num, ch.connected_name = req.caller_num, req.caller_name
            pbx.emit(ev.channel_event("NewConnectedLine", ch))
        dial_string = f"{number}@{TRUNK}" if endpoint == TRUNK else number
        pbx.emit(ev.dial_event("DialBegin", ch, ("DialString", dial_string)))
        try:
            outcome = script.outcome
            if outcome == "answer" and script.ring >= req.timeout:
                outcome = "noanswer"
            if outcome in ("answer", "busy", "noanswer") and (script.ring > 0 or outcome == "noanswer"):
                self._ringing(call)
            if outcome == "answer":
                await pbx.clock.sleep(script.ring)
            elif outcome in ("noanswer", "trunk_down"):
                await pbx.clock.sleep(req.timeout)
                self._timed_out(req, call, rang=outcome == "noanswer")
                return
            else:
                await pbx.clock.sleep(script.ring)
                self._rejected(req, call, script.sip_answer())
                return
        except asyncio.CancelledError:
            self._cancelled(req, call)
            return
        self._answered(req, call)
        _resolve(answered, True)
        if operator:
            call.in_use = True
            pbx.endpoints.channel_up(endpoint)
        else:
            call.side_task = pbx.spawn(self._customer_side(call), f"customer {ch.name}")
        await run_channel(pbx, call, self.dialplan, req.context, req.exten, req.priority)

    # -- the steps of a dial, as events -----------------------------------------------------------
    def _ringing(self, call: Call) -> None:
        ch = call.channel
        self.pbx.emit(ev.dial_event("DialState", ch, ("DialStatus", "RINGING")))
        self.pbx.set_state(ch, RINGING)
        if ch.endpoint == TRUNK:
            self.pbx.emit(ev.device_state("PJSIP/trunk", "RINGING"))

    def _answered(self, req: OriginateRequest, call: Call) -> None:
        pbx, ch = self.pbx, call.channel
        pbx.set_state(ch, UP)
        pbx.emit(ev.dial_event("DialEnd", ch, ("DialStatus", "ANSWER")))
        if ch.endpoint == TRUNK:
            pbx.emit(ev.device_state("PJSIP/trunk", "INUSE"))
        pbx.emit(
            ev.originate_response(
                req.action_id,
                True,
                ch.name,
                req.context,
                req.exten,
                4,
                ch.uniqueid,
                ch.caller_num,
                ch.caller_name,
            )
        )

    def _failure_response(self, req: OriginateRequest, reason: int) -> None:
        self.pbx.emit(
            ev.originate_response(
                req.action_id,
                False,
                req.channel,
                req.context,
                req.exten,
                reason,
                req.channel_id or "<unknown>",
                req.caller_num or "<unknown>",
                req.caller_name or "<unknown>",
            )
        )

    def _dial_cdr(self, call: Call, disposition: str) -> None:
        ch = call.channel
        self.pbx.emit(
            ev.CdrRecord(
                ch,
                ch.exten,
                ch.context,
                "AppDial2",
                "(Outgoing Line)",
                ch.created,
                None,
                self.pbx.now(),
                disposition,
            ).event()
        )

    def _rejected(self, req: OriginateRequest, call: Call, sip: int) -> None:
        """A SIP error response (b1, b3, b4, b9): HangupRequest, DialEnd, OriginateResponse, Cdr, Hangup."""
        cause = cause_of(sip)
        dial_status = dial_status_of(cause)
        disposition = cdr_disposition_of(dial_status)
        ch = call.channel
        call.hangup_source = ch.name  # the far end answered with an error
        self.pbx.emit(ev.hangup_request(ch, cause, sip))
        self.pbx.emit(ev.dial_event("DialEnd", ch, ("DialStatus", dial_status)))
        self._failure_response(req, 0)
        self._dial_cdr(call, disposition)
        self.pbx.emit(ev.hangup(ch, cause, sip))
        self._gone(call, rang=ch.state == RINGING)

    def _timed_out(self, req: OriginateRequest, call: Call, rang: bool) -> None:
        """Ring timeout (b2) or a dead trunk (b8): Reason 3, Cause 19, no DialEnd."""
        self._failure_response(req, 3)
        self._dial_cdr(call, "NO ANSWER")
        self.pbx.emit(ev.hangup(call.channel, 19))
        self._gone(call, rang=rang)

    def _cancelled(self, req: OriginateRequest, call: Call) -> None:
        """Hung up by AMI (or a restart) before answer. Not captured: modelled on the timeout case."""
        ch = call.channel
        self.pbx.emit(ev.dial_event("DialEnd", ch, ("DialStatus", "CANCEL")))
        self._failure_response(req, 1)
        self._dial_cdr(call, "NO ANSWER")
        self.pbx.emit(ev.hangup(ch, call.cause))
        self._gone(call, rang=ch.state == RINGING)

    def _gone(self, call: Call, rang: bool) -> None:
        self.pbx.forget(call)
        if rang and call.channel.endpoint == TRUNK:
            self.pbx.emit(ev.device_state("PJSIP/trunk", "NOT_INUSE"))

    async def _customer_side(self, call: Call) -> None:
        """The answered customer: talks once connected, or gives up; then hangs up (or is hung up)."""
        script = call.script or CustomerScript()
        clock = self.pbx.clock
        connected = await wait_event(clock, call.connected, script.patience)
        if connected:
            await clock.sleep(script.talk)
        if call.channel.hungup:
            return
        if connected and script.hangup_by == "operator":
            self.pbx.hangup(call, 16)
        else:
            self.pbx.far_hangup(call)


def _resolve(future: asyncio.Future[bool] | None, value: bool) -> None:
    if future is not None and not future.done():
        future.set_result(value)
