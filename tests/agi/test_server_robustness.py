"""A bad client costs its own connection, never the loop: while half-open, garbage-sending,
oversized, silent and stalling clients are connected, a good call is still served at once."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from agi.errors import AgiProtocolError, AgiTimeout
from agi.server import FastAgiServer
from agi.session import AgiSession
from tests.agi import captures
from tests.agi.conftest import StartServer
from tests.agi.fake_asterisk import FakeChannel, environment

pytestmark = [pytest.mark.usefixtures("shared_dir"), pytest.mark.filterwarnings("error")]

PROMPT = 0.5  # seconds: a good call must be done within this, well under every bad client's timeout


async def ping(session: AgiSession) -> None:
    value = await session.get_variable("LEAD_ID")
    await session.set_variable("PONG", value or "")


async def good_call(server: FastAgiServer) -> float:
    """Place a good call; its duration, after checking that it was served."""
    channel = FakeChannel("ping", {"LEAD_ID": "5556001"})
    started = time.monotonic()
    await channel.call(server.port)
    assert channel.variables["PONG"] == "5556001"
    return time.monotonic() - started


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> float:
    """Seconds until the server closed (or reset) the connection."""
    started = time.monotonic()
    async with asyncio.timeout(within):
        try:
            while await reader.read(65536):
                pass
        except ConnectionError:
            pass
    return time.monotonic() - started


async def wait_idle(server: FastAgiServer) -> None:
    for _ in range(200):
        if not server.active_sessions:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{server.active_sessions} sessions still open after 2 s")


async def test_half_environment_then_disconnect(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agi")
    server = await start_server({"ping": ping}, env_timeout=3.0)
    first_segment = captures.load("nailed_session_01.log")[0].data
    assert not first_segment.endswith(b"\n\n")
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(first_segment)
    await writer.drain()
    writer.close()
    assert await good_call(server) < PROMPT
    await wait_idle(server)
    assert any("left before its environment was complete" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\nHost: dialer\r\n\r\n",
        bytes(range(256)) * 4,
        b"\x00" * 100,
        b"agi_network: yes\nthis is not an environment line\n",
    ],
)
async def test_garbage_is_refused_at_once(start_server: StartServer, garbage: bytes) -> None:
    server = await start_server({"ping": ping}, env_timeout=3.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(garbage)
    assert await closed_by_server(reader, within=2.0) < PROMPT
    assert await good_call(server) < PROMPT
    writer.close()


async def test_huge_environment_is_cut_off_at_the_limit(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = await start_server({"ping": ping}, env_timeout=3.0, env_max_bytes=4096)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(environment("ping")[:-1])  # all but the closing empty line
    writer.write(b"agi_arg_1: " + b"x" * (1024 * 1024) + b"\n\n")
    with pytest.raises(ConnectionError):
        for _ in range(100):  # the server resets the connection instead of swallowing a megabyte
            await writer.drain()
            writer.write(b"x" * 65536)
            await asyncio.sleep(0.01)
    assert await closed_by_server(reader, within=1.0) < PROMPT
    assert await good_call(server) < PROMPT
    assert any("larger than 4096 bytes" in r.getMessage() for r in caplog.records)
    writer.close()


async def test_silent_client_is_dropped_after_the_environment_timeout(start_server: StartServer) -> None:
    server = await start_server({"ping": ping}, env_timeout=0.4)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    assert await good_call(server) < PROMPT  # served while the silent one is connected
    assert 0.2 < await closed_by_server(reader, within=2.0) < 1.5
    writer.close()


async def test_environment_trickling_in_too_slowly_is_dropped(start_server: StartServer) -> None:
    server = await start_server({"ping": ping}, env_timeout=0.4)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    with pytest.raises(ConnectionError):
        for byte in environment("ping"):  # one byte every 20 ms: 30 s for the whole block
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.02)
            if reader.at_eof():
                raise ConnectionResetError
    assert await good_call(server) < PROMPT
    writer.close()


async def test_asterisk_that_never_replies_costs_one_command_timeout(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    errors: list[BaseException] = []

    async def stuck(session: AgiSession) -> None:
        try:
            await session.get_variable("LEAD_ID")
        except AgiTimeout as exc:
            errors.append(exc)
            raise

    server = await start_server({"stuck": stuck, "ping": ping}, reply_timeout=0.3)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(environment("stuck"))
    assert await reader.readline() == b"GET VARIABLE LEAD_ID\n"
    assert await good_call(server) < PROMPT
    assert 0.1 < await closed_by_server(reader, within=2.0) < 1.0
    assert len(errors) == 1
    assert any(
        "no reply within 0.3 s" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
    )
    writer.close()


@pytest.mark.parametrize("junk", [b"\xff\xfe binary junk\n", b"200 result=1 (" + b"x" * 100_000 + b")\n"])
async def test_junk_instead_of_a_reply_ends_that_call(start_server: StartServer, junk: bytes) -> None:
    errors: list[BaseException] = []

    async def victim(session: AgiSession) -> None:
        try:
            await session.get_variable("LEAD_ID")
        except AgiProtocolError as exc:
            errors.append(exc)
            raise

    server = await start_server({"victim": victim, "ping": ping})
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(environment("victim"))
    await reader.readline()
    writer.write(junk)
    assert await closed_by_server(reader, within=1.0) < PROMPT
    assert len(errors) == 1
    assert await good_call(server) < PROMPT
    writer.close()


async def test_reply_without_a_command_is_a_protocol_error(start_server: StartServer) -> None:
    outcome: list[str] = []

    async def idle(session: AgiSession) -> None:
        await asyncio.sleep(0.2)
        try:
            await session.noop()
        except AgiProtocolError:
            outcome.append("protocol error")
            raise

    server = await start_server({"idle": idle})
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(environment("idle") + b"200 result=1\n")
    assert await closed_by_server(reader, within=1.0) < PROMPT
    await wait_idle(server)
    assert outcome == ["protocol error"]
    writer.close()


async def test_handler_exception_is_logged_and_the_server_keeps_serving(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(session: AgiSession) -> None:
        await session.noop()
        raise RuntimeError("bug in a route")

    server = await start_server({"broken": broken, "ping": ping})
    channel = FakeChannel("broken")
    await channel.call(server.port)
    assert channel.commands == [["NOOP"]]
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and "route 'broken'" in failures[0].getMessage()
    assert failures[0].exc_info is not None and "bug in a route" in str(failures[0].exc_info[1])
    assert await good_call(server) < PROMPT


async def test_unknown_route_is_closed_without_commands(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = await start_server({"ping": ping})
    channel = FakeChannel("nosuchroute?campaign=1")
    await channel.call(server.port)
    assert channel.commands == []
    assert any("no route 'nosuchroute'" in r.getMessage() for r in caplog.records)
    server.add_route("/nosuchroute/", ping)
    served = FakeChannel("nosuchroute?campaign=1", {"LEAD_ID": "1"})
    await served.call(server.port)
    assert served.variables["PONG"] == "1"


async def test_sessions_over_the_limit_are_refused_and_capacity_comes_back(start_server: StartServer) -> None:
    server = await start_server({"ping": ping}, max_sessions=2, env_timeout=0.4)
    silent = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(2)]
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    assert await closed_by_server(reader, within=1.0) < 0.2  # refused at once
    writer.close()
    for silent_reader, _ in silent:
        await closed_by_server(silent_reader, within=2.0)
    await wait_idle(server)
    assert await good_call(server) < PROMPT
    for _, silent_writer in silent:
        silent_writer.close()


async def test_close_ends_calls_in_progress(start_server: StartServer) -> None:
    started = asyncio.Event()

    async def forever(session: AgiSession) -> None:
        started.set()
        await asyncio.Event().wait()

    server = await start_server({"forever": forever})
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(environment("forever"))
    await asyncio.wait_for(started.wait(), 1)
    began = time.monotonic()
    await server.close()
    assert time.monotonic() - began < 1.0
    assert await closed_by_server(reader, within=1.0) < PROMPT
    writer.close()


async def test_good_calls_stay_prompt_under_a_crowd_of_bad_clients(start_server: StartServer) -> None:
    """Good calls are served while the bad clients still hold their connections.

    The proof is the order, not a stopwatch: a server the bad clients blocked would serve the good
    calls only once their environment timeout had closed them. The timeouts are long so that a
    stall of a loaded machine cannot end a good call (a reply timeout once did, and the caller's
    late reply then met a closed socket) or a bad one before the good calls are done.
    """
    server = await start_server({"ping": ping}, env_timeout=30.0, reply_timeout=30.0, session_timeout=60.0)
    first_segment = captures.load("nailed_session_01.log")[0].data
    bad: list[asyncio.StreamWriter] = []
    try:
        for n in range(30):
            _, writer = await asyncio.open_connection("127.0.0.1", server.port)
            if n % 3 == 1:
                writer.write(first_segment)  # half an environment, then nothing
            elif n % 3 == 2:
                writer.write(bytes(range(256)))  # garbage: refused at once
            bad.append(writer)
        await asyncio.gather(*(good_call(server) for _ in range(20)))
        # The silent and the half-environment clients (20 of them) are all still connected
        # (the garbage ones are refused at once, or about to be).
        assert server.active_sessions >= 20
    finally:
        for writer in bad:
            writer.close()


async def test_handler_running_past_the_session_limit_is_ended(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def forever(session: AgiSession) -> None:
        await session.noop()
        await asyncio.Event().wait()

    server = await start_server({"forever": forever, "ping": ping}, session_timeout=0.3)
    channel = FakeChannel("forever")
    started = time.monotonic()
    await channel.call(server.port)
    assert 0.2 < time.monotonic() - started < 1.5
    assert any("ran past 0.3 s" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert await good_call(server) < PROMPT
