"""A small scripted AMI server for the client's failure-mode tests (answers shaped as the captures)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from ami.wire import AmiParser, Message, encode

Pairs = list[tuple[str, str]]


class FakeAmi:
    """Accepts connections, answers Login/Ping/listings/actions; tests change its behaviour on the fly.

    ``on_originate`` decides what an Originate gets: "queue" (Success, then ``originate_events``),
    "error" (Response Error), "drop" (the connection is closed without an answer).
    """

    def __init__(self, secret: str = "s3cr3t") -> None:
        self.secret = secret
        self.on_originate = "queue"
        self.originate_events: Callable[[Message], list[Pairs]] = lambda action: []
        self.channels: list[Pairs] = []  # what CoreShowChannels lists
        self.uptime = 100
        self.silent = False  # answer nothing at all (a half-open peer)
        self.actions: list[Message] = []
        self.logins = 0
        self.login_times: list[float] = []
        self.writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.drop_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_all(self) -> None:
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    def push(self, *events: Pairs) -> None:
        for writer in self.writers:
            for pairs in events:
                writer.write(encode(pairs))

    def actions_named(self, name: str) -> list[Message]:
        return [a for a in self.actions if a.get("Action") == name]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        writer.write(b"Asterisk Call Manager/11.0.0\r\n")
        parser = AmiParser(expect_banner=False)
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                for action in parser.feed(data):
                    self.actions.append(action)
                    if not self.silent:
                        await self._answer(action, writer)
        writer.close()

    async def _answer(self, action: Message, writer: asyncio.StreamWriter) -> None:
        name, action_id = action.get("Action"), action.get("ActionID") or ""

        def reply(*pairs: tuple[str, str], response: str = "Success") -> None:
            writer.write(encode([("Response", response), ("ActionID", action_id), *pairs]))

        if name == "Login":
            self.logins += 1
            self.login_times.append(asyncio.get_running_loop().time())
            if action.get("Secret") != self.secret:
                await asyncio.sleep(0.01)  # Asterisk waits ~1 s, then closes
                reply(("Message", "Authentication failed"), response="Error")
                await writer.drain()
                writer.close()
                return
            reply(("Message", "Authentication accepted"))
            writer.write(
                encode(
                    [
                        ("Event", "FullyBooted"),
                        ("Privilege", "system,all"),
                        ("Uptime", str(self.uptime)),
                        ("Status", "Fully Booted"),
                    ]
                )
            )
        elif name == "Ping":
            reply(("Ping", "Pong"), ("Timestamp", "1795755546.000000"))
        elif name == "CoreShowChannels":
            reply(("EventList", "start"), ("Message", "Channels will follow"))
            for channel in self.channels:
                writer.write(encode([("Event", "CoreShowChannel"), ("ActionID", action_id), *channel]))
            writer.write(
                encode(
                    [
                        ("Event", "CoreShowChannelsComplete"),
                        ("ActionID", action_id),
                        ("EventList", "Complete"),
                        ("ListItems", str(len(self.channels))),
                    ]
                )
            )
        elif name == "Status":
            reply(("EventList", "start"), ("Message", "Channel status will follow"))
            writer.write(
                encode(
                    [
                        ("Event", "StatusComplete"),
                        ("ActionID", action_id),
                        ("EventList", "Complete"),
                        ("ListItems", "0"),
                        ("Items", "0"),
                    ]
                )
            )
        elif name == "Originate":
            if self.on_originate == "drop":
                writer.close()
                return
            if self.on_originate == "error":
                reply(("Message", "Invalid channel"), response="Error")
                return
            reply(("Message", "Originate successfully queued"))
            for pairs in self.originate_events(action):
                writer.write(encode(pairs))
        elif name == "Filter":
            reply(("Message", "Filter Added Successfully"))
        elif name == "UserEvent":
            reply(("Message", "Event Sent"))
        elif name == "Hangup":
            reply(("Message", "Channel Hungup"))
        elif name == "Command":
            writer.write(
                encode(
                    [
                        ("Response", "Success"),
                        ("ActionID", action_id),
                        ("Message", "Command output follows"),
                        ("Output", "line one"),
                        ("Output", "line two"),
                    ]
                )
            )
        elif name == "Logoff":
            reply(("Message", "Thanks for all the fish."), response="Goodbye")
        else:
            reply(("Message", f"Invalid/unknown command: {name}."), response="Error")
        await writer.drain()


def channel_event(event: str, uniqueid: str, channel: str, *extra: tuple[str, str]) -> Pairs:
    return [
        ("Event", event),
        ("Privilege", "call,all"),
        ("Channel", channel),
        ("ChannelState", "6"),
        ("Uniqueid", uniqueid),
        ("Linkedid", uniqueid),
        *extra,
    ]
