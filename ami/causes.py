"""Why a call failed, from what Asterisk really reports (see the captures' README, observation 2).

OriginateResponse ``Reason`` is 0 or 3 for every SIP error with chan_pjsip, so it says nothing about
the kind of failure. The Q.850 cause of the channel's Hangup (or HangupRequest) does; DialEnd's
DialStatus is the fallback when no cause is known.
"""

from __future__ import annotations

from ami.facts import FailReason

_BY_CAUSE: dict[int, FailReason] = {
    17: FailReason.BUSY,  # 486 Busy Here
    18: FailReason.NO_ANSWER,  # no user responding
    19: FailReason.NO_ANSWER,  # ring timeout, dead trunk after the Originate timeout
    1: FailReason.UNREACHABLE,  # 404 Not Found: unallocated number
    3: FailReason.UNREACHABLE,  # no route to destination
    20: FailReason.UNREACHABLE,  # subscriber absent
    22: FailReason.UNREACHABLE,  # number changed
    27: FailReason.UNREACHABLE,  # destination out of order
    28: FailReason.UNREACHABLE,  # invalid number format
    21: FailReason.REJECTED,  # 603 Decline
    34: FailReason.CONGESTION,  # 503 Service Unavailable
    38: FailReason.CONGESTION,
    41: FailReason.CONGESTION,
    42: FailReason.CONGESTION,
    44: FailReason.CONGESTION,
    47: FailReason.CONGESTION,
    58: FailReason.CHANNEL_UNAVAILABLE,
    66: FailReason.CHANNEL_UNAVAILABLE,
}

_BY_DIAL_STATUS: dict[str, FailReason] = {
    "BUSY": FailReason.BUSY,
    "NOANSWER": FailReason.NO_ANSWER,
    "CANCEL": FailReason.NO_ANSWER,
    "CONGESTION": FailReason.CONGESTION,
    "CHANUNAVAIL": FailReason.CHANNEL_UNAVAILABLE,
}


def fail_reason(cause: int | None, dial_status: str | None) -> FailReason:
    """The failure's kind: the Hangup cause first, the DialStatus when the cause says nothing."""
    if cause is not None and cause in _BY_CAUSE:
        return _BY_CAUSE[cause]
    if dial_status and dial_status in _BY_DIAL_STATUS:
        return _BY_DIAL_STATUS[dial_status]
    return FailReason.UNKNOWN
