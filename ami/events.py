"""Typed AMI events: small immutable objects made from wire messages, with no I/O.

``to_event(message)`` turns one ``Event:`` message into the dataclass for its name, or into a
``GenericEvent`` that wraps the message untouched when the product has no use for it (CEL, RTCP,
Newexten noise...). Every event keeps its ``raw`` message, so nothing Asterisk sent is lost.

Conversion is table driven (one tuple of header names per class, one positional constructor call)
because the tracker sees thousands of events a second. Field values stay strings except where the
product computes with them (causes, counts, seconds), which become ``int``; Asterisk's placeholders
(``<unknown>``, ``none``, empty) become ``None`` only for identifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from ami.wire import Message

_PLACEHOLDERS = frozenset(("", "<unknown>", "none", "(None)"))


def _ident(value: str | None) -> str | None:
    """An identifier, or None for Asterisk's placeholders."""
    return None if value is None or value in _PLACEHOLDERS else value


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _str(value: str | None) -> str:
    return value or ""


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "yes", "1", "on")


Converter = Callable[[str | None], Any]


@dataclass(frozen=True, slots=True)
class AmiEvent:
    """Base of every event: its name and the message it came from."""

    raw: Message = field(repr=False, compare=False)

    name: ClassVar[str] = ""
    headers: ClassVar[tuple[tuple[str, Converter], ...]] = ()

    @property
    def event_name(self) -> str:
        return self.name or (self.raw.event or "")

    @property
    def time(self) -> datetime | None:
        """When Asterisk says the event happened, where it says so (see ``event_time``)."""
        return event_time(self.raw)


_CHANNEL: tuple[tuple[str, Converter], ...] = (
    ("Channel", _ident),
    ("Uniqueid", _ident),
    ("Linkedid", _ident),
    ("ChannelStateDesc", _str),
    ("Context", _str),
    ("Exten", _str),
)


@dataclass(frozen=True, slots=True)
class ChannelEvent(AmiEvent):
    """An event about one channel, with the channel snapshot fields the tracker uses."""

    channel: str | None = None
    uniqueid: str | None = None
    linkedid: str | None = None
    state: str = ""
    context: str = ""
    exten: str = ""

    headers = _CHANNEL


@dataclass(frozen=True, slots=True)
class GenericEvent(AmiEvent):
    """Any event the product does not type; ``raw`` holds everything."""


@dataclass(frozen=True, slots=True)
class Newchannel(ChannelEvent):
    name = "Newchannel"


@dataclass(frozen=True, slots=True)
class Newstate(ChannelEvent):
    name = "Newstate"


@dataclass(frozen=True, slots=True)
class Newexten(ChannelEvent):
    application: str = ""
    app_data: str = ""
    name = "Newexten"
    headers = (*_CHANNEL, ("Application", _str), ("AppData", _str))


@dataclass(frozen=True, slots=True)
class VarSet(ChannelEvent):
    variable: str = ""
    value: str = ""
    name = "VarSet"
    headers = (*_CHANNEL, ("Variable", _str), ("Value", _str))


@dataclass(frozen=True, slots=True)
class Hangup(ChannelEvent):
    cause: int | None = None
    cause_txt: str = ""
    name = "Hangup"
    headers = (*_CHANNEL, ("Cause", _int), ("Cause-txt", _str))


@dataclass(frozen=True, slots=True)
class HangupRequest(ChannelEvent):
    """The far end (or a channel driver) asked to hang up; ``cause`` is a Q.850 cause."""

    cause: int | None = None
    name = "HangupRequest"
    headers = (*_CHANNEL, ("Cause", _int))


@dataclass(frozen=True, slots=True)
class SoftHangupRequest(ChannelEvent):
    """Asterisk asked itself to hang up; ``cause`` is a soft-hangup flag, NOT a Q.850 cause
    (4 shutdown, 16 the PBX ended, 32 explicit such as AGI HANGUP)."""

    cause: int | None = None
    name = "SoftHangupRequest"
    headers = (*_CHANNEL, ("Cause", _int))


_DIAL: tuple[tuple[str, Converter], ...] = (
    *_CHANNEL,
    ("DestChannel", _ident),
    ("DestUniqueid", _ident),
    ("DestLinkedid", _ident),
)


