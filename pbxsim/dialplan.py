"""A small dialplan interpreter: contexts are Python coroutines calling applications in order.

Each application call is one priority: it emits Newexten with the channel's current priority and
moves to the next one, as Asterisk does. ``Goto`` jumps by exception. When the far end hangs up, or
AMI hangs the channel up, the running application is cancelled, cleans up (a ConfBridge member
leaves), and ``run_channel`` ends the channel: SoftHangupRequest, the ``h`` extension, Cdr, Hangup.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.agi_client import AgiSession, parse_agi_url
from pbxsim.bridge import wait_bridged
from pbxsim.channel import UP, Channel
from pbxsim.flow import finish, wait_event
from pbxsim.queue import dial_operator, run_queue
from pbxsim.recorder import MixMonitorOptions, Recording
from pbxsim.scenario import AMD_VERDICTS

if TYPE_CHECKING:
    from pbxsim.pbx import Call, Pbx

Handler = Callable[["Apps", Channel], Awaitable[None]]


class Goto(Exception):
    def __init__(self, context: str, exten: str, priority: int = 1) -> None:
        super().__init__(f"{context},{exten},{priority}")
        self.context, self.exten, self.priority = context, exten, priority


class HangupNow(Exception):
    """The dialplan ran Hangup()."""


class GosubReturn(Exception):
    """The subroutine ran Return()."""


@dataclass(frozen=True)
class _Entry:
    pattern: str
    handler: Handler


class Dialplan:
    """Contexts by name; each maps an extension (or ``_X.``-style pattern) to a handler."""

    def __init__(self) -> None:
        self._contexts: dict[str, list[_Entry]] = {}
        self._h: dict[str, Callable[[Channel, int], str]] = {}

    def on_hangup(self, context: str, noop_text: Callable[[Channel, int], str]) -> None:
        """The context's ``h`` extension: one NoOp whose text may show the hangup cause."""
        self._h[context] = noop_text

    def hangup_text(self, context: str) -> Callable[[Channel, int], str] | None:
        return self._h.get(context)

    def add(self, context: str, exten: str, handler: Handler) -> None:
        self._contexts.setdefault(context, []).append(_Entry(exten, handler))

    def extension(self, context: str, exten: str) -> Callable[[Handler], Handler]:
        """Decorator form of ``add``."""

        def register(handler: Handler) -> Handler:
            self.add(context, exten, handler)
            return handler

        return register

    def has_context(self, context: str) -> bool:
        return context in self._contexts

    def find(self, context: str, exten: str) -> Handler | None:
        entries = self._contexts.get(context, [])
        for entry in entries:
            if entry.pattern == exten:
                return entry.handler
        for entry in entries:
            if entry.pattern.startswith("_") and _pattern(entry.pattern).fullmatch(exten):
                return entry.handler
        return None

    def merged(self, other: Dialplan) -> Dialplan:
        out = Dialplan()
        for source in (self, other):
            for context, entries in source._contexts.items():
                out._contexts.setdefault(context, []).extend(entries)
            out._h.update(source._h)
        return out


def _pattern(pattern: str) -> re.Pattern[str]:
    table = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}
    return re.compile("".join(table.get(c, re.escape(c)) for c in pattern[1:]))


