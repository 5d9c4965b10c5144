"""The simulator as a FastAGI client (captures c1, c2 and fastagi sessions 04, 05): the captured
server's commands replayed against it get the captured replies, and AMI shows the same events."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import pytest

from pbxsim import PbxSim
from tests.pbxsim.helpers import TRACES, AmiClient, capture, captured_tx, compare, same_facts


def session_log(name: str) -> list[tuple[str, str]]:
    """(TX|RX, text) blocks of a fastagi session log; the environment block is left out."""
    path = TRACES / "fastagi" / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    out: list[tuple[str, list[str]]] = []
    for line in path.read_text().splitlines():
        if line.startswith("#### "):
            kind = line.split()[1]
            out.append((kind, []))
        elif out:
            out[-1][1].append(line)
    blocks = [(kind, "\n".join(lines).strip("\n")) for kind, lines in out if kind in ("TX", "RX")]
    return [(kind, text) for kind, text in blocks if not text.startswith("agi_") and text]


@dataclass
class ReplayServer:
    """Sends the captured commands one by one, with the captured pauses, and records the replies."""

    commands: list[tuple[str, float]]
    replies: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (line := (await reader.readline()).decode().rstrip("\n")) != "":
            key, _, value = line.partition(": ")
            self.env[key] = value
        for command, pause in self.commands:
            await asyncio.sleep(pause)
            writer.write(command.encode() + b"\n")
            await writer.drain()
            while True:
                reply = (await reader.readline()).decode().rstrip("\n")
                self.replies.append(reply)
                if reply[:4] in ("200 ", "510 ", "511 ", "520 "):
                    break
        with contextlib.suppress(TimeoutError):  # an unsolicited HANGUP line may still come
            late = await asyncio.wait_for(reader.read(100), 0.3)
            self.replies += [line for line in late.decode().splitlines() if line]
        writer.close()
        self.done.set()


def captured_replies(log: list[tuple[str, str]]) -> list[str]:
    return [line for kind, text in log if kind == "RX" for line in text.splitlines()]


async def replay(sim: PbxSim, client: AmiClient, capture_name: str, commands: list[tuple[str, float]]):
    server = ReplayServer(commands)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    sim.pbx.config.agi_port = listener.sockets[0].getsockname()[1]
    (originate,) = [a for a in captured_tx(capture_name) if a.get("Action") == "Originate"]
    start = len(client.received)
    client.send(originate.pairs)
    await client.wait_for(lambda m: m.event == "Hangup", start=start, limit=20)
    await asyncio.wait_for(server.done.wait(), 5)
    listener.close()
    return server, client.received[start:]


async def test_command_tour_replies_and_events_match_capture(sim: PbxSim, client: AmiClient) -> None:
    log = session_log("fastagi_session_04_test.log")
    sim.pbx.config.missing_sounds = frozenset({"/srv/lab/sounds/does-not-exist"})
    sim.customer("5553001", ring=2)
    commands = [(text, 0.0) for kind, text in log if kind == "TX"]
    server, received = await replay(sim, client, "c1_fastagi_command_tour", commands)
    assert server.env["agi_network_script"] == "test"
    assert (server.env["agi_arg_1"], server.env["agi_arg_2"]) == ("one", "two words")
    assert server.replies == captured_replies(log)
    assert compare(capture("c1_fastagi_command_tour"), received) == []
    assert same_facts("c1_fastagi_command_tour", client) == []


async def test_customer_hangs_up_during_agi(sim: PbxSim, client: AmiClient) -> None:
    log = session_log("fastagi_session_05_slow.log")
    sim.customer("5553002", ring=2, patience=4)
    # GET VARIABLE, "EXEC Wait 15" at once; after the HANGUP line, a last GET VARIABLE (as captured)
    tx = [text for kind, text in log if kind == "TX"]
    commands = [(text, 0.1 if i == len(tx) - 1 else 0.0) for i, text in enumerate(tx)]
    server, received = await replay(sim, client, "c2_fastagi_customer_hangs_up_during_agi", commands)
    assert server.replies == captured_replies(log)  # 200 result=-1, HANGUP, 200 result=1 (44)
    assert compare(capture("c2_fastagi_customer_hangs_up_during_agi"), received) == []
    assert same_facts("c2_fastagi_customer_hangs_up_during_agi", client) == []
