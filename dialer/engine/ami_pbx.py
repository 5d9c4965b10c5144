"""The PBX port over AMI: one ``ami.client.AmiClient`` per Asterisk server, wired here to the call
tracker that follows the calls placed through it (``ami.tracked.TrackedCalls``).

The one module of the engine that touches ``ami.client``. Customer calls go out as
``PJSIP/<number>@<trunk>`` into ``dialer-customer`` with the call id, campaign and contact as channel
variables; an operator's login leg as ``PJSIP/<endpoint>`` into ``dialer-operator-login``, on the
server that holds the operators (the first one); a supervisor's spy leg as ``PJSIP/<endpoint>``
into ``dialer-supervisor`` (exten ``listen``, ``whisper`` or ``barge``, ``SPYTARGET`` the operator's
channel) on the server of the call spied on. Every tracker reports to the engine's listener (a spy
leg's facts to the spy listener); the channel names it reports are kept here so the engine can hang
up by call id.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from agi import variables
from ami.client import AmiClient
from ami.endpoints import EndpointTracker
from ami.errors import ActionFailed, ActionTimeout, ConnectionLost, NotConnected
from ami.facts import CallCreated, CallFailed, CallHungUp, Fact, FactListener, OperatorLoggedOut, SpyStopped
from ami.settings import AmiSettings
from ami.tracked import TrackedCalls
from ami.tracker import CallTracker
from dialer.engine.clock import EngineClock
from dialer.engine.ports import CustomerCall, PbxUnavailable

log = logging.getLogger(__name__)

CUSTOMER_CONTEXT = "dialer-customer"
AGI_URL_VARIABLE = "DIALER_AGI"  # the dialplan's FastAGI address; a channel variable wins over the global
LOGIN_CONTEXT = "dialer-operator-login"
AMD_VARIABLE = "DIALER_AMD"  # "no": the dialplan asks FastAGI without running AMD() first
SPY_CONTEXT = "dialer-supervisor"
SPY_TARGET_VARIABLE = "SPYTARGET"
SPY_RING_S = 20.0  # how long the supervisor's softphone rings


@dataclass(frozen=True, slots=True)
class AmiServer:
    name: str
    settings: AmiSettings


@dataclass(frozen=True, slots=True)
class TrunkRoute:
    name: str
    server: str
    strip_plus: bool = True
    prefix: str = ""

    def dial_string(self, number: str) -> str:
        digits = number[1:] if self.strip_plus and number.startswith("+") else number
        return f"PJSIP/{self.prefix}{digits}@{self.name}"


class _CallBook:
    """Passes facts on, remembering each live call's channel name and server (for Hangup); a call's
    entry goes when it ends."""

    def __init__(self, listener: FactListener) -> None:
        self.listener = listener
        self.spy_listener: FactListener | None = None
        self.spies: set[str] = set()  # live spy legs' call ids
        self.names: dict[str, str] = {}
        self.servers: dict[str, str] = {}

    def on_fact(self, fact: Fact) -> None:
        call_id: str | None = getattr(fact, "call_id", None)
        if isinstance(fact, CallCreated) and fact.channel:
            self.names[fact.call_id] = fact.channel
        spy = call_id in self.spies
        if spy and self.spy_listener is not None:
            self.spy_listener.on_fact(fact)
        elif not spy:
            self.listener.on_fact(fact)
        if isinstance(fact, CallFailed | CallHungUp | OperatorLoggedOut | SpyStopped) and call_id:
            self.names.pop(call_id, None)
            self.servers.pop(call_id, None)
            self.spies.discard(call_id)


class AmiPbx:
    def __init__(
        self, servers: list[AmiServer], trunks: list[TrunkRoute], listener: FactListener, clock: EngineClock
    ) -> None:
        if not servers:
            raise ValueError("at least one AMI server is needed")
        self._book = _CallBook(listener)
        self.clients: dict[str, AmiClient] = {}
        self.calls: dict[str, TrackedCalls] = {}
        for index, server in enumerate(servers):
            endpoints = EndpointTracker(self._book, clock=clock.now)
            first = index == 0  # the operators' softphones are there: listed again at every connect
            client = AmiClient(server.settings, endpoints=endpoints if first else None)
            self.calls[server.name] = TrackedCalls(client, CallTracker(self._book, clock=clock.now))
            if not first:
                client.add_event_listener(endpoints.feed)
            self.clients[server.name] = client
        self.operators_server = servers[0].name
        self.trunks = {t.name: t for t in trunks}
        self.agi_url: str | None = None  # set: every customer call asks this FastAGI server

    async def start(self) -> None:
        for client in self.clients.values():
            await client.start()

    async def wait_ready(self, within: float | None = None) -> None:
        for client in self.clients.values():
            await client.wait_ready(within)

    async def stop(self) -> None:
        for client in self.clients.values():
            await client.stop()

    @property
    def ready(self) -> bool:
        return any(c.ready for c in self.clients.values())

    def server_ready(self, server: str) -> bool:
        client = self.clients.get(server)
        return client is not None and client.ready

    def server_of(self, trunk: str) -> str:
        return self.trunks[trunk].server

    async def originate(self, call: CustomerCall) -> None:
        trunk = self.trunks[call.trunk]
        client = self.calls[trunk.server]
        self._book.servers[call.call_uid] = trunk.server
        channel_vars = {
            variables.CAMPAIGN_ID: str(call.campaign_id),
            variables.LEAD_ID: str(call.contact_id),
            variables.RECORD: call.recording.value,
            variables.RECORD_LEGS: "yes" if call.recording_legs else "no",
        }
        if self.agi_url:
            channel_vars[AGI_URL_VARIABLE] = self.agi_url
        if not call.amd:
            channel_vars[AMD_VARIABLE] = "no"
        try:
            await client.originate(
                call.call_uid,
                trunk.dial_string(call.number),
                context=CUSTOMER_CONTEXT,
                variables=channel_vars,
                caller_id=call.caller_id,
                ring_timeout_s=call.ring_timeout_s,
            )
        except (NotConnected, ActionFailed) as exc:  # the tracker has reported the call failed
            raise PbxUnavailable(str(exc)) from exc
        except (ConnectionLost, ActionTimeout) as exc:  # placed or not: the next resync settles it
            log.warning("originate of call %s unanswered (%s); the resync will settle it", call.call_uid, exc)

    async def login_operator(self, session_id: str, endpoint: str) -> None:
        client = self.calls[self.operators_server]
        self._book.servers[session_id] = self.operators_server
        try:
            await client.originate(
                session_id, f"PJSIP/{endpoint}", context=LOGIN_CONTEXT, exten=endpoint, operator=endpoint
            )
        except (NotConnected, ActionFailed) as exc:
            raise PbxUnavailable(str(exc)) from exc
        except (ConnectionLost, ActionTimeout) as exc:
            log.warning("login leg %s unanswered (%s); the resync will settle it", session_id, exc)

    @property
    def spy_listener(self) -> FactListener | None:
        return self._book.spy_listener

    @spy_listener.setter
    def spy_listener(self, listener: FactListener | None) -> None:
        self._book.spy_listener = listener

    def spy_target(self, call_uid: str) -> str | None:
        """ChanSpy's target for the operator the live call is put through to (None: not put through)."""
        calls = self.calls.get(self._book.servers.get(call_uid, self.operators_server))
        return calls.tracker.spy_target(call_uid) if calls is not None else None

    async def spy(self, session_id: str, endpoint: str, mode: str, target: str, call_uid: str) -> None:
        """Ring the supervisor's ``endpoint`` into ChanSpy (``mode``) on the operator's channel
        ``target``, on the server of ``call_uid``; ``PbxUnavailable`` if refused."""
        server = self._book.servers.get(call_uid, self.operators_server)
        client = self.calls[server]
        self._book.servers[session_id] = server
        self._book.spies.add(session_id)
        try:
            await client.originate(
                session_id,
                f"PJSIP/{endpoint}",
                context=SPY_CONTEXT,
                exten=mode,
                variables={SPY_TARGET_VARIABLE: target},
                caller_id=f'"Spy {mode}" <{endpoint}>',
                ring_timeout_s=SPY_RING_S,
                operator=endpoint,  # followed as an endpoint's leg: ChanSpy makes it a supervisor's
            )
        except (NotConnected, ActionFailed) as exc:
            raise PbxUnavailable(str(exc)) from exc
        except (ConnectionLost, ActionTimeout) as exc:
            log.warning("spy leg %s unanswered (%s); its events will tell", session_id, exc)

    async def hangup(self, call_id: str) -> None:
        channel = self._book.names.get(call_id)
        server = self._book.servers.get(call_id, self.operators_server)
        if channel is None:
            return
        try:
            await self.calls[server].hangup(channel, call_id=call_id)
        except (NotConnected, ActionFailed, ActionTimeout, ConnectionLost) as exc:
            log.info("hangup of %s (%s): %s", call_id, channel, exc)

    def follow(self, call_uid: str, server: str) -> None:
        calls = self.calls.get(server) or self.calls[self.operators_server]
        self._book.servers[call_uid] = server
        calls.tracker.track_call(call_uid)

    async def adopt(self, calls: Mapping[str, str]) -> None:
        by_server: dict[str, list[str]] = {}
        for call_uid, server in calls.items():
            server = server if server in self.calls else self.operators_server
            self._book.servers[call_uid] = server
            by_server.setdefault(server, []).append(call_uid)
        for server, uids in by_server.items():
            try:
                gone = await self.calls[server].adopt(uids)
            except (NotConnected, ActionFailed, ActionTimeout, ConnectionLost) as exc:
                log.warning("calls %s on %s followed; not listed yet (%s)", ", ".join(uids), server, exc)
                continue
            if gone:
                log.warning("calls %s on %s ended while no engine watched", ", ".join(gone), server)

    def follow_operator(self, session_id: str, endpoint: str) -> None:
        self._book.servers[session_id] = self.operators_server
        self.calls[self.operators_server].tracker.track_operator(session_id, endpoint)