@dataclass(frozen=True, slots=True)
class _DialEvent(ChannelEvent):
    """Dial* events: ``channel`` is the caller (None for an originated leg), ``dest_*`` the callee."""

    dest_channel: str | None = None
    dest_uniqueid: str | None = None
    dest_linkedid: str | None = None


@dataclass(frozen=True, slots=True)
class DialBegin(_DialEvent):
    dial_string: str = ""
    name = "DialBegin"
    headers = (*_DIAL, ("DialString", _str))


@dataclass(frozen=True, slots=True)
class DialState(_DialEvent):
    dial_status: str = ""
    name = "DialState"
    headers = (*_DIAL, ("DialStatus", _str))


@dataclass(frozen=True, slots=True)
class DialEnd(_DialEvent):
    dial_status: str = ""
    name = "DialEnd"
    headers = (*_DIAL, ("DialStatus", _str))


@dataclass(frozen=True, slots=True)
class OriginateResponse(AmiEvent):
    """The late answer to an async Originate. ``reason`` is 4 on answer and 0 or 3 on every
    failure seen with chan_pjsip: never use it for the failure's kind."""

    action_id: str | None = None
    response: str = ""
    channel: str | None = None
    uniqueid: str | None = None
    reason: int | None = None
    context: str = ""
    exten: str = ""
    name = "OriginateResponse"
    headers = (
        ("ActionID", _ident),
        ("Response", _str),
        ("Channel", _ident),
        ("Uniqueid", _ident),
        ("Reason", _int),
        ("Context", _str),
        ("Exten", _str),
    )

    @property
    def success(self) -> bool:
        return self.response == "Success"


_BRIDGE: tuple[tuple[str, Converter], ...] = (
    ("BridgeUniqueid", _ident),
    ("BridgeType", _str),
    ("BridgeTechnology", _str),
    ("BridgeCreator", _str),
    ("BridgeName", _str),
    ("BridgeNumChannels", _int),
)


@dataclass(frozen=True, slots=True)
class _BridgeEvent(AmiEvent):
    bridge_uniqueid: str | None = None
    bridge_type: str = ""
    bridge_technology: str = ""
    bridge_creator: str = ""
    bridge_name: str = ""
    num_channels: int | None = None
    headers = _BRIDGE


@dataclass(frozen=True, slots=True)
class BridgeCreate(_BridgeEvent):
    name = "BridgeCreate"


@dataclass(frozen=True, slots=True)
class BridgeDestroy(_BridgeEvent):
    name = "BridgeDestroy"


@dataclass(frozen=True, slots=True)
class _BridgeChannelEvent(ChannelEvent):
    bridge_uniqueid: str | None = None
    num_channels: int | None = None
    headers = (*_CHANNEL, ("BridgeUniqueid", _ident), ("BridgeNumChannels", _int))


@dataclass(frozen=True, slots=True)
class BridgeEnter(_BridgeChannelEvent):
    name = "BridgeEnter"


@dataclass(frozen=True, slots=True)
class BridgeLeave(_BridgeChannelEvent):
    name = "BridgeLeave"


@dataclass(frozen=True, slots=True)
class _ConfbridgeChannelEvent(ChannelEvent):
    conference: str = ""
    bridge_uniqueid: str | None = None
    headers = (*_CHANNEL, ("Conference", _str), ("BridgeUniqueid", _ident))


@dataclass(frozen=True, slots=True)
class ConfbridgeJoin(_ConfbridgeChannelEvent):
    name = "ConfbridgeJoin"


@dataclass(frozen=True, slots=True)
class ConfbridgeLeave(_ConfbridgeChannelEvent):
    name = "ConfbridgeLeave"


@dataclass(frozen=True, slots=True)
class _ConfbridgeEvent(AmiEvent):
    conference: str = ""
    bridge_uniqueid: str | None = None
    headers = (("Conference", _str), ("BridgeUniqueid", _ident))


@dataclass(frozen=True, slots=True)
class ConfbridgeStart(_ConfbridgeEvent):
    name = "ConfbridgeStart"


@dataclass(frozen=True, slots=True)
class ConfbridgeEnd(_ConfbridgeEvent):
    name = "ConfbridgeEnd"


