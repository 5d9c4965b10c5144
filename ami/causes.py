"""Why a call failed, from what Asterisk really reports (see the captures' README, observation 2).

OriginateResponse ``Reason`` is 0 or 3 for every SIP error with chan_pjsip, so it says nothing about
the kind of failure. The Q.850 cause of the channel's Hangup (or HangupRequest) does; DialEnd's
DialStatus is the fallback when no cause is known.

A number that does not exist (causes 1, 3 and 28: what chan_pjsip makes of SIP 404, 485 and 604, of
420, and of 484) is ``INVALID_NUMBER``: dialing it again cannot succeed.
"""

from __future__ import annotations

from ami.facts import FailReason

_BY_CAUSE: dict[int, FailReason] = {
    17: FailReason.BUSY,  # 486 Busy Here
    18: FailReason.NO_ANSWER,  # no user responding
    19: FailReason.NO_ANSWER,  # ring timeout, dead trunk after the Originate timeout
    1: FailReason.INVALID_NUMBER,  # 404 Not Found, 485 Ambiguous, 604 Does Not Exist Anywhere
    3: FailReason.INVALID_NUMBER,  # no route to destination (420 Bad Extension)
    28: FailReason.INVALID_NUMBER,  # invalid number format (484 Address Incomplete)
    20: FailReason.UNREACHABLE,  # subscriber absent
    22: FailReason.UNREACHABLE,  # number changed
    27: FailReason.UNREACHABLE,  # destination out of order
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
