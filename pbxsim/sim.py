"""``PbxSim``: the simulated Asterisk as one object to start, script and stop."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pbxsim.actions import Actions
from pbxsim.channel import Pairs
from pbxsim.clock import Clock, RealClock
from pbxsim.contexts import default_dialplan
from pbxsim.dialplan import Dialplan
from pbxsim.endpoints import Endpoint
from pbxsim.events import soft_hangup_request
from pbxsim.pbx import Pbx, PbxConfig
from pbxsim.record import CelRecord
from pbxsim.scenario import CustomerScript, OperatorScript, Scenario
from pbxsim.server import AmiServer

log = logging.getLogger(__name__)

DEFAULT_USERS = {"autodialer": "autodialer"}  # the user asterisk-conf/manager.conf declares


class PbxSim:
    """An AMI server and FastAGI caller that behave as the captured Asterisk 22 does.

    >>> sim = PbxSim(Scenario(), ami_port=0, agi_port=4573)
    >>> await sim.start(); port = sim.ami_port            # doctest: +SKIP
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        ami_port: int = 0,
        users: dict[str, str] | None = None,
        agi_host: str = "127.0.0.1",
        agi_port: int = 4573,
        recordings_dir: str | Path = "recordings/sim",
        recording_tone_hz: float | None = 440.0,
        queues: dict[str, list[str]] | None = None,
        auth_fail_delay: float = 1.0,
        dialplan: Dialplan | None = None,
        keep_events: bool = False,
        record_dir: str | Path | None = None,
        pjsip_file: str | Path | None = None,
    ) -> None:
        self.scenario = scenario or Scenario()
        self.clock = clock or RealClock()
        config = PbxConfig(
            agi_host=agi_host,
            agi_port=agi_port,
            # absolute, as Asterisk's are: the dialplan's ${DIALER_RECDIR}/<id>.wav is used as given
            recordings_dir=Path(recordings_dir).resolve(),
            recording_tone_hz=recording_tone_hz,
            queues=queues if queues is not None else _queues_of(self.scenario),
        )
        self.pbx = Pbx(self.clock, self.scenario, config)
        self.dialplan = dialplan or default_dialplan()
        self.actions = Actions(self.pbx, self.dialplan)
        self.server = AmiServer(
            self.pbx, users or dict(DEFAULT_USERS), self.actions.handlers(), host, ami_port, auth_fail_delay
        )
        if pjsip_file is not None:  # the product's generated endpoints (asterisk-conf/pjsip.conf)
            self.pbx.endpoints.provision_from(Path(pjsip_file))
        self.events: list[Pairs] = []
        if record_dir is not None:  # Asterisk's own record: <record_dir>/cel.csv (asterisk-conf/cel*.conf)
            record = CelRecord(
                Path(record_dir).resolve() / "cel.csv", self.clock.time, self.pbx.hangup_source
            )
            self.pbx.record = record
            self.pbx.add_listener(record.on_event)
        if keep_events:
            self.pbx.add_listener(self.events.append)

    # -- life -------------------------------------------------------------------------------------
    @property
    def ami_port(self) -> int:
        return self.server.port

    async def start(self) -> int:
        """Listen for AMI clients; returns the port (useful with ``ami_port=0``)."""
        return await self.server.start()

    async def stop(self) -> None:
        await self.server.stop()
        await self.pbx.cancel_all()

    async def __aenter__(self) -> PbxSim:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    # -- scripting --------------------------------------------------------------------------------
    def customer(self, number: str, **behaviour: Any) -> CustomerScript:
        """Script one number: ``sim.customer("5551001", outcome="busy", ring=1.5)``."""
        script = CustomerScript(**behaviour)
        self.scenario.customers[number] = script
        return script

    def operator(self, endpoint: str, **behaviour: Any) -> Endpoint:
        """Declare (or change) an operator endpoint; registered ones are reachable at once. With a
        provisioning file, only the operator's script is kept until the file has the endpoint (the
        Endpoint returned is then not the PBX's)."""
        script = OperatorScript(endpoint=endpoint, **behaviour)
        self.scenario.operators[endpoint] = script
        if self.pbx.endpoints.pjsip_file is not None and self.pbx.endpoints.get(endpoint) is None:
            return Endpoint(endpoint, script)
        ep = self.pbx.endpoints.ensure(endpoint)
        ep.script = script
        if script.registered and not ep.registered:
            ep.registered, ep.contact_status = True, "Reachable"
        for queue in script.queues:
            members = self.pbx.config.queues.setdefault(queue, [])
            if endpoint not in members:
                members.append(endpoint)
            self.pbx.queues.add_static(queue, endpoint)
        return ep

    # -- softphones -------------------------------------------------------------------------------
    def register(self, endpoint: str, password: str | None = None) -> bool:
        """The operator's softphone registers (with ``password``: checked against the provisioning
        file's). Whether it is registered now."""
        return self.pbx.endpoints.register(endpoint, password)

    def reload_endpoints(self) -> tuple[list[str], list[str]]:
        """As AMI ``Reload`` of res_pjsip does: read the provisioning file again (added, removed)."""
        return self.pbx.endpoints.reload()

    def unregister(self, endpoint: str) -> None:
        """The softphone unregisters (REGISTER with Expires: 0)."""
        self.pbx.endpoints.unregister(endpoint)

    async def kill_softphone(
        self, endpoint: str, qualify_after: float = 6.0, expire_after: float = 14.6
    ) -> None:
        """The softphone dies silently: unreachable when qualify fails, removed when it expires (n3)."""
        await self.clock.sleep(qualify_after)
        self.pbx.endpoints.lose(endpoint)
        await self.clock.sleep(expire_after)
        self.pbx.endpoints.expire(endpoint)

    # -- calls ------------------------------------------------------------------------------------
    def live_channels(self) -> list[str]:
        return list(self.pbx.channels.live)

    async def wait_idle(self) -> None:
        """Wait until no channel is live (wrap it in ``asyncio.timeout`` to bound it)."""
        while self.pbx.calls:
            await next(iter(self.pbx.calls.values())).done.wait()

    def hangup(self, channel: str, cause: int = 16) -> None:
        """Hang a channel up from the PBX side, as AMI Hangup would."""
        call = self.pbx.call_of(channel)
        if call is not None:
            self.pbx.hangup(call, cause)

    # -- restart ----------------------------------------------------------------------------------
    async def restart(self, downtime: float = 0.5, boot_time: float = 0.3, graceful: bool = True) -> None:
        """``core restart now`` (n4): live channels soft-hung-up (Cause 4) and ended, a Shutdown event
        with ``Restart: True``, EOF on every AMI connection, refused connections for ``downtime``, then
        logins accepted again with FullyBooted ``boot_time`` later. Channel numbering starts again at 0.

        ``graceful=False`` is a crash instead: the connections just drop, no event at all.
        """
        pbx = self.pbx
        if graceful:
            # Customers first, then operators, as captured; the conference announcer is shut down
            # before the operators leave (their ConfbridgeLeave counts no announcer).
            calls = sorted(pbx.calls.values(), key=lambda c: c.channel.endpoint != "trunk")
            for call in calls:
                pbx.emit(soft_hangup_request(call.channel, 4))
            for customers in (True, False):
                group = [c for c in calls if (c.channel.endpoint == "trunk") == customers]
                if not customers:
                    for conf in pbx.conferences.values():
                        conf.announcer = False
                for call in group:
                    pbx.hangup(call, 16)
                for call in group:
                    await call.done.wait()
            await self.clock.sleep(1.1)
            pbx.emit(
                [
                    ("Event", "Shutdown"),
                    ("Privilege", "system,all"),
                    ("Shutdown", "Cleanly"),
                    ("Restart", "True"),
                ]
            )
            await self.clock.sleep(0.02)
        else:
            pbx.muted = True  # a crash: the dying process says nothing more
        await self.server.stop()
        await pbx.cancel_all()
        pbx.muted = False
        pbx.calls.clear()
        pbx.conferences.clear()
        pbx.channels.reset()
        for endpoint in pbx.endpoints.by_name.values():
            endpoint.in_use = 0
        pbx.endpoints.reload(quietly=True)  # a starting Asterisk reads its configuration again
        await self.clock.sleep(downtime)
        self.server.fully_booted = False
        await self.server.start()
        await self.clock.sleep(boot_time)
        pbx.booted_at = pbx.now()  # FullyBooted says Uptime 0 (n4)
        self._boot_events()
        self.server.fully_booted = True
        booted = self.server.fully_booted_event()
        for session in list(self.server.sessions):
            if session.wants(booted):
                session.send(booted)

    def _boot_events(self) -> None:
        """What a client logged in before FullyBooted saw (n4 after restart)."""
        pbx = self.pbx
        pbx.emit(
            [
                ("Event", "PeerStatus"),
                ("Privilege", "system,all"),
                ("ChannelType", "PJSIP"),
                ("Peer", "PJSIP/trunk"),
                ("PeerStatus", "Reachable"),
            ]
        )
        endpoints = list(pbx.endpoints.by_name.values())
        for endpoint in endpoints:
            if endpoint.registered:
                pbx.emit(pbx.endpoints.contact_status(endpoint, "NonQualified"))
        for name, value in (("AGIURL", pbx.config.agi_url), ("RECDIR", str(pbx.config.recordings_dir))):
            pbx.emit(
                [
                    ("Event", "VarSet"),
                    ("Privilege", "dialplan,all"),
                    ("Channel", "none"),
                    ("Uniqueid", "none"),
                    ("Linkedid", ""),
                    ("Variable", name),
                    ("Value", value),
                ]
            )
        for endpoint in endpoints:
            pbx.emit(
                [
                    ("Event", "ExtensionStatus"),
                    ("Privilege", "call,all"),
                    ("Exten", endpoint.name),
                    ("Context", "from-operators"),
                    ("Hint", f"PJSIP/{endpoint.name}"),
                    ("Status", "4"),
                    ("StatusText", "Unavailable"),
                ]
            )


def _queues_of(scenario: Scenario) -> dict[str, list[str]]:
    """Static queue members from the operators' scripts (queue ``sales`` exists even if empty)."""
    queues: dict[str, list[str]] = {"sales": []}
    for name, script in scenario.operators.items():
        for queue in script.queues:
            queues.setdefault(queue, []).append(name)
    return queues