_AGENT: tuple[tuple[str, Converter], ...] = (
    *_CHANNEL,
    ("Queue", _str),
    ("Interface", _str),
    ("MemberName", _str),
    ("DestChannel", _ident),
    ("DestUniqueid", _ident),
)


@dataclass(frozen=True, slots=True)
class _AgentEvent(ChannelEvent):
    """Queue agent events: ``channel`` is the caller, ``dest_*`` the member's channel."""

    queue: str = ""
    interface: str = ""
    member_name: str = ""
    dest_channel: str | None = None
    dest_uniqueid: str | None = None
    headers = _AGENT


@dataclass(frozen=True, slots=True)
class AgentCalled(_AgentEvent):
    name = "AgentCalled"


@dataclass(frozen=True, slots=True)
class AgentRingNoAnswer(_AgentEvent):
    ring_time: int | None = None
    name = "AgentRingNoAnswer"
    headers = (*_AGENT, ("RingTime", _int))


@dataclass(frozen=True, slots=True)
class AgentConnect(_AgentEvent):
    hold_time: int | None = None
    ring_time: int | None = None
    name = "AgentConnect"
    headers = (*_AGENT, ("HoldTime", _int), ("RingTime", _int))


@dataclass(frozen=True, slots=True)
class AgentComplete(_AgentEvent):
    hold_time: int | None = None
    talk_time: int | None = None
    reason: str = ""
    name = "AgentComplete"
    headers = (*_AGENT, ("HoldTime", _int), ("TalkTime", _int), ("Reason", _str))


@dataclass(frozen=True, slots=True)
class _QueueCallerEvent(ChannelEvent):
    queue: str = ""
    position: int | None = None
    count: int | None = None
    headers = (*_CHANNEL, ("Queue", _str), ("Position", _int), ("Count", _int))


@dataclass(frozen=True, slots=True)
class QueueCallerJoin(_QueueCallerEvent):
    name = "QueueCallerJoin"


@dataclass(frozen=True, slots=True)
class QueueCallerLeave(_QueueCallerEvent):
    name = "QueueCallerLeave"


_MEMBER: tuple[tuple[str, Converter], ...] = (
    ("Queue", _str),
    ("Interface", _str),
    ("MemberName", _str),
    ("Status", _int),
    ("Paused", _bool),
    ("PausedReason", _str),
)


@dataclass(frozen=True, slots=True)
class _QueueMemberEvent(AmiEvent):
    queue: str = ""
    interface: str = ""
    member_name: str = ""
    status: int | None = None
    paused: bool = False
    paused_reason: str = ""
    headers = _MEMBER


@dataclass(frozen=True, slots=True)
class QueueMemberStatus(_QueueMemberEvent):
    name = "QueueMemberStatus"


@dataclass(frozen=True, slots=True)
class QueueMemberAdded(_QueueMemberEvent):
    name = "QueueMemberAdded"


@dataclass(frozen=True, slots=True)
class QueueMemberRemoved(_QueueMemberEvent):
    name = "QueueMemberRemoved"


@dataclass(frozen=True, slots=True)
class QueueMemberPause(_QueueMemberEvent):
    name = "QueueMemberPause"


@dataclass(frozen=True, slots=True)
class MixMonitorStart(ChannelEvent):
    name = "MixMonitorStart"


@dataclass(frozen=True, slots=True)
class MixMonitorStop(ChannelEvent):
    name = "MixMonitorStop"


@dataclass(frozen=True, slots=True)
class Cdr(AmiEvent):
    """A call detail record; times are Asterisk's local time as text (``YYYY-MM-DD HH:MM:SS``)."""

    channel: str | None = None
    destination_channel: str | None = None
    uniqueid: str | None = None
    disposition: str = ""
    duration: int | None = None
    billable_seconds: int | None = None
    start_time: str = ""
    answer_time: str = ""
    end_time: str = ""
    last_application: str = ""
    user_field: str = ""
    name = "Cdr"
    headers = (
        ("Channel", _ident),
        ("DestinationChannel", _ident),
        ("UniqueID", _ident),
        ("Disposition", _str),
        ("Duration", _int),
        ("BillableSeconds", _int),
        ("StartTime", _str),
        ("AnswerTime", _str),
        ("EndTime", _str),
        ("LastApplication", _str),
        ("UserField", _str),
    )


