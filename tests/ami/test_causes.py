"""Which failures mean the number does not exist: Q.850 causes and the SIP answers Asterisk maps to them."""

from __future__ import annotations

import pytest

from ami.causes import fail_reason
from ami.facts import FailReason
from pbxsim.sip import cause_of

INVALID = FailReason.INVALID_NUMBER


@pytest.mark.parametrize("cause", [1, 3, 28])
def test_unallocated_no_route_and_bad_format_are_invalid_numbers(cause: int) -> None:
    assert fail_reason(cause, None) is INVALID
    assert fail_reason(cause, "NOANSWER") is INVALID  # the cause wins over DialEnd's status
    assert fail_reason(cause, "CHANUNAVAIL") is INVALID  # cause 3's DialStatus


@pytest.mark.parametrize(
    ("cause", "reason"),
    [
        (17, FailReason.BUSY),
        (18, FailReason.NO_ANSWER),
        (19, FailReason.NO_ANSWER),
        (20, FailReason.UNREACHABLE),  # subscriber absent: the number exists
        (22, FailReason.UNREACHABLE),  # number changed
        (27, FailReason.UNREACHABLE),  # destination out of order
        (21, FailReason.REJECTED),
        (34, FailReason.CONGESTION),
        (58, FailReason.CHANNEL_UNAVAILABLE),
    ],
)
def test_numbers_that_exist_are_not_invalid(cause: int, reason: FailReason) -> None:
    assert fail_reason(cause, None) is reason


@pytest.mark.parametrize(
    ("sip", "cause"),
    [(404, 1), (485, 1), (604, 1), (420, 3), (484, 28)],
)
def test_sip_answers_for_a_number_that_does_not_exist(sip: int, cause: int) -> None:
    """chan_pjsip's SIP-to-cause table (404 as captured in b3) lands on an invalid number."""
    assert cause_of(sip) == cause
    assert fail_reason(cause_of(sip), None) is INVALID


@pytest.mark.parametrize(
    ("sip", "reason"),
    [
        (486, FailReason.BUSY),  # b1
        (503, FailReason.CONGESTION),  # b4
        (603, FailReason.REJECTED),
        (480, FailReason.NO_ANSWER),
        (410, FailReason.UNREACHABLE),
        (502, FailReason.UNREACHABLE),
    ],
)
def test_other_sip_answers_are_retried_as_before(sip: int, reason: FailReason) -> None:
    assert fail_reason(cause_of(sip), None) is reason


def test_without_a_cause_the_dial_status_decides_and_never_says_invalid() -> None:
    assert fail_reason(None, "CHANUNAVAIL") is FailReason.CHANNEL_UNAVAILABLE
    assert fail_reason(0, "NOANSWER") is FailReason.NO_ANSWER
    assert fail_reason(None, None) is FailReason.UNKNOWN