class Apps:
    """The applications a context may run on one channel."""

    def __init__(self, pbx: Pbx, call: Call) -> None:
        self.pbx = pbx
        self.call = call
        self.ch = call.channel

    @property
    def globals(self) -> dict[str, str]:
        """[globals] of both dialplans: the lab's AGIURL/RECDIR, the product's DIALER_*."""
        agi, rec = self.pbx.config.agi_url, str(self.pbx.config.recordings_dir)
        return {"AGIURL": agi, "RECDIR": rec, "DIALER_AGI": agi, "DIALER_RECDIR": rec,
                "DIALER_QUEUE_TIMEOUT": "20", "DIALER_OPERATOR_RING": "20",
                "DIALER_ABANDON_MESSAGE": "dialer/abandon", "DIALER_INBOUND_QUEUE": "sales",
                "DIALER_RECORD": "connected", "DIALER_RECORD_LEGS": "no"}  # fmt: skip

    def var(self, name: str) -> str:
        value = self.ch.var(name)
        return value or self.globals.get(name, "")

    def _step(self, application: str, data: str) -> None:
        self.pbx.app(self.ch, application, data)

    def _next(self) -> None:
        self.ch.priority += 1

    def noop(self, text: str = "") -> None:
        self._step("NoOp", text)
        self._next()

    def set(self, name: str, value: str) -> None:
        self._step("Set", f"{name}={value}")
        if "(" in name:
            self.ch.variables[name] = value  # a function such as CDR(userfield): no VarSet event
        else:
            self.pbx.set_var(self.ch, name, value)
        self._next()

    def goto(self, context: str, exten: str = "s", priority: int = 1) -> None:
        self._step("Goto", f"{context},{exten},{priority}")
        raise Goto(context, exten, priority)

    def gotoif(self, condition: bool, data: str, then: tuple[str, str, int] | None) -> None:
        """``GotoIf(cond?then)``: jumps when true (to another context or, with None, nowhere)."""
        self._step("GotoIf", f"{int(condition)}?{data}")
        if condition and then is not None:
            raise Goto(*then)
        self._next()

    def hangup(self) -> None:
        self._step("Hangup", "")
        self.call.hangup_source = self.call.hangup_source or "dialplan/builtin"
        raise HangupNow()

    def cel_user_event(self, name: str, extra: str) -> None:
        """CELGenUserEvent(name,extra): a USER_DEFINED line in Asterisk's record, no AMI event."""
        self._step("CELGenUserEvent", f"{name},{extra}")
        if self.pbx.record is not None:
            self.pbx.record.user_event(self.ch, name, extra)
        self._next()

    def answer(self) -> None:
        self._step("Answer", "")
        if self.ch.state != UP:
            self.pbx.set_state(self.ch, UP)
        self._next()

    async def wait(self, seconds: float) -> None:
        """Wait(); an AMI Bridge may pull the channel out, then it goes on after the bridge."""

        self._step("Wait", f"{seconds:g}")
        if await wait_event(self.pbx.clock, self.call.bridge_request, seconds):
            await wait_bridged(self.call)  # the bridge already moved it to the next priority
            return
        self._next()

    async def playback(self, sound: str, seconds: float = 3.0) -> None:
        self._step("Playback", sound)
        await self.pbx.clock.sleep(seconds)
        self.pbx.set_var(self.ch, "PLAYBACKSTATUS", "SUCCESS")
        self._next()

    async def agi(self, url: str, args: list[str]) -> str:
        """FastAGI: connect to the product's server and run what it says; sets AGISTATUS."""
        self._step("AGI", ",".join([url, *args]))
        session = AgiSession(self.pbx, self.call, parse_agi_url(url), args)
        status = await session.run()
        self.pbx.set_var(self.ch, "AGISTATUS", status)
        if session.dead:
            raise asyncio.CancelledError  # the far end is gone: unwind as a hangup
        if self.call.agi_hungup:
            raise HangupNow()
        self._next()
        return status

    async def amd(self, data: str = "") -> str:
        """AMD(): after the verdict's delay, AMDSTATUS and AMDCAUSE (the customer's script decides)."""
        self._step("AMD", data)
        verdict = self.call.script.amd if self.call.script is not None else "human"
        status, cause, seconds = AMD_VERDICTS[verdict]
        await self.pbx.clock.sleep(seconds)
        self.pbx.set_var(self.ch, "AMDSTATUS", status)
        self.pbx.set_var(self.ch, "AMDCAUSE", cause)
        self._next()
        return status

    def mixmonitor(self, filename: str, options: str = "") -> None:
        self._step("MixMonitor", f"{filename},{options}" if options else filename)
        start_recording(self.pbx, self.call, filename, options)
        self._next()

    async def queue(self, queue: str, limit: float) -> str:
        """Queue(): ring the queue's free members (see ``pbxsim.queue``); sets QUEUESTATUS."""

        self._step("Queue", f"{queue},,,,{limit:g}")
        status = await run_queue(self.pbx, self.call, queue, limit)
        self.pbx.set_var(self.ch, "QUEUESTATUS", status)
        self._next()
        return status

    async def dial(self, endpoint: str, ring_limit: float) -> str:
        """Dial(PJSIP/<operator>,<limit>): ring an operator, bridge on answer; sets DIALSTATUS."""

        self._step("Dial", f"PJSIP/{endpoint},{ring_limit:g}")
        self.pbx.set_var(self.ch, "DIALSTATUS", "")
        status = await dial_operator(self.pbx, self.call, endpoint, ring_limit)
        if status != "ANSWER":  # ANSWER was set when it happened
            self.pbx.set_var(self.ch, "DIALSTATUS", status)
        self._next()
        return status

    async def chanspy(self, target: str, options: str) -> None:
        """ChanSpy(target,options) (n6): ChanSpyStart 0.1 s after, ChanSpyStop when the spy leg or
        (option E) the spied channel ends. Listen, whisper and barge give the same events. ``target``
        is a channel name or, as Asterisk takes it, the prefix of one (``PJSIP/1001-``)."""
        self._step("ChanSpy", f"{target},{options}")
        await self.pbx.clock.sleep(0.1)
        spyee_call = self.pbx.call_of(target) or self.pbx.call_named_like(target, besides=self.ch.name)
        if spyee_call is None:
            self._next()
            return
        spyee = spyee_call.channel

        def spy_event(name: str) -> None:
            self.pbx.emit([("Event", name), ("Privilege", "call,all"), *self.ch.snapshot("Spyer"),
                           *spyee.snapshot("Spyee")])  # fmt: skip

        spy_event("ChanSpyStart")
        try:
            await spyee_call.done.wait()
        except asyncio.CancelledError:
            spy_event("ChanSpyStop")
            if self.call.cause_unset:
                self.call.cause = 0  # AMI Hangup without Cause on a spy leg: Hangup Cause 0 (n6)
            raise
        spy_event("ChanSpyStop")
        self._next()

    async def gosubif(
        self,
        condition: bool,
        data: str,
        target: tuple[str, str, int],
        sub: Handler,
        args: tuple[str, ...] = (),
    ) -> None:
        """``GosubIf(cond?context,exten,priority(args))``: run ``sub`` there (ARGn set), then come back."""
        self._step("GosubIf", f"{int(condition)}?{data}")
        if condition:
            back = (self.ch.context, self.ch.exten, self.ch.priority)
            saved = {f"ARG{n}": self.ch.variables.pop(f"ARG{n}", None) for n in range(1, len(args) + 1)}
            self.ch.variables.update({f"ARG{n}": arg for n, arg in enumerate(args, 1)})
            self.ch.context, self.ch.exten, self.ch.priority = target
            try:
                await sub(self, self.ch)
            except GosubReturn:
                pass
            finally:
                self.ch.context, self.ch.exten, self.ch.priority = back
                for name, value in saved.items():
                    if value is None:
                        self.ch.variables.pop(name, None)
                    else:
                        self.ch.variables[name] = value
        self._next()

    def gosub_return(self) -> None:
        """``Return()`` from a subroutine run by :meth:`gosubif`."""
        self._step("Return", "")
        raise GosubReturn()

    def jump(self, priority: int) -> None:
        """Continue at another priority of this extension (a GotoIf to a label)."""
        self.ch.priority = priority

    async def confbridge(self, conference: str, bridge: str, user: str, menu: str) -> str:
        """Join a conference and stay until hung up, redirected, or removed because the marked user
        (the operator) left: ``end_marked`` customer profiles, CONFBRIDGE_RESULT=ENDMARKED."""
        self._step("ConfBridge", ",".join([conference, bridge, user, menu]))
        conf = self.pbx.conference(conference)
        self.call.conference = conf
        self.call.kicked.clear()
        conf.join(self.ch, marked=user.endswith("operator") or user == "op_user")
        try:
            await self.call.kicked.wait()
        except asyncio.CancelledError:
            if self.call.redirect_to is not None:
                # Redirected out (n7b): the first Newexten at the new place still names ConfBridge,
                # and it comes between ConfbridgeLeave and BridgeLeave.
                stale = (self.ch.application, self.ch.app_data)
                conf.leave(self.ch, "HANGUP", between=lambda: self.pbx.app(self.ch, *stale))
                self.call.skip_newexten = True
            else:
                conf.leave(self.ch, "HANGUP")
            self.call.conference = None
            raise
        conf.leave(self.ch, "ENDMARKED")
        self.call.conference = None
        self._next()
        return "ENDMARKED"


