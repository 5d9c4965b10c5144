"""The simulated Asterisk's core: live channels, their calls and the event stream.

Everything that happens is emitted as an AMI event through ``emit``; the AMI server (or a test)
subscribes with ``add_listener``. Events of one burst are emitted synchronously, so their order is
fixed by the code that produces them, never by the event loop.

The core knows no feature: endpoints, queues, conferences, bridges and AGI are built on it
(``pbxsim.pbx`` puts them together), and the call flows (``flow``, ``queue``, ``dialplan``) on that.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pbxsim import events as ev
from pbxsim.channel import UP, Channel, ChannelRegistry, Pairs
from pbxsim.clock import Clock
from pbxsim.dtmf import Keypad
from pbxsim.record import CelRecord
from pbxsim.recorder import Recording
from pbxsim.scenario import CustomerScript, Scenario

log = logging.getLogger(__name__)

Listener = Callable[[Pairs], None]


class ConferenceSeat(Protocol):
    """The ConfBridge conference a call sits in (``pbxsim.conference.Conference``)."""

    def leave(
        self, channel: Channel, result: str = "HANGUP", between: Callable[[], None] | None = None
    ) -> None: ...


class BridgeSeat(Protocol):
    """The AMI Bridge a call was pulled into (``pbxsim.bridge.BasicBridge``)."""

    ended: asyncio.Event

    def hang_up(self, leaving: Call) -> None: ...


@dataclass
class PbxConfig:
    """Where the simulated Asterisk reaches the world, and its dialplan's globals."""

    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    recordings_dir: Path = Path("recordings/sim")
    recording_tone_hz: float | None = 440.0
    queues: dict[str, list[str]] = field(default_factory=lambda: {"sales": []})
    missing_sounds: frozenset[str] = frozenset()  # STREAM FILE of these fails (endpos=0)
    # PJSIP endpoints of the carrier (customers are PJSIP/<number>@<trunk>); a server of several
    # has one name per trunk. Its channels are named PJSIP/trunk-... whichever it is.
    trunks: frozenset[str] = frozenset({"trunk"})

    @property
    def agi_url(self) -> str:
        return f"agi://{self.agi_host}:{self.agi_port}"


class Redirected(Exception):
    """Raised into a channel's dialplan when AMI Redirect sends it elsewhere."""


@dataclass
class Call:
    """The running life of one channel: its dialplan task and how it is to end."""

    channel: Channel
    task: asyncio.Task[None] | None = None
    cause: int = 16
    far_hangup: bool = False  # the far end sent BYE
    redirect_to: tuple[str, str, int] | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    kicked: asyncio.Event = field(default_factory=asyncio.Event)  # removed from its ConfBridge
    bridge_request: asyncio.Event = field(default_factory=asyncio.Event)  # AMI Bridge pulled it out
    ami_bridge: BridgeSeat | None = None
    left_ami_bridge: bool = False  # it hung up while in an AMI Bridge
    skip_newexten: bool = False  # the next priority's Newexten was already shown (redirect quirk)
    cause_unset: bool = False  # hung up by AMI without a Cause
    announced: bool = False  # an operator leg whose AppQueue Newexten was already emitted
    extra_cdrs: list[ev.CdrRecord] = field(default_factory=list)  # e.g. one per operator rung (a4)
    recording: Recording | None = None
    conference: ConferenceSeat | None = None
    agi_hungup: bool = False
    script: CustomerScript | None = None  # the far end's behaviour, for customer channels
    keypad: Keypad = field(default_factory=Keypad)  # the keys the far end will type (survey)
    in_use: bool = False  # counted as busy on its operator endpoint
    side_task: asyncio.Task[None] | None = None  # the far end's own behaviour
    bye_cause: int | None = None  # the Cause a far-end BYE shows in HangupRequest (None: no Cause)
    after_hangup: list[Callable[[], None]] = field(default_factory=list)  # run after its Hangup
    done: asyncio.Event = field(default_factory=asyncio.Event)
    hangup_source: str = ""  # as Asterisk's record names who ended it (pbxsim.record)