@dataclass(frozen=True, slots=True)
class ContactStatus(AmiEvent):
    uri: str = ""
    contact_status: str = ""
    aor: str = ""
    endpoint_name: str = ""
    roundtrip_usec: int | None = None
    name = "ContactStatus"
    headers = (
        ("URI", _str),
        ("ContactStatus", _str),
        ("AOR", _str),
        ("EndpointName", _str),
        ("RoundtripUsec", _int),
    )


@dataclass(frozen=True, slots=True)
class ContactList(AmiEvent):
    """One registered contact, listed by the PJSIPShowContacts action (resync): ``Status`` is
    Reachable, Unreachable, NonQualified or Unknown (not qualified yet)."""

    object_name: str = ""
    endpoint: str = ""
    uri: str = ""
    status: str = ""
    roundtrip_usec: int | None = None
    name = "ContactList"
    headers = (
        ("ObjectName", _str),
        ("Endpoint", _str),
        ("Uri", _str),
        ("Status", _str),
        ("RoundtripUsec", _int),
    )


@dataclass(frozen=True, slots=True)
class ContactListComplete(AmiEvent):
    list_items: int | None = None
    name = "ContactListComplete"
    headers = (("ListItems", _int),)


@dataclass(frozen=True, slots=True)
class PeerStatus(AmiEvent):
    peer: str = ""
    peer_status: str = ""
    channel_type: str = ""
    name = "PeerStatus"
    headers = (("Peer", _str), ("PeerStatus", _str), ("ChannelType", _str))


@dataclass(frozen=True, slots=True)
class DeviceStateChange(AmiEvent):
    device: str = ""
    state: str = ""
    name = "DeviceStateChange"
    headers = (("Device", _str), ("State", _str))


@dataclass(frozen=True, slots=True)
class ExtensionStatus(AmiEvent):
    exten: str = ""
    context: str = ""
    hint: str = ""
    status: int | None = None
    status_text: str = ""
    name = "ExtensionStatus"
    headers = (("Exten", _str), ("Context", _str), ("Hint", _str), ("Status", _int), ("StatusText", _str))


@dataclass(frozen=True, slots=True)
class Shutdown(AmiEvent):
    shutdown: str = ""
    restart: bool = False
    name = "Shutdown"
    headers = (("Shutdown", _str), ("Restart", _bool))


@dataclass(frozen=True, slots=True)
class FullyBooted(AmiEvent):
    status: str = ""
    uptime: int | None = None
    name = "FullyBooted"
    headers = (("Status", _str), ("Uptime", _int))


@dataclass(frozen=True, slots=True)
class CoreShowChannel(ChannelEvent):
    """One live channel, listed by the CoreShowChannels action (resync)."""

    action_id: str | None = None
    application: str = ""
    application_data: str = ""
    bridge_id: str | None = None
    duration: str = ""
    name = "CoreShowChannel"
    headers = (
        *_CHANNEL,
        ("ActionID", _ident),
        ("Application", _str),
        ("ApplicationData", _str),
        ("BridgeId", _ident),
        ("Duration", _str),
    )


@dataclass(frozen=True, slots=True)
class Status(ChannelEvent):
    """One live channel, listed by the Status action; ``variables`` from ``Variable: K=V`` headers."""

    action_id: str | None = None
    application: str = ""
    bridge_id: str | None = None
    seconds: int | None = None
    name = "Status"
    headers = (
        *_CHANNEL,
        ("ActionID", _ident),
        ("Application", _str),
        ("BridgeID", _ident),
        ("Seconds", _int),
    )

    @property
    def variables(self) -> dict[str, str]:
        pairs = (v.partition("=") for v in self.raw.get_all("Variable"))
        return {k: v for k, _, v in pairs}


@dataclass(frozen=True, slots=True)
class _ListComplete(AmiEvent):
    action_id: str | None = None
    list_items: int | None = None
    headers = (("ActionID", _ident), ("ListItems", _int))


@dataclass(frozen=True, slots=True)
class CoreShowChannelsComplete(_ListComplete):
    name = "CoreShowChannelsComplete"


@dataclass(frozen=True, slots=True)
class StatusComplete(_ListComplete):
    name = "StatusComplete"


