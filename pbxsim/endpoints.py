"""Operators' PJSIP endpoints: registration, qualify, device state and hints, as in capture n3.

Which endpoints exist: the scenario's operators, or, once ``provision_from`` names the product's
generated PJSIP file (as ``dialer pbxsim`` and the demo do), exactly that file's endpoints, read
again at every AMI reload of res_pjsip as Asterisk does. An endpoint not in the file cannot
register (``InvalidAccountID``) nor be dialled; one removed from it loses its contact at the reload.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.channel import Pairs
from pbxsim.clock import event_tv
from pbxsim.pjsip_file import read_endpoints
from pbxsim.queue_members import Queues
from pbxsim.scenario import OperatorScript, Scenario

if TYPE_CHECKING:
    from pbxsim.core import PbxCore

HINT_CONTEXT = "from-operators"
EXTENSION_TEXT = {0: "Idle", 1: "InUse", 4: "Unavailable"}
# app_queue member Status values: 1 not in use, 2 in use, 4 invalid, 5 unavailable.


@dataclass
class Endpoint:
    """One operator endpoint and its single contact (max_contacts = 1)."""

    name: str
    script: OperatorScript
    registered: bool = False
    contact_status: str = ""  # "", Reachable, Unreachable, NonQualified
    port: int = 5061
    in_use: int = 0  # live channels on it
    ringing: bool = False  # a queue is ringing it (app_queue member Status 6)

    @property
    def uri(self) -> str:
        return f"sip:{self.name}@127.0.0.1:{self.port};ob"

    @property
    def device_state(self) -> str:
        if not self.registered or self.contact_status == "Unreachable":
            return "UNAVAILABLE"
        return "INUSE" if self.in_use else "NOT_INUSE"

    @property
    def extension_status(self) -> int:
        state = self.device_state
        return 4 if state == "UNAVAILABLE" else 1 if state == "INUSE" else 0

    @property
    def queue_status(self) -> int:
        if self.ringing:
            return 6
        return {"UNAVAILABLE": 5, "INUSE": 2}.get(self.device_state, 1)


class Endpoints:
    """The operator endpoints the scenario declares (``trunk`` is implicit and always up)."""

    def __init__(self, pbx: PbxCore, scenario: Scenario, queues: Queues) -> None:
        self.pbx = pbx
        self.queues = queues
        self.by_name: dict[str, Endpoint] = {}
        self.pjsip_file: Path | None = None  # set: the endpoints are exactly this file's
        self.passwords: dict[str, str | None] = {}  # the file's auth passwords, by endpoint
        self._next_port = 5061
        for name, script in scenario.operators.items():
            endpoint = Endpoint(name, script, port=self._port())
            if script.registered:
                endpoint.registered, endpoint.contact_status = True, "Reachable"
            self.by_name[name] = endpoint

    def _port(self) -> int:
        self._next_port += 1
        return self._next_port - 1

    def get(self, name: str) -> Endpoint | None:
        return self.by_name.get(name)

    def ensure(self, name: str) -> Endpoint:
        endpoint = self.by_name.get(name)
        if endpoint is None:
            endpoint = Endpoint(name, OperatorScript(endpoint=name, registered=False), port=self._port())
            self.by_name[name] = endpoint
        return endpoint

    def _known(self, name: str) -> Endpoint | None:
        """The endpoint a softphone acts on: any name without a file (made on first use), else only
        the file's."""
        return self.by_name.get(name) if self.pjsip_file is not None else self.ensure(name)

    # -- provisioning from the product's file -----------------------------------------------------
    def provision_from(self, path: Path) -> None:
        """From now on the endpoints are exactly those of ``path`` (read now, before any client is
        connected, so quietly: registered ones per their script are simply registered)."""
        self.pjsip_file = path
        self.by_name.clear()
        self._apply(read_endpoints(path), announce=False)

    def reload(self, *, quietly: bool = False) -> tuple[list[str], list[str]]:
        """res_pjsip reloaded: read the file again. The endpoints added and removed. ``quietly``: as
        Asterisk starting does (nobody connected hears it; the boot events say the rest)."""
        if self.pjsip_file is None:
            return [], []
        return self._apply(read_endpoints(self.pjsip_file), announce=not quietly)

    def _apply(self, wanted: dict[str, str | None], *, announce: bool) -> tuple[list[str], list[str]]:
        removed = [name for name in self.by_name if name not in wanted]
        for name in removed:
            endpoint = self.by_name.pop(name)
            if announce and endpoint.contact_status:
                self._withdraw(endpoint)
        self.passwords = dict(wanted)
        added = [name for name in sorted(wanted) if name not in self.by_name]
        for name in added:
            script = self.pbx.scenario.operator(name) or OperatorScript(endpoint=name)
            endpoint = Endpoint(name, script, port=self._port())
            self.by_name[name] = endpoint
            for queue in script.queues:
                members = self.pbx.config.queues.setdefault(queue, [])
                if name not in members:
                    members.append(name)
                self.queues.add_static(queue, name)
            if script.registered:  # the simulated softphone registers as soon as it may
                if announce:
                    self.register(name)
                else:
                    endpoint.registered, endpoint.contact_status = True, "Reachable"
        return added, removed

    def _withdraw(self, endpoint: Endpoint) -> None:
        """An endpoint removed at a reload: its contact goes, its device is unavailable."""
        emit = self.pbx.emit
        endpoint.registered, endpoint.contact_status = False, ""
        emit(self.peer_status(endpoint, "Unreachable"))
        emit(self.extension_status(endpoint))
        self._device_changed(endpoint)
        emit(self.contact_status(endpoint, "Removed"))

    # -- event builders ---------------------------------------------------------------------------
    def _security(self, name: str, endpoint: Endpoint, *extra: tuple[str, str]) -> Pairs:
        return [
            ("Event", name),
            ("Privilege", "security,all"),
            ("EventTV", event_tv(self.pbx.now())),
            ("Severity", "Informational"),
            ("Service", "PJSIP"),
            ("EventVersion", "1"),
            ("AccountID", endpoint.name),
            ("SessionID", str(uuid.uuid4())),
            ("LocalAddress", "IPV4/UDP/127.0.0.1/5060"),
            ("RemoteAddress", f"IPV4/UDP/127.0.0.1/{endpoint.port}"),
            *extra,
        ]

    def contact_status(self, endpoint: Endpoint, status: str, rtt: str = "0") -> Pairs:
        return [
            ("Event", "ContactStatus"),
            ("Privilege", "system,all"),
            ("URI", endpoint.uri),
            ("ContactStatus", status),
            ("AOR", endpoint.name),
            ("EndpointName", endpoint.name),
            ("RoundtripUsec", rtt),
        ]

    def peer_status(self, endpoint: Endpoint, status: str) -> Pairs:
        return [
            ("Event", "PeerStatus"),
            ("Privilege", "system,all"),
            ("ChannelType", "PJSIP"),
            ("Peer", f"PJSIP/{endpoint.name}"),
            ("PeerStatus", status),
        ]

    def extension_status(self, endpoint: Endpoint) -> Pairs:
        status = endpoint.extension_status
        return [
            ("Event", "ExtensionStatus"),
            ("Privilege", "call,all"),
            ("Exten", endpoint.name),
            ("Context", HINT_CONTEXT),
            ("Hint", f"PJSIP/{endpoint.name}"),
            ("Status", str(status)),
            ("StatusText", EXTENSION_TEXT[status]),
        ]

    def queue_member_status(self, endpoint: Endpoint) -> list[Pairs]:
        out = []
        for queue, members in self.pbx.config.queues.items():
            if endpoint.name in members:
                out.append(
                    [
                        ("Event", "QueueMemberStatus"),
                        ("Privilege", "agent,all"),
                        ("Queue", queue),
                        ("MemberName", f"Operator {endpoint.name}"),
                        ("Interface", f"PJSIP/{endpoint.name}"),
                        ("StateInterface", f"PJSIP/{endpoint.name}"),
                        ("Membership", "static"),
                        ("Penalty", "0"),
                        ("CallsTaken", "0"),
                        ("LastCall", "0"),
                        ("LastPause", "0"),
                        ("LoginTime", str(int(self.pbx.booted_at))),
                        ("InCall", "0"),
                        ("Status", str(endpoint.queue_status)),
                        ("Paused", "0"),
                        ("PausedReason", ""),
                        ("Ringinuse", "0"),
                        ("Wrapuptime", "0"),
                    ]
                )
        return out

    def _device_changed(self, endpoint: Endpoint) -> None:
        self.pbx.emit(ev.device_state(f"PJSIP/{endpoint.name}", endpoint.device_state))

    # -- what softphones do -----------------------------------------------------------------------
    def register(self, name: str, password: str | None = None) -> bool:
        """A softphone REGISTERs (n3 order: challenge, auth, NonQualified, Reachable...). With a
        provisioning file, an endpoint not in it is refused (``InvalidAccountID``), and so is a
        ``password`` that is not its auth's (``InvalidPassword``). Whether it is registered."""
        endpoint = self._known(name)
        emit = self.pbx.emit
        if endpoint is None:
            emit(self._security("InvalidAccountID", Endpoint(name, OperatorScript(endpoint=name))))
            return False
        if password is not None and self.pjsip_file is not None and password != self.passwords.get(name):
            emit(self._security("ChallengeSent", endpoint, ("Challenge", "")))
            emit(self._security("InvalidPassword", endpoint, ("Challenge", ""), ("ReceivedChallenge", "")))
            return False
        emit(self._security("ChallengeSent", endpoint, ("Challenge", "")))
        emit(self._security("SuccessfulAuth", endpoint, ("UsingPassword", "1")))
        if endpoint.registered and endpoint.contact_status == "Reachable":
            return True  # a refresh changes nothing
        endpoint.registered, endpoint.contact_status = True, "Reachable"
        emit(self.contact_status(endpoint, "NonQualified"))
        emit(self.peer_status(endpoint, "Reachable"))
        self._device_changed(endpoint)
        for event in self.queue_member_status(endpoint):
            emit(event)
        emit(self.extension_status(endpoint))
        emit(self.contact_status(endpoint, "Reachable", "1197"))
        return True

    def unregister(self, name: str) -> None:
        """A softphone sends REGISTER Expires: 0: unreachable at once, contact removed."""
        endpoint = self._known(name)
        if endpoint is None:
            return
        emit = self.pbx.emit
        emit(self._security("ChallengeSent", endpoint, ("Challenge", "")))
        emit(self._security("SuccessfulAuth", endpoint, ("UsingPassword", "1")))
        endpoint.registered, endpoint.contact_status = False, ""
        emit(self.peer_status(endpoint, "Unreachable"))
        emit(self.extension_status(endpoint))
        self._device_changed(endpoint)
        emit(self.contact_status(endpoint, "Removed"))
        for event in self.queue_member_status(endpoint):
            emit(event)

    def lose(self, name: str) -> None:
        """The softphone died without unregistering: the next qualify fails (n3 kill -9)."""
        endpoint = self._known(name)
        if endpoint is None:
            return
        emit = self.pbx.emit
        endpoint.contact_status = "Unreachable"
        emit(self.extension_status(endpoint))
        emit(self.peer_status(endpoint, "Unreachable"))
        emit(self.contact_status(endpoint, "Unreachable", "N/A"))
        self._device_changed(endpoint)
        for event in self.queue_member_status(endpoint):
            emit(event)

    def expire(self, name: str) -> None:
        """The dead contact's registration expires: ContactStatus Removed and nothing else."""
        endpoint = self._known(name)
        if endpoint is None:
            return
        endpoint.registered, endpoint.contact_status = False, ""
        self.pbx.emit(self.contact_status(endpoint, "Removed"))

    def set_ringing(self, name: str, ringing: bool, quiet: bool = False) -> None:
        """A queue starts or stops ringing the member: QueueMemberStatus 6, then back (a4)."""
        endpoint = self.by_name.get(name)
        if endpoint is None or endpoint.ringing == ringing:
            return
        endpoint.ringing = ringing
        if not quiet:
            for event in self.queue_member_status(endpoint):
                self.pbx.emit(event)

    def channel_up(self, name: str) -> None:
        endpoint = self.by_name.get(name)
        if endpoint is None:
            return
        endpoint.in_use += 1
        if endpoint.in_use == 1:
            self.pbx.emit(self.extension_status(endpoint))
            self._device_changed(endpoint)
            for event in self.queue_member_status(endpoint):
                self.pbx.emit(event)

    def channel_down(self, name: str) -> None:
        endpoint = self.by_name.get(name)
        if endpoint is None or endpoint.in_use == 0:
            return
        endpoint.in_use -= 1
        if endpoint.in_use == 0:
            self.pbx.emit(self.extension_status(endpoint))
            self._device_changed(endpoint)
            for event in self.queue_member_status(endpoint):
                self.pbx.emit(event)