class PbxCore:
    """State shared by the features, the AMI actions, the dialplan and the call flows."""

    def __init__(self, clock: Clock, scenario: Scenario, config: PbxConfig) -> None:
        self.clock = clock
        self.scenario = scenario
        self.config = config
        self.channels = ChannelRegistry()
        self.calls: dict[str, Call] = {}
        self.booted_at = clock.time()
        self._listeners: list[Listener] = []
        self.muted = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.record: CelRecord | None = None  # Asterisk's own record (CEL), when the sim keeps one

    # -- the event stream -------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, pairs: Pairs) -> None:
        if self.muted:
            return
        for listener in list(self._listeners):
            listener(pairs)

    def now(self) -> float:
        return self.clock.time()

    def spawn(self, coro: Coroutine[Any, Any, None], name: str = "") -> asyncio.Task[None]:
        """Run a background flow, kept referenced, its failure logged rather than lost."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def _done(t: asyncio.Task[None]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("pbxsim flow %s failed", name, exc_info=t.exception())

        task.add_done_callback(_done)
        return task

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- channel helpers --------------------------------------------------------------------------
    def new_channel(
        self,
        endpoint: str,
        context: str,
        channel_id: str | None = None,
        linkedid: str | None = None,
        exten: str = "s",
    ) -> Call:
        channel = self.channels.new(endpoint, context, self.now(), channel_id, linkedid)
        channel.exten = exten
        call = Call(channel)
        self.calls[channel.name] = call
        self.emit(ev.channel_event("Newchannel", channel))
        return call

    def set_state(self, channel: Channel, state: int) -> None:
        channel.state = state
        if state == UP and channel.answered is None:
            channel.answered = self.now()
        self.emit(ev.channel_event("Newstate", channel))

    def set_var(self, channel: Channel, name: str, value: str) -> None:
        channel.variables.pop(name, None)  # newest last: AllVariables lists them newest first
        channel.variables[name] = value
        self.emit(ev.varset(channel, name, value))

    def app(self, channel: Channel, application: str, data: str) -> None:
        """Enter one dialplan priority: the Newexten event."""
        channel.application, channel.app_data = application, data
        call = self.calls.get(channel.name)
        if call is not None and call.skip_newexten:
            call.skip_newexten = False
            return
        self.emit(ev.newexten(channel, application, data))

    def call_of(self, name: str) -> Call | None:
        return self.calls.get(name)

    def call_named_like(self, prefix: str, *, besides: str = "") -> Call | None:
        """The first live channel whose name begins with ``prefix`` (ChanSpy's channel prefix),
        other than ``besides``."""
        return next(
            (c for name, c in self.calls.items() if name.startswith(prefix) and name != besides), None
        )

    def hangup_source(self, name: str) -> tuple[str, str]:
        """Who ended the channel and its DIALSTATUS, as Asterisk's record shows them."""
        call = self.calls.get(name)
        if call is None:
            return "", ""
        return call.hangup_source, call.channel.variables.get("DIALSTATUS", "")

    def forget(self, call: Call) -> None:
        call.channel.hungup = True
        if call.side_task is not None and call.side_task is not asyncio.current_task():
            call.side_task.cancel()
        self.channels.remove(call.channel)
        self.calls.pop(call.channel.name, None)
        call.done.set()

    def far_hangup(self, call: Call) -> None:
        """The far end sent BYE: HangupRequest (no cause, as captured), then the dialplan unwinds."""
        if call.channel.hungup:
            return
        self.emit(ev.hangup_request(call.channel, call.bye_cause))
        call.far_hangup, call.cause = True, 16
        call.hangup_source = call.hangup_source or call.channel.name
        if call.task is not None:
            call.task.cancel()

    def hangup(self, call: Call, cause: int | None = 16) -> None:
        """Asterisk itself ends the channel (AMI Hangup, the operator's side, a restart).
        ``cause=None``: AMI Hangup without a Cause header (the channel keeps its own, see ChanSpy)."""
        if call.channel.hungup:
            return
        if cause is not None:
            call.cause = cause
        else:
            call.cause_unset = True
        if call.task is not None:
            call.task.cancel()

    def recording_path(self, name: str) -> Path:
        path = Path(name)
        return path if path.is_absolute() else self.config.recordings_dir / path