def start_recording(pbx: Pbx, call: Call, filename: str, options: str) -> Recording:
    """MixMonitor on a channel (dialplan or AMI): VarSet MIXMONITOR_FILENAME, MixMonitorStart."""
    path = pbx.recording_path(filename)
    parsed = MixMonitorOptions.parse(options)
    legs = tuple(pbx.recording_path(leg) for leg in (parsed.receive, parsed.transmit) if leg)
    pbx.set_var(call.channel, "MIXMONITOR_FILENAME", str(path))
    pbx.emit(ev.channel_event("MixMonitorStart", call.channel))
    bridged_only = "b" in parsed.flags
    call.recording = Recording(path, bridged_only, pbx.now(), pbx.config.recording_tone_hz, legs)
    if bridged_only and call.connected.is_set() and call.channel.bridge_id:
        call.recording.bridged(pbx.now())
    return call.recording


async def run_channel(
    pbx: Pbx, call: Call, dialplan: Dialplan, context: str, exten: str, priority: int = 1
) -> None:
    """Run the channel's dialplan from ``context,exten``; whatever happens, end the channel."""
    apps = Apps(pbx, call)
    ch = call.channel
    try:
        while True:
            handler = dialplan.find(context, exten)
            if handler is None:
                call.cause = 0  # "sent to invalid extension but no invalid handler" (capture d2)
                break
            ch.context, ch.exten, ch.priority = context, exten, priority
            try:
                await handler(apps, ch)
                break
            except Goto as goto:
                context, exten, priority = goto.context, goto.exten, goto.priority
            except HangupNow:
                break
            except asyncio.CancelledError:
                if call.redirect_to is None:
                    raise
                context, exten, priority = call.redirect_to
                call.redirect_to = None
                task = asyncio.current_task()
                if task is not None:
                    task.uncancel()
    except asyncio.CancelledError:
        pass
    finally:
        end_channel(pbx, call, dialplan)