@dataclass(frozen=True, slots=True)
class _AgiEvent(ChannelEvent):
    command: str = ""
    command_id: str = ""
    result_code: int | None = None
    headers = (*_CHANNEL, ("Command", _str), ("CommandId", _str), ("ResultCode", _int))


@dataclass(frozen=True, slots=True)
class AGIExecStart(_AgiEvent):
    name = "AGIExecStart"


@dataclass(frozen=True, slots=True)
class AGIExecEnd(_AgiEvent):
    name = "AGIExecEnd"


@dataclass(frozen=True, slots=True)
class UserEvent(AmiEvent):
    """A ``UserEvent`` action's event; its own headers are in ``raw``."""

    user_event: str = ""
    name = "UserEvent"
    headers = (("UserEvent", _str),)


@dataclass(frozen=True, slots=True)
class _SpyEvent(AmiEvent):
    spyer_channel: str | None = None
    spyer_uniqueid: str | None = None
    spyee_channel: str | None = None
    spyee_uniqueid: str | None = None
    headers = (
        ("SpyerChannel", _ident),
        ("SpyerUniqueid", _ident),
        ("SpyeeChannel", _ident),
        ("SpyeeUniqueid", _ident),
    )


@dataclass(frozen=True, slots=True)
class ChanSpyStart(_SpyEvent):
    name = "ChanSpyStart"


@dataclass(frozen=True, slots=True)
class ChanSpyStop(_SpyEvent):
    name = "ChanSpyStop"


EVENT_TYPES: tuple[type[AmiEvent], ...] = (
    Newchannel, Newstate, Newexten, VarSet, Hangup, HangupRequest, SoftHangupRequest,
    DialBegin, DialState, DialEnd, OriginateResponse,
    BridgeCreate, BridgeDestroy, BridgeEnter, BridgeLeave,
    ConfbridgeJoin, ConfbridgeLeave, ConfbridgeStart, ConfbridgeEnd,
    AgentCalled, AgentRingNoAnswer, AgentConnect, AgentComplete,
    QueueCallerJoin, QueueCallerLeave,
    QueueMemberStatus, QueueMemberAdded, QueueMemberRemoved, QueueMemberPause,
    MixMonitorStart, MixMonitorStop, Cdr, ContactStatus, ContactList, ContactListComplete,
    PeerStatus, DeviceStateChange,
    ExtensionStatus, Shutdown, FullyBooted, CoreShowChannel, CoreShowChannelsComplete,
    Status, StatusComplete, AGIExecStart, AGIExecEnd, UserEvent, ChanSpyStart, ChanSpyStop,
)  # fmt: skip


def _builder(cls: type[AmiEvent]) -> Callable[[Message], AmiEvent]:
    headers = cls.headers

    def build(message: Message) -> AmiEvent:
        get = message.first.get
        return cls(message, *[conv(get(key)) for key, conv in headers])

    return build


_BUILDERS: Mapping[str, Callable[[Message], AmiEvent]] = {cls.name: _builder(cls) for cls in EVENT_TYPES}


def to_event(message: Message) -> AmiEvent:
    """The typed event for an ``Event:`` message; a ``GenericEvent`` for any other name."""
    build = _BUILDERS.get(message.first.get("Event", ""))
    return build(message) if build is not None else GenericEvent(message)


def parse_asterisk_time(text: str, tz: Any = UTC) -> datetime | None:
    """``2026-11-27 04:59:06`` (Cdr, CEL) or ``2026-11-27T05:01:13.504+0000`` (EventTV) as aware UTC."""
    if not text:
        return None
    try:
        if "T" in text:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(UTC)
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz).astimezone(UTC)
    except ValueError:
        return None


def event_time(message: Message) -> datetime | None:
    """The time an event carries: ``Timestamp`` (``timestampevents = yes``), ``EventTV`` (security
    events) or ``EventTime`` (CEL, whole seconds, taken as UTC). None when it carries none."""
    first = message.first
    stamp = first.get("Timestamp")
    if stamp:
        try:
            return datetime.fromtimestamp(float(stamp), UTC)
        except ValueError:
            pass
    text = first.get("EventTV") or first.get("EventTime")
    return parse_asterisk_time(text) if text else None
