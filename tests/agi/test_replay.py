"""The server against Asterisk's side of the captured FastAGI sessions, replayed over TCP.

Handlers written with the typed session API must send byte for byte what the capture's server
sent, and read Asterisk's real replies (segments, usage blocks, HANGUP notices) into the right
results and exceptions.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from agi.errors import AgiCommandFailed, AgiHangup, AgiUnknownCommand, AgiUsageError
from agi.session import AgiSession, ChannelStatus, StreamResult
from tests.agi import captures
from tests.agi.conftest import StartServer
from tests.agi.replay import replay

pytestmark = [pytest.mark.usefixtures("shared_dir"), pytest.mark.filterwarnings("error")]


async def test_c1_command_tour(start_server: StartServer) -> None:
    seen: dict[str, object] = {}

    async def tour(session: AgiSession) -> None:
        assert session.request.args == ("one", "two words")
        await session.answer()
        seen["status"] = await session.channel_status()
        seen["lead"] = await session.get_variable("LEAD_ID")
        await session.set_variable("FROM_AGI", "hello world")
        seen["from_agi"] = await session.get_variable("FROM_AGI")
        seen["playback"] = await session.exec("Playback", "/srv/lab/sounds/lab-tone")
        seen["stream"] = await session.stream_file("/srv/lab/sounds/lab-tone", "#")
        with pytest.raises(AgiCommandFailed) as missing:
            await session.stream_file("/srv/lab/sounds/does-not-exist")
        seen["missing"] = missing.value.result
        seen["digit"] = await session.wait_for_digit(0.5)
        with pytest.raises(AgiCommandFailed) as no_app:
            await session.exec("NoSuchApplication", "foo")
        seen["no_app"] = no_app.value.result
        with pytest.raises(AgiUnknownCommand):
            await session.command("FOO BAR")
        with pytest.raises(AgiUsageError) as usage:
            await session.command("SET VARIABLE")
        seen["usage"] = usage.value.text
        await session.noop()
        await session.hangup()
        seen["lead_after_hangup"] = await session.get_variable("LEAD_ID")
        await session.verbose("after hangup", 1)
        seen["hung_up"] = session.hung_up
        seen["done"] = True

    server = await start_server({"test": tour})
    await replay(server.port, captures.load("fastagi_session_04_test.log"))
    assert seen == {
        "status": ChannelStatus.UP,
        "lead": "5553001",
        "from_agi": "hello world",
        "playback": 0,
        "stream": StreamResult(digit=None, endpos=8000),
        "missing": "-1",
        "digit": None,
        "no_app": "-2",
        "usage": "Invalid command syntax.  Proper usage follows:\n"
        "Sets a variable to the current channel.\nEnd of proper usage.",
        "lead_after_hangup": "5553001",
        "hung_up": True,
        "done": True,
    }


async def test_c2_customer_hangs_up_during_exec(start_server: StartServer) -> None:
    seen: list[object] = []

    async def slow(session: AgiSession) -> None:
        seen.append(await session.get_variable("CAMPAIGN_ID"))
        try:
            await session.exec("Wait", "15")
        except AgiHangup:
            seen.append("hangup")
        seen.append(await session.get_variable("CAMPAIGN_ID"))  # still answered on the dead channel

    server = await start_server({"slow": slow})
    await replay(server.port, captures.load("fastagi_session_05_slow.log"))
    assert seen == ["44", "hangup", "44"]


async def test_c2_hangup_ends_a_handler_that_does_not_catch_it_as_a_normal_end(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def slow(session: AgiSession) -> None:
        await session.get_variable("CAMPAIGN_ID")
        await session.exec("Wait", "15")
        raise AssertionError("not reached: the caller hung up")

    blocks = captures.load("fastagi_session_05_slow.log")
    server = await start_server({"slow": slow})
    caplog.set_level(logging.INFO, logger="agi")
    await replay(server.port, blocks[:-2])  # the capture's last command came after the hangup
    hangups = [r for r in caplog.records if "hung up during route 'slow'" in r.getMessage()]
    assert [r.levelno for r in hangups] == [logging.INFO]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def screen(session: AgiSession) -> None:
    """What the capture's 'screen' script did, written with the typed API."""
    campaign = await session.get_variable("CAMPAIGN_ID")
    want = await session.get_variable("WANT_ROUTE")
    await session.get_full_variable("${CALLERID(num)}|${CHANNEL(state)}|${UNIQUEID}")
    await session.get_variable("NO_SUCH_VARIABLE")
    await session.verbose(f"FastAGI screen: campaign={campaign} want={want}", 1)
    await session.exec("Playback", "/srv/lab/sounds/lab-tone")
    await session.set_variable("AGI_ROUTE", want or "queue")


async def nailed(session: AgiSession) -> None:
    """What the capture's 'nailed' script did: put the customer into the operator's ConfBridge."""
    operator = await session.get_variable("OPERATOR")
    await session.get_variable("LEAD_ID")
    await session.set_variable("CONF", f"op{operator}")


@pytest.mark.parametrize("name", [n for n in captures.SESSIONS if "screen" in n or "nailed" in n])
async def test_captured_screen_and_nailed_sessions(start_server: StartServer, name: str) -> None:
    server = await start_server({"screen": screen, "nailed": nailed})
    async with asyncio.timeout(5):
        await replay(server.port, captures.load(name))