def end_channel(pbx: Pbx, call: Call, dialplan: Dialplan | None) -> None:
    """The end of a channel that ran dialplan: SoftHangupRequest, h, Cdr, Hangup, cleanup."""
    ch = call.channel
    if ch.hungup:
        return
    if call.conference is not None:
        call.conference.leave(ch, "HANGUP")
        call.conference = None
    bridged_by_ami = call.left_ami_bridge  # n7b: the customer hung up in an AMI Bridge: no Cdr
    if not bridged_by_ami:
        pbx.emit(ev.soft_hangup_request(ch, 16))  # also after AGI HANGUP's own Cause 32 (capture c1)
    main_cdr = _cdr(pbx, ch)
    h_cdr = None
    h_text = dialplan.hangup_text(ch.context) if dialplan is not None else None
    if h_text is not None:
        ch.exten, ch.priority = "h", 1
        h_start = pbx.now()
        pbx.app(ch, "NoOp", h_text(ch, call.cause))
        ch.priority += 1
        if not call.far_hangup:
            pbx.app(ch, "AppDial2", "(Outgoing Line)")  # as captured (n2a, n4) when Asterisk ended it
        h_cdr = ev.CdrRecord(
            ch, "h", ch.context, "NoOp", h_text(ch, call.cause), h_start, h_start, pbx.now(), "ANSWERED"
        )
    for record in call.extra_cdrs:
        pbx.emit(record.event())
    if not bridged_by_ami:
        pbx.emit(main_cdr.event())
    pbx.emit(ev.hangup(ch, call.cause))
    if h_cdr is not None:
        pbx.emit(h_cdr.event())
    finish(pbx, call)


def _cdr(pbx: Pbx, ch: Channel) -> ev.CdrRecord:
    disposition = "ANSWERED" if ch.answered is not None else "NO ANSWER"
    return ev.CdrRecord(
        ch, ch.exten, ch.context, ch.application, ch.app_data, ch.created, ch.answered, pbx.now(), disposition
    )
