"""The AMI actions the product sends, answered with the captured texts (capture d2 and others)."""

from __future__ import annotations

import asyncio
import re

from ami.wire import Message
from pbxsim import events as ev
from pbxsim.bridge import BasicBridge, can_bridge
from pbxsim.channel import Channel, Pairs
from pbxsim.dialplan import Dialplan, start_recording
from pbxsim.originate import OriginateRequest, Originator, parse_caller_id, parse_variables
from pbxsim.pbx import Pbx
from pbxsim.queue_members import Member
from pbxsim.server import ActionHandler, Session

_QUEUE_STATUS = {"UNAVAILABLE": 5, "INUSE": 2, "NOT_INUSE": 1}
# Modules ``Reload`` knows (asterisk-conf/modules.conf's that have a reload); only res_pjsip does anything.
RELOADABLE = frozenset(
    {"res_pjsip", "chan_pjsip", "app_queue", "app_confbridge", "pbx_config", "manager", "cel", "cdr"}
)


class Actions:
    """Action handlers bound to one simulated Asterisk."""

    def __init__(self, pbx: Pbx, dialplan: Dialplan) -> None:
        self.pbx = pbx
        self.dialplan = dialplan
        self.originator = Originator(pbx, dialplan)

    def handlers(self) -> dict[str, ActionHandler]:
        return {
            "Ping": self.ping,
            "Logoff": self.logoff,
            "Originate": self.originate,
            "Hangup": self.hangup,
            "Redirect": self.redirect,
            "Setvar": self.setvar,
            "Getvar": self.getvar,
            "CoreShowChannels": self.core_show_channels,
            "Status": self.status,
            "MixMonitor": self.mixmonitor,
            "StopMixMonitor": self.stop_mixmonitor,
            "Command": self.command,
            "Reload": self.reload,
            "UserEvent": self.user_event,
            "QueueAdd": self.queue_add,
            "QueueRemove": self.queue_remove,
            "QueuePause": self.queue_pause,
            "QueueStatus": self.queue_status,
            "PJSIPShowEndpoints": self.pjsip_show_endpoints,
            "PJSIPShowContacts": self.pjsip_show_contacts,
            "ConfbridgeList": self.confbridge_list,
            "ConfbridgeListRooms": self.confbridge_list_rooms,
            "ExtensionState": self.extension_state,
            "Bridge": self.bridge,
            "Events": self.events,
            "Filter": self.filter,
        }

    # -- helpers ----------------------------------------------------------------------------------
    @staticmethod
    def _list(
        session: Session,
        msg: Message,
        message: str,
        items: list[Pairs],
        complete: str,
        *extra: tuple[str, str],
        action_id_last: bool = False,
    ) -> None:
        """An EventList action: start response, items carrying the ActionID, *Complete with ListItems.
        Status, QueueStatus put the items' ActionID last, the others right after Event (captured)."""
        session.respond(msg, "Success", None, ("EventList", "start"), ("Message", message))
        aid = [("ActionID", msg.action_id)] if msg.action_id is not None else []
        for item in items:
            session.send(item + aid if action_id_last else [item[0], *aid, *item[1:]])
        session.send([("Event", complete), *aid, ("EventList", "Complete"), ("ListItems", str(len(items))),
                      *extra])  # fmt: skip

    def _channel(self, msg: Message) -> Channel | None:
        return self.pbx.channels.get(msg.get("Channel") or "")

    # -- actions ----------------------------------------------------------------------------------
    async def ping(self, session: Session, msg: Message) -> None:
        from pbxsim.clock import ping_timestamp

        session.respond(msg, "Success", None, ("Ping", "Pong"), ("Timestamp", ping_timestamp(self.pbx.now())))

    async def logoff(self, session: Session, msg: Message) -> None:
        session.respond(msg, "Goodbye", "Thanks for all the fish.")
        await session.writer.drain()
        session.close()

    async def events(self, session: Session, msg: Message) -> None:
        session.set_events(msg.get("EventMask") or "on")
        session.respond(msg, "Success", None, ("Events", "On" if session.events else "Off"))

    async def filter(self, session: Session, msg: Message) -> None:
        """``Action: Filter``, ``Operation: Add``: a regex on ``Key: Value`` lines; ``!`` excludes."""
        expression = msg.get("Filter") or ""
        keep = not expression.startswith("!")
        try:
            pattern = re.compile(expression.removeprefix("!"))
        except re.error:
            session.respond(msg, "Error", "Filter Not Added")
            return
        session.filters.append((keep, pattern))
        session.respond(msg, "Success", "Filter Added Successfully")

    async def originate(self, session: Session, msg: Message) -> None:
        channel = msg.get("Channel")
        if not channel:
            session.respond(msg, "Error", "Channel not specified")
            return
        if "/" not in channel:
            session.respond(msg, "Error", "Invalid channel")
            return
        num, name = parse_caller_id(msg.get("CallerID") or "")
        req = OriginateRequest(
            channel=channel,
            context=msg.get("Context") or "default",
            exten=msg.get("Exten") or "s",
            priority=int(msg.get("Priority") or 1),
            timeout=int(msg.get("Timeout") or 30000) / 1000,
            caller_num=num,
            caller_name=name,
            is_async=(msg.get("Async") or "false").lower() in ("true", "yes", "1", "on"),
            channel_id=msg.get("ChannelId") or None,
            variables=parse_variables(msg.get_all("Variable")),
            action_id=msg.action_id,
        )
        if req.is_async:
            session.respond(msg, "Success", "Originate successfully queued")
            self.pbx.spawn(self.originator.run(req), f"originate {channel}")
            return
        if not self.originator.can_dial(req):
            session.respond(msg, "Error", "Originate failed")
            return
        answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.pbx.spawn(self.originator.run(req, answered), f"originate {channel}")
        if await answered:
            session.respond(msg, "Success", "Originate successfully queued")
        else:
            session.respond(msg, "Error", "Originate failed")

    async def hangup(self, session: Session, msg: Message) -> None:
        channel = self._channel(msg)
        call = self.pbx.call_of(channel.name) if channel else None
        if call is None:
            session.respond(msg, "Error", "No such channel")
            return
        session.respond(msg, "Success", "Channel Hungup")
        cause = msg.get("Cause")
        self.pbx.hangup(call, int(cause) if cause else None)

    async def redirect(self, session: Session, msg: Message) -> None:
        name = msg.get("Channel") or ""
        call = self.pbx.call_of(name)
        if call is None:
            session.respond(msg, "Error", f"Channel does not exist: {name}")
            return
        session.respond(msg, "Success", "Redirect successful")
        call.redirect_to = (
            msg.get("Context") or call.channel.context,
            msg.get("Exten") or "s",
            int(msg.get("Priority") or 1),
        )
        # Events from here on show the new place (ConfbridgeLeave already does, capture n7b).
        ch = call.channel
        ch.context, ch.exten, ch.priority = call.redirect_to
        if call.task is not None:
            call.task.cancel()

    async def bridge(self, session: Session, msg: Message) -> None:
        """Join two waiting channels (n7b); a ConfBridge member cannot be taken (n7a)."""
        calls = []
        for key in ("Channel1", "Channel2"):
            name = msg.get(key) or ""
            call = self.pbx.call_of(name)
            if call is None:
                session.respond(msg, "Error", f"Channel does not exist: {name}")
                return
            if not can_bridge(call):
                session.respond(msg, "Error", f"Unable to add {key} to bridge: {name}")
                return
            calls.append(call)
        session.respond(msg, "Success", "Channels have been bridged")
        BasicBridge(self.pbx, calls[0], calls[1]).start()

    async def setvar(self, session: Session, msg: Message) -> None:
        channel = self._channel(msg)
        variable = msg.get("Variable") or ""
        if channel is None:
            if msg.get("Channel"):
                session.respond(msg, "Error", "No such channel")
                return
            session.respond(msg, "Success", "Variable Set")  # a global
            return
        self.pbx.set_var(channel, variable, msg.get("Value") or "")
        session.respond(msg, "Success", "Variable Set")

    async def getvar(self, session: Session, msg: Message) -> None:
        channel = self._channel(msg)
        variable = msg.get("Variable") or ""
        if channel is None and msg.get("Channel"):
            session.respond(msg, "Error", "No such channel")
            return
        value = channel.var(variable) if channel else ""
        session.respond(msg, "Success", None, ("Variable", variable), ("Value", value))

    async def core_show_channels(self, session: Session, msg: Message) -> None:
        now = self.pbx.now()
        items = []
        for ch in self.pbx.channels.live.values():
            seconds = int(now - ch.created)
            duration = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
            items.append(
                [
                    ("Event", "CoreShowChannel"),
                    *ch.snapshot(),
                    ("Application", ch.application),
                    ("ApplicationData", ch.app_data),
                    ("Duration", duration),
                    ("BridgeId", ch.bridge_id),
                ]
            )
        self._list(session, msg, "Channels will follow", items, "CoreShowChannelsComplete")

    async def status(self, session: Session, msg: Message) -> None:
        wanted = msg.get("Channel")
        names = [v.strip() for v in (msg.get("Variables") or "").split(",") if v.strip()]
        all_vars = (msg.get("AllVariables") or "").lower() == "true"
        now = self.pbx.now()
        items = []
        for ch in self.pbx.channels.live.values():
            if wanted and ch.name != wanted:
                continue
            variables = [v for v in reversed(ch.variables) if "(" not in v] if all_vars else names
            items.append(
                [
                    ("Event", "Status"),
                    ("Privilege", "Call"),
                    *ch.snapshot(),
                    ("Type", "PJSIP"),
                    ("DNID", ""),
                    ("EffectiveConnectedLineNum", ch.connected_num),
                    ("EffectiveConnectedLineName", ch.connected_name),
                    ("TimeToHangup", "0"),
                    ("BridgeID", ch.bridge_id),
                    ("Application", ch.application),
                    ("Data", ch.app_data),
                    ("Nativeformats", "(alaw)"),
                    ("Readformat", "alaw"),
                    ("Readtrans", ""),
                    ("Writeformat", "alaw"),
                    ("Writetrans", ""),
                    ("Callgroup", "0"),
                    ("Pickupgroup", "0"),
                    ("Seconds", str(int(now - ch.created))),
                    *(("Variable", f"{v}={ch.var(v)}") for v in variables),
                ]
            )
        if wanted and not items:
            session.respond(msg, "Error", "No such channel")
            return
        self._list(
            session,
            msg,
            "Channel status will follow",
            items,
            "StatusComplete",
            ("Items", str(len(items))),
            action_id_last=True,
        )

    async def mixmonitor(self, session: Session, msg: Message) -> None:
        channel = self._channel(msg)
        call = self.pbx.call_of(channel.name) if channel else None
        if call is None:
            session.respond(msg, "Error", "No such channel")
            return
        start_recording(
            self.pbx, call, msg.get("File") or f"{call.channel.uniqueid}.wav", msg.get("Options") or ""
        )
        session.respond(msg, "Success")

    async def stop_mixmonitor(self, session: Session, msg: Message) -> None:
        channel = self._channel(msg)
        call = self.pbx.call_of(channel.name) if channel else None
        if call is None:
            session.respond(msg, "Error", "No such channel")
            return
        if call.recording is None:
            session.respond(msg, "Error", "Could not stop monitoring channel")
            return
        call.recording.stop(self.pbx.now())
        call.recording = None
        self.pbx.emit(ev.channel_event("MixMonitorStop", call.channel))
        session.respond(msg, "Success")

    async def command(self, session: Session, msg: Message) -> None:
        text = (msg.get("Command") or "").strip()
        lines = [""]
        if text == "core show channels concise":
            lines = [
                "!".join(
                    [
                        c.name,
                        c.context,
                        c.exten,
                        str(c.priority),
                        c.state_desc,
                        c.application,
                        c.app_data,
                        c.caller_num,
                        "",
                        "",
                        "3",
                        str(int(self.pbx.now() - c.created)),
                        "(None)",
                        c.uniqueid,
                    ]
                )
                for c in self.pbx.channels.live.values()
            ] or [""]
        elif text.startswith("module reload "):
            module = text.removeprefix("module reload ").strip()
            if module.removesuffix(".so") == "res_pjsip":
                self.pbx.endpoints.reload()
            lines = [f"Module '{module}' reloaded successfully."]
        elif text == "pjsip reload":
            self.pbx.endpoints.reload()
            lines = ["Reloading configuration..."]
        elif text == "dialplan reload":
            lines = ["Dialplan reloaded."]
        session.respond(msg, "Success", "Command output follows", *(("Output", line) for line in lines))

    async def reload(self, session: Session, msg: Message) -> None:
        """``Reload`` (write class system): res_pjsip rereads its files, the operators' included;
        no Module reloads everything; a module the simulator does not have is not found."""
        module = (msg.get("Module") or "").strip()
        if module and module.removesuffix(".so") not in RELOADABLE:
            session.respond(msg, "Error", "No such module")
            return
        if not module or module.removesuffix(".so") == "res_pjsip":
            self.pbx.endpoints.reload()
        session.respond(msg, "Success", "Module Reloaded")

    async def user_event(self, session: Session, msg: Message) -> None:
        name = msg.get("UserEvent") or ""
        extra = [(k, v) for k, v in msg.pairs if k not in ("Action", "ActionID", "UserEvent")]
        self.pbx.emit([("Event", "UserEvent"), ("Privilege", "user,all"), ("UserEvent", name), *extra])
        session.respond(msg, "Success", "Event Sent")

    # -- queues -----------------------------------------------------------------------------------
    def _status_of(self, interface: str) -> int:
        endpoint = self.pbx.endpoints.get(interface.removeprefix("PJSIP/"))
        if endpoint is None:
            return 4
        return _QUEUE_STATUS.get(endpoint.device_state, 1)

    def _member_event(self, name: str, queue: str, member: Member) -> Pairs:
        return [
            ("Event", name),
            ("Privilege", "agent,all"),
            ("Queue", queue),
            *member.fields(
                self._status_of(member.interface), name_key="MemberName", location_key="Interface"
            ),
            ("Ringinuse", "0"),
            ("Wrapuptime", "0"),
        ]

    async def queue_add(self, session: Session, msg: Message) -> None:
        queue, interface = msg.get("Queue") or "", msg.get("Interface") or ""
        members = self.pbx.queues.members.get(queue)
        if members is None:
            session.respond(msg, "Error", "Unable to add interface to queue: No such queue")
            return
        if interface in members:
            session.respond(msg, "Error", "Unable to add interface: Already there")
            return
        member = Member(
            interface, msg.get("MemberName") or interface, True, int(msg.get("Penalty") or 0), self.pbx.now()
        )
        member.paused = (msg.get("Paused") or "false").lower() == "true"
        members[interface] = member
        session.respond(msg, "Success", "Added interface to queue")
        self.pbx.emit(self._member_event("QueueMemberAdded", queue, member))

    async def queue_remove(self, session: Session, msg: Message) -> None:
        queue, interface = msg.get("Queue") or "", msg.get("Interface") or ""
        member = self.pbx.queues.members.get(queue, {}).get(interface)
        if member is None:
            session.respond(msg, "Error", "Unable to remove interface: Not there")
            return
        if not member.dynamic:
            session.respond(msg, "Error", "Member not dynamic")
            return
        del self.pbx.queues.members[queue][interface]
        session.respond(msg, "Success", "Removed interface from queue")
        self.pbx.emit(self._member_event("QueueMemberRemoved", queue, member))

    async def queue_pause(self, session: Session, msg: Message) -> None:
        interface = msg.get("Interface") or ""
        paused = (msg.get("Paused") or "false").lower() in ("true", "yes", "1")
        queues = [msg["Queue"]] if msg.get("Queue") else list(self.pbx.queues.members)
        hits = [(q, self.pbx.queues.members.get(q, {}).get(interface)) for q in queues]
        found = [(q, m) for q, m in hits if m is not None]
        if not found:
            session.respond(msg, "Error", "Interface not found")
            return
        for queue, member in found:
            member.paused, member.reason = paused, (msg.get("Reason") or "") if paused else ""
            if paused:
                member.last_pause = int(self.pbx.now())
            self.pbx.emit(self._member_event("QueueMemberPause", queue, member))
        session.respond(msg, "Success", f"Interface {'paused' if paused else 'unpaused'} successfully")

    async def queue_status(self, session: Session, msg: Message) -> None:
        wanted = msg.get("Queue")
        items: list[Pairs] = []
        for queue, members in self.pbx.queues.members.items():
            if wanted and queue != wanted:
                continue
            items.append(
                [
                    ("Event", "QueueParams"),
                    ("Queue", queue),
                    ("Max", "0"),
                    ("Strategy", "rrmemory"),
                    ("Calls", "0"),
                    ("Holdtime", "0"),
                    ("TalkTime", "0"),
                    ("Completed", "0"),
                    ("Abandoned", "0"),
                    ("ServiceLevel", "0"),
                    ("ServicelevelPerf", "0.0"),
                    ("ServicelevelPerf2", "0.0"),
                    ("Weight", "0"),
                ]
            )
            for member in members.values():
                items.append(
                    [
                        ("Event", "QueueMember"),
                        ("Queue", queue),
                        *member.fields(self._status_of(member.interface)),
                        ("Wrapuptime", "0"),
                    ]
                )
        # QueueStatus items carry their ActionID last, as captured.
        session.respond(msg, "Success", None, ("EventList", "start"), ("Message", "Queue status will follow"))
        aid = [("ActionID", msg.action_id)] if msg.action_id is not None else []
        for item in items:
            session.send(item + aid)
        session.send(
            [
                ("Event", "QueueStatusComplete"),
                *aid,
                ("EventList", "Complete"),
                ("ListItems", str(len(items))),
            ]
        )

    # -- PJSIP, hints, conferences ----------------------------------------------------------------
    async def pjsip_show_endpoints(self, session: Session, msg: Message) -> None:
        items: list[Pairs] = []
        for endpoint in self.pbx.endpoints.by_name.values():
            contact = f"{endpoint.name}/{endpoint.uri}," if endpoint.registered else ""
            state = {"UNAVAILABLE": "Unavailable", "INUSE": "In use"}.get(endpoint.device_state, "Not in use")
            items.append(
                [
                    ("Event", "EndpointList"),
                    ("ObjectType", "endpoint"),
                    ("ObjectName", endpoint.name),
                    ("Transport", "transport-udp"),
                    ("Aor", endpoint.name),
                    ("Auths", endpoint.name),
                    ("OutboundAuths", ""),
                    ("Contacts", contact),
                    ("DeviceState", state),
                    ("ActiveChannels", str(endpoint.in_use)),
                ]
            )
        items.append(
            [
                ("Event", "EndpointList"),
                ("ObjectType", "endpoint"),
                ("ObjectName", "trunk"),
                ("Transport", "transport-udp"),
                ("Aor", "trunk"),
                ("Auths", ""),
                ("OutboundAuths", ""),
                ("Contacts", "trunk/sip:127.0.0.1:5070,"),
                ("DeviceState", "Not in use"),
                ("ActiveChannels", "0"),
            ]
        )
        self._list(
            session,
            msg,
            "A listing of Endpoints follows, presented as EndpointList events",
            items,
            "EndpointListComplete",
        )

    async def pjsip_show_contacts(self, session: Session, msg: Message) -> None:
        items: list[Pairs] = []
        for endpoint in self.pbx.endpoints.by_name.values():
            if not endpoint.registered:
                continue
            reachable = endpoint.contact_status != "Unreachable"
            items.append(
                [
                    ("Event", "ContactList"),
                    ("ObjectType", "contact"),
                    ("ObjectName", f"{endpoint.name};@{abs(hash(endpoint.uri)):x}"),
                    ("ViaAddr", "127.0.0.1"),
                    ("QualifyTimeout", "3.000000"),
                    ("Qualify2xxOnly", "false"),
                    ("CallId", f"{endpoint.name}-{endpoint.port}-pbxsim"),
                    ("RegServer", ""),
                    ("PruneOnBoot", "no"),
                    ("Path", ""),
                    ("Endpoint", endpoint.name),
                    ("ViaPort", str(endpoint.port)),
                    ("AuthenticateQualify", "no"),
                    ("Uri", endpoint.uri),
                    ("QualifyFrequency", "30"),
                    ("UserAgent", "pbxsim softphone"),
                    ("ExpirationTime", str(int(self.pbx.now()) + 300)),
                    ("OutboundProxy", ""),
                    ("Status", endpoint.contact_status or "Reachable"),
                    ("RoundtripUsec", "951" if reachable else "N/A"),
                ]
            )
        if not items:  # as a real Asterisk 22 answers when no softphone is registered
            session.respond(msg, "Error", "No Contacts found")
            return
        self._list(
            session,
            msg,
            "A listing of Contacts follows, presented as ContactList events",
            items,
            "ContactListComplete",
        )

    async def extension_state(self, session: Session, msg: Message) -> None:
        exten = msg.get("Exten") or ""
        endpoint = self.pbx.endpoints.get(exten)
        status = endpoint.extension_status if endpoint else -1
        session.respond(
            msg,
            "Success",
            "Extension Status",
            ("Exten", exten),
            ("Context", msg.get("Context") or ""),
            ("Hint", f"PJSIP/{exten}" if endpoint else ""),
            ("Status", str(status)),
            ("StatusText", {0: "Idle", 1: "InUse", 4: "Unavailable"}.get(status, "Unknown")),
        )

    async def confbridge_list(self, session: Session, msg: Message) -> None:
        conf = self.pbx.conferences.get(msg.get("Conference") or "")
        if conf is None:
            session.respond(msg, "Error", "No active conferences.")
            return
        now = self.pbx.now()
        items: list[Pairs] = [
            [
                ("Event", "ConfbridgeList"),
                ("Conference", conf.name),
                ("Admin", "No"),
                ("MarkedUser", "Yes" if m.endpoint != "trunk" else "No"),
                ("WaitMarked", "No"),
                ("EndMarked", "No"),
                ("EndMarkedAny", "No"),
                ("Waiting", "No"),
                ("Muted", "No"),
                ("Talking", "No"),
                ("AnsweredTime", str(int(now - (m.answered or now)))),
                *m.snapshot(),
            ]
            for m in conf.members
        ]
        self._list(session, msg, "Confbridge user list will follow", items, "ConfbridgeListComplete")

    async def confbridge_list_rooms(self, session: Session, msg: Message) -> None:
        if not self.pbx.conferences:
            session.respond(msg, "Error", "No active conferences.")
            return
        items: list[Pairs] = [
            [
                ("Event", "ConfbridgeListRooms"),
                ("Conference", c.name),
                ("Parties", str(len(c.members))),
                ("Marked", str(sum(1 for m in c.members if m.endpoint != "trunk"))),
                ("Locked", "No"),
                ("Muted", "No"),
            ]
            for c in self.pbx.conferences.values()
        ]
        self._list(session, msg, "Confbridge conferences will follow", items, "ConfbridgeListRoomsComplete")
