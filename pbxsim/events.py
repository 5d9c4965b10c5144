"""Builders for the AMI events the simulator emits, with the captured field names and order."""

from __future__ import annotations

from dataclasses import dataclass

from pbxsim.channel import Channel, Pairs
from pbxsim.clock import cdr_time

CAUSE_TEXT = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    21: "Call Rejected",
    22: "Number changed",
    27: "Destination out of order",
    28: "Invalid number format",
    29: "Facility rejected",
    34: "Circuit/channel congestion",
    38: "Network out of order",
    41: "Temporary failure",
    58: "Bearer capability not available",
    102: "Recovery on timer expiry",
    127: "Interworking, unspecified",
}


def channel_event(name: str, channel: Channel, *extra: tuple[str, str], privilege: str = "call,all") -> Pairs:
    """An event about one channel: header, the channel snapshot, then its own fields."""
    return [("Event", name), ("Privilege", privilege), *channel.snapshot(), *extra]


def dial_event(name: str, dest: Channel, *extra: tuple[str, str]) -> Pairs:
    """DialBegin/DialState/DialEnd of an originated leg: only ``Dest*`` fields (no caller channel)."""
    return [("Event", name), ("Privilege", "call,all"), *dest.snapshot("Dest"), *extra]


def newexten(channel: Channel, application: str, app_data: str) -> Pairs:
    return channel_event(
        "Newexten",
        channel,
        ("Extension", channel.exten),
        ("Application", application),
        ("AppData", app_data),
        privilege="dialplan,all",
    )


def varset(channel: Channel, variable: str, value: str) -> Pairs:
    return channel_event(
        "VarSet", channel, ("Variable", variable), ("Value", value), privilege="dialplan,all"
    )


def hangup(channel: Channel, cause: int, tech_cause: int | None = None) -> Pairs:
    extra = [("Cause", str(cause)), ("Cause-txt", CAUSE_TEXT.get(cause, "Unknown"))]
    if tech_cause is not None:
        extra.append(("TechCause", str(tech_cause)))
    return channel_event("Hangup", channel, *extra)


def hangup_request(channel: Channel, cause: int | None = None, tech_cause: int | None = None) -> Pairs:
    extra: list[tuple[str, str]] = []
    if cause is not None:
        extra.append(("Cause", str(cause)))
    if tech_cause is not None:
        extra.append(("TechCause", str(tech_cause)))
    return channel_event("HangupRequest", channel, *extra)


def soft_hangup_request(channel: Channel, flag: int) -> Pairs:
    """``Cause`` here is Asterisk's soft-hangup flag (4 shutdown, 16 PBX end, 32 AGI HANGUP)."""
    return channel_event("SoftHangupRequest", channel, ("Cause", str(flag)))


def device_state(device: str, state: str) -> Pairs:
    return [("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", device), ("State", state)]


def originate_response(
    action_id: str | None,
    success: bool,
    channel: str,
    context: str,
    exten: str,
    reason: int,
    uniqueid: str,
    caller_num: str,
    caller_name: str,
) -> Pairs:
    pairs: Pairs = [("Event", "OriginateResponse"), ("Privilege", "call,all")]
    if action_id is not None:
        pairs.append(("ActionID", action_id))
    pairs += [
        ("Response", "Success" if success else "Failure"),
        ("Channel", channel),
        ("Context", context),
        ("Exten", exten),
        ("Reason", str(reason)),
        ("Uniqueid", uniqueid),
        ("CallerIDNum", caller_num),
        ("CallerIDName", caller_name),
    ]
    return pairs


@dataclass(frozen=True)
class CdrRecord:
    """One CDR as cdr_manager sends it."""

    channel: Channel
    destination: str
    dest_context: str
    last_app: str
    last_data: str
    start: float
    answer: float | None
    end: float
    disposition: str
    dest_channel: str = ""

    def event(self) -> Pairs:
        ch = self.channel
        caller = f'"{ch.caller_name}" <{ch.caller_num}>' if ch.caller_num != "<unknown>" else ""
        billable = int(self.end - self.answer) if self.answer is not None else 0
        return [
            ("Event", "Cdr"),
            ("Privilege", "cdr,all"),
            ("AccountCode", ch.accountcode),
            ("Source", ch.caller_num if ch.caller_num != "<unknown>" else ""),
            ("Destination", self.destination),
            ("DestinationContext", self.dest_context),
            ("CallerID", caller),
            ("Channel", ch.name),
            ("DestinationChannel", self.dest_channel),
            ("LastApplication", self.last_app),
            ("LastData", self.last_data),
            ("StartTime", cdr_time(self.start)),
            ("AnswerTime", cdr_time(self.answer) if self.answer is not None else ""),
            ("EndTime", cdr_time(self.end)),
            ("Duration", str(int(self.end - self.start))),
            ("BillableSeconds", str(billable)),
            ("Disposition", self.disposition),
            ("AMAFlags", "DOCUMENTATION"),
            ("UniqueID", ch.uniqueid),
            ("UserField", ch.variables.get("CDR(userfield)", "")),
        ]


def bridge_fields(
    uniqueid: str,
    num_channels: int,
    *,
    conference: str | None = None,
) -> Pairs:
    """The bridge block: softmix ConfBridge bridges or basic simple_bridge ones."""
    if conference is not None:
        kind = [
            ("BridgeType", "base"),
            ("BridgeTechnology", "softmix"),
            ("BridgeCreator", "ConfBridge"),
            ("BridgeName", conference),
        ]
    else:
        kind = [
            ("BridgeType", "basic"),
            ("BridgeTechnology", "simple_bridge"),
            ("BridgeCreator", "<unknown>"),
            ("BridgeName", "<unknown>"),
        ]
    return [
        ("BridgeUniqueid", uniqueid),
        *kind,
        ("BridgeNumChannels", str(num_channels)),
        ("BridgeVideoSourceMode", "none"),
    ]
