"""The pure wire format, proven on the bytes real Asterisk 22 sent and received."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agi.errors import AgiProtocolError
from agi.request import AgiRequest
from agi.wire import (
    HANGUP_NOTICE,
    EnvironmentParser,
    Reply,
    ReplyParser,
    command_line,
    parse_environment,
    parse_reply_line,
    quote,
    split_command,
    word,
)
from tests.agi import captures

pytestmark = [pytest.mark.usefixtures("shared_dir"), pytest.mark.filterwarnings("error")]


@pytest.mark.parametrize("name", captures.SESSIONS)
def test_every_captured_environment_parses_in_its_real_segments(name: str) -> None:
    blocks = captures.load(name)
    parser = EnvironmentParser()
    rx = [b.data for b in blocks if b.direction == "RX"]
    assert len(rx[0].splitlines()) > 10, "the capture's first segment holds part of the environment"
    env = None
    for segment in rx:
        env = parser.feed(segment)
        if env is not None:
            break
    assert env is not None
    assert env == parse_environment(captures.environment_bytes(blocks))
    assert env["agi_network"] == "yes"
    assert env["agi_version"] == "22.10.1"
    assert env["agi_accountcode"] == ""  # "agi_accountcode: " with nothing after the blank
    assert parser.rest == b""


def test_environment_split_after_agi_context_as_captured() -> None:
    blocks = captures.load("fastagi_session_01_screen.log")
    first, second = blocks[0].data, blocks[1].data
    assert first.endswith(b"agi_context: dialer-answered\n")
    parser = EnvironmentParser()
    assert parser.feed(first) is None
    env = parser.feed(second)
    assert env is not None and len(env) == 24


def test_environment_split_at_every_byte_gives_the_same_result() -> None:
    data = captures.environment_bytes(captures.load("fastagi_session_04_test.log"))
    expected = parse_environment(data)
    for cut in range(1, len(data)):
        parser = EnvironmentParser()
        assert parser.feed(data[:cut]) is None
        assert parser.feed(data[cut:]) == expected


def test_bytes_after_the_environment_are_kept_for_the_reply_reader() -> None:
    data = captures.environment_bytes(captures.load("fastagi_session_05_slow.log"))
    parser = EnvironmentParser()
    assert parser.feed(data + b"HANGUP\n") is not None
    assert parser.rest == b"HANGUP\n"


def test_request_from_captured_environment_routes_by_script_with_query_and_args() -> None:
    env = parse_environment(captures.environment_bytes(captures.load("fastagi_session_01_screen.log")))
    request = AgiRequest.from_environment(env)
    assert request.route == "screen"
    assert dict(request.query) == {"campaign": "42"}
    assert request.args == ("5551001", "5550000")
    assert request.channel == "PJSIP/trunk-00000000"
    assert request.uniqueid == "1795755529.0"
    assert request.context == "dialer-answered"


def test_request_args_keep_blanks_inside_one_argument() -> None:
    env = parse_environment(captures.environment_bytes(captures.load("fastagi_session_04_test.log")))
    request = AgiRequest.from_environment(env)
    assert (request.route, request.args, dict(request.query)) == ("test", ("one", "two words"), {})


def test_request_falls_back_to_agi_request_url() -> None:
    request = AgiRequest.from_environment(
        {"agi_request": "agi://10.0.0.1:4573/dialer/amd?campaign=7&message=id-7", "agi_arg_1": "x"}
    )
    assert request.route == "dialer/amd"
    assert dict(request.query) == {"campaign": "7", "message": "id-7"}
    assert request.args == ("x",)


def test_request_without_any_script_is_a_protocol_error() -> None:
    with pytest.raises(AgiProtocolError):
        AgiRequest.from_environment({"agi_channel": "PJSIP/x"})


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n",
        b"agi_network yes\n\n",
        b"\n",
        b"AGI_NETWORK: yes\n\n",
        b"\x00",  # refused at its first byte, not when a newline finally comes
        b"GET ",
        b"agi_network: yes\nagi_channel PJSIP",
    ],
)
def test_garbage_instead_of_an_environment_is_rejected(garbage: bytes) -> None:
    with pytest.raises(AgiProtocolError):
        EnvironmentParser().feed(garbage)


def test_environment_over_the_limit_is_rejected_even_without_a_newline() -> None:
    parser = EnvironmentParser(max_bytes=1024)
    parser.feed(b"agi_network: yes\n")
    with pytest.raises(AgiProtocolError, match="larger than 1024"):
        parser.feed(b"agi_arg_1: " + b"x" * 2000)


def test_environment_of_many_small_lines_over_the_limit_is_rejected() -> None:
    parser = EnvironmentParser(max_bytes=1024)
    with pytest.raises(AgiProtocolError):
        for n in range(1, 200):
            parser.feed(f"agi_arg_{n}: value\n".encode())


# --------------------------------------------------------------------------- replies


def test_every_captured_reply_stream_parses() -> None:
    for name in captures.SESSIONS:
        blocks = captures.load(name)
        events = ReplyParser().feed(captures.replies(blocks))
        replies = [e for e in events if isinstance(e, Reply)]
        assert len(replies) == len(captures.commands(blocks)), name


def test_command_tour_replies_as_captured() -> None:
    blocks = captures.load("fastagi_session_04_test.log")
    parser = ReplyParser()
    events = []
    for block in blocks[2:]:  # after the two environment segments, in their real segments
        if block.direction == "RX":
            events.extend(parser.feed(block.data))
    replies = [e for e in events if isinstance(e, Reply)]
    assert [(r.code, r.result) for r in replies] == [
        (200, "0"),  # ANSWER
        (200, "6"),  # CHANNEL STATUS
        (200, "1"),  # GET VARIABLE LEAD_ID
        (200, "1"),  # SET VARIABLE
        (200, "1"),  # GET VARIABLE FROM_AGI
        (200, "0"),  # EXEC Playback
        (200, "0"),  # STREAM FILE
        (200, "-1"),  # STREAM FILE missing
        (200, "0"),  # WAIT FOR DIGIT
        (200, "-2"),  # EXEC of a missing application
        (510, None),  # FOO BAR
        (520, None),  # SET VARIABLE without arguments
        (200, "0"),  # NOOP
        (200, "1"),  # HANGUP
        (200, "1"),  # GET VARIABLE after hangup
        (200, "1"),  # VERBOSE after hangup
    ]
    assert replies[2].data == "5553001"
    assert replies[4].data == "hello world"
    assert replies[6].attrs["endpos"] == "8000"
    assert (replies[7].result_int, replies[7].attrs["endpos"]) == (-1, "0")
    assert replies[10].text == "Invalid or unknown command"
    assert replies[11].usage == (
        "Invalid command syntax.  Proper usage follows:",
        "Sets a variable to the current channel.",
        "End of proper usage.",
    )
    hangup_at = next(i for i, event in enumerate(events) if event is HANGUP_NOTICE)
    assert events[hangup_at - 1] is replies[13]  # the notice follows the reply to HANGUP


def test_usage_block_waits_for_its_closing_line() -> None:
    parser = ReplyParser()
    assert parser.feed(b"520-Invalid command syntax.  Proper usage follows:\n") == []
    assert parser.feed(b"Usage: SET VARIABLE <variablename> <value>\n") == []
    (reply,) = parser.feed(b"520 End of proper usage.\n")
    assert isinstance(reply, Reply) and reply.code == 520 and len(reply.usage) == 3


def test_hangup_during_command_gives_reply_then_notice() -> None:
    blocks = captures.load("fastagi_session_05_slow.log")
    events = ReplyParser().feed(captures.replies(blocks))
    assert events[1] == parse_reply_line("200 result=-1")
    assert events[2] is HANGUP_NOTICE


@pytest.mark.parametrize(
    ("line", "code", "result", "data", "attrs"),
    [
        ("200 result=1 (5550000|Up|1795755529.0)", 200, "1", "5550000|Up|1795755529.0", {}),
        ("200 result=0", 200, "0", None, {}),
        ("200 result=1 ()", 200, "1", "", {}),
        ("200 result=1 (a (b) c) endpos=9)", 200, "1", "a (b) c) endpos=9", {}),
        ("200 result= (timeout)", 200, "", "timeout", {}),
        ("200 result=12 (timeout)", 200, "12", "timeout", {}),
        ("200 result=0 (timeout) endpos=1234", 200, "0", "timeout", {"endpos": "1234"}),
        ("200 result=-1 endpos=0", 200, "-1", None, {"endpos": "0"}),
        ("511 Command Not Permitted on a dead channel or intercept routine", 511, None, None, {}),
    ],
)
def test_reply_lines(
    line: str, code: int, result: str | None, data: str | None, attrs: dict[str, str]
) -> None:
    reply = parse_reply_line(line)
    assert (reply.code, reply.result, reply.data, dict(reply.attrs)) == (code, result, data, attrs)


@pytest.mark.parametrize("line", [b"hello\n", b"\x00\x01\x02\n", b"20 result=1\n"])
def test_garbage_reply_is_a_protocol_error(line: bytes) -> None:
    with pytest.raises(AgiProtocolError):
        ReplyParser().feed(line)


def test_oversized_reply_is_a_protocol_error() -> None:
    with pytest.raises(AgiProtocolError):
        ReplyParser(max_bytes=100).feed(b"200 result=1 (" + b"x" * 200)


# --------------------------------------------------------------------------- commands


def test_commands_are_formatted_as_the_captured_ones() -> None:
    sent = captures.commands(captures.load("fastagi_session_04_test.log"))
    assert command_line("SET VARIABLE", word("FROM_AGI"), quote("hello world")) in sent
    assert command_line("STREAM FILE", word("/srv/lab/sounds/lab-tone"), quote("#")) in sent
    assert command_line("STREAM FILE", word("/srv/lab/sounds/does-not-exist"), quote("")) in sent
    assert command_line("VERBOSE", quote("after hangup"), "1") in sent
    assert command_line("EXEC", word("Playback"), word("/srv/lab/sounds/lab-tone")) in sent


@pytest.mark.parametrize(
    "value", ["plain", "two words", 'say "hi"', "back\\slash", "", "tab\there", 'mixed \\" end\\']
)
def test_quoting_round_trips_through_asterisks_argument_splitting(value: str) -> None:
    line = command_line("SET VARIABLE", word("X"), quote(value), word(value)).decode()
    assert split_command(line) == ["SET", "VARIABLE", "X", value, value]


@pytest.mark.parametrize("value", ["a\nHANGUP", "a\rb", "nul\x00"])
def test_line_breaks_cannot_be_smuggled_into_a_command(value: str) -> None:
    with pytest.raises(ValueError):
        quote(value)
    with pytest.raises(ValueError):
        command_line("VERBOSE", value)


@given(st.text(st.characters(blacklist_characters="\r\n\x00", blacklist_categories=("Cs",))))
def test_any_text_survives_quoting_and_asterisks_splitting(value: str) -> None:
    line = command_line("SET VARIABLE", word("X"), quote(value), word(value)).decode()
    assert split_command(line) == ["SET", "VARIABLE", "X", value, value]


TOUR_REPLIES = (
    b"".join(b.data for b in captures.load("fastagi_session_04_test.log")[2:] if b.direction == "RX")
    if captures.SESSIONS
    else b""
)


@given(st.lists(st.integers(0, len(TOUR_REPLIES)), max_size=8))
def test_replies_split_anywhere_give_the_same_events(cuts: list[int]) -> None:
    expected = ReplyParser().feed(TOUR_REPLIES)
    parser = ReplyParser()
    events = []
    bounds = [0, *sorted(cuts), len(TOUR_REPLIES)]
    for start, end in pairwise(bounds):
        events.extend(parser.feed(TOUR_REPLIES[start:end]))
    assert events == expected
    assert len(expected) == 17  # 16 replies and the HANGUP notice
