"""The wire parser against real bytes: whole captures, and the same bytes split at every boundary."""

from __future__ import annotations

import pytest

from ami.wire import AmiParser, Message, encode, iter_messages, parse_block
from tests.ami.conftest import capture

SAMPLE = (
    b"Asterisk Call Manager/11.0.0\r\n"
    b"Response: Success\r\nActionID: lab-7\r\nMessage: Authentication accepted\r\n\r\n"
    b"Event: VarSet\r\nChannel: PJSIP/trunk-00000006\r\nVariable: LEAD_ID\r\nValue: 5552001\r\n\r\n"
    b"Event: Status\r\nVariable: CAMPAIGN_ID=42\r\nVariable: LEAD_ID=5556005\r\nEmpty:\r\n\r\n"
)


def test_a_message_keeps_every_header_and_the_first_value_of_each():
    messages = list(iter_messages(SAMPLE))
    assert [m.event or m.response for m in messages] == ["Success", "VarSet", "Status"]
    status = messages[2]
    assert status.get_all("Variable") == ["CAMPAIGN_ID=42", "LEAD_ID=5556005"]
    assert status["Variable"] == "CAMPAIGN_ID=42"
    assert status["Empty"] == ""


def test_split_reads_at_every_byte_boundary_give_the_same_messages():
    whole = list(AmiParser().feed(SAMPLE))
    for cut in range(1, len(SAMPLE)):
        parser = AmiParser()
        parts = parser.feed(SAMPLE[:cut]) + parser.feed(SAMPLE[cut:])
        assert parts == whole, cut
        assert parser.banner == "Asterisk Call Manager/11.0.0"
        assert parser.pending == 0


def test_byte_by_byte_feed_of_a_real_capture_equals_the_whole_parse():
    raw = capture("b1_originate_busy_486")
    whole = list(iter_messages(raw))
    parser = AmiParser()
    one_by_one: list[Message] = []
    for index in range(len(raw)):
        one_by_one += parser.feed(raw[index : index + 1])
    assert one_by_one == whole
    assert len(whole) == 25  # 3 responses and 22 events


def test_encode_round_trips_and_refuses_line_breaks():
    pairs = [("Action", "Originate"), ("Variable", "A=1"), ("Variable", "B=2")]
    assert parse_block(encode(pairs).decode().removesuffix("\r\n\r\n")).pairs == tuple(pairs)
    with pytest.raises(ValueError):
        encode({"Action": "Command\r\nAction: Logoff"})
