"""The AMI server: TCP, banner, login, one session per connection, events to those who want them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable

from ami.wire import AmiParser, Message, encode
from pbxsim.channel import Pairs
from pbxsim.clock import event_tv
from pbxsim.pbx import Pbx

log = logging.getLogger(__name__)

BANNER = b"Asterisk Call Manager/11.0.0\r\n"

ActionHandler = Callable[["Session", Message], Awaitable[None]]


class Session:
    """One AMI connection."""

    def __init__(self, server: AmiServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.username: str | None = None
        self.events = False
        self.classes: frozenset[str] | None = None  # None: every class ("Events: on")
        self.filters: list[tuple[bool, re.Pattern[str]]] = []  # (keep, regex) from Action: Filter
        peer = writer.get_extra_info("peername") or ("127.0.0.1", 0)
        self.remote = f"IPV4/TCP/{peer[0]}/{peer[1]}"
        self.session_id = f"0x{id(self):x}"
        self.opened = server.pbx.now()
        self.closed = False

    @property
    def authenticated(self) -> bool:
        return self.username is not None

    def set_events(self, value: str) -> None:
        """``Events:`` of Login (or the Events action): on, off, or a list of classes."""
        text = value.strip().lower()
        self.events = text not in ("off", "no", "false", "0", "")
        self.classes = None if text in ("on", "yes", "true", "1") else frozenset(text.split(","))

    def wants(self, pairs: Pairs) -> bool:
        """Whether this session receives an event: its class mask, then its Filter expressions."""
        if not (self.authenticated and self.events):
            return False
        if self.classes is not None:
            privilege = next((v for k, v in pairs if k == "Privilege"), "")
            if not self.classes.intersection(privilege.lower().split(",")) - {"all"}:
                return False
        if not self.filters:
            return True
        lines = [f"{k}: {v}" for k, v in pairs]
        keep = [rx for want, rx in self.filters if want]
        drop = [rx for want, rx in self.filters if not want]
        if keep and not any(rx.search(line) for rx in keep for line in lines):
            return False
        return not any(rx.search(line) for rx in drop for line in lines)

    def send(self, pairs: Pairs) -> None:
        if self.closed:
            return
        try:
            self.writer.write(encode(pairs))
        except (ConnectionError, RuntimeError):
            self.closed = True

    def respond(
        self, msg: Message, response: str, message: str | None = None, *extra: tuple[str, str]
    ) -> None:
        """A response: ``Response``, the ActionID only if the action had one, ``Message``, the rest."""
        pairs: Pairs = [("Response", response)]
        if msg.action_id is not None:
            pairs.append(("ActionID", msg.action_id))
        if message is not None:
            pairs.append(("Message", message))
        self.send(pairs + list(extra))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()

    def security_event(self, name: str, severity: str, *extra: tuple[str, str]) -> Pairs:
        now = self.server.pbx.now()
        return [
            ("Event", name),
            ("Privilege", "security,all"),
            ("EventTV", event_tv(now)),
            ("Severity", severity),
            ("Service", "AMI"),
            ("EventVersion", "1"),
            ("AccountID", self.username or ""),
            ("SessionID", self.session_id),
            ("LocalAddress", f"IPV4/TCP/127.0.0.1/{self.server.port}"),
            ("RemoteAddress", self.remote),
            *extra,
        ]


class AmiServer:
    """Listens for AMI clients and dispatches their actions."""

    def __init__(
        self,
        pbx: Pbx,
        users: dict[str, str],
        actions: dict[str, ActionHandler],
        host: str = "127.0.0.1",
        port: int = 0,
        auth_fail_delay: float = 1.0,
    ) -> None:
        self.pbx = pbx
        self.users = users
        self.actions = {name.lower(): handler for name, handler in actions.items()}
        self.host = host
        self.port = port
        self.auth_fail_delay = auth_fail_delay
        self.sessions: set[Session] = set()
        self.fully_booted = True
        self._server: asyncio.Server | None = None
        pbx.add_listener(self._broadcast)

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("pbxsim AMI listening on %s:%s", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop listening and drop every connection (EOF, no Goodbye: as at an Asterisk restart)."""
        if self._server is not None:
            self._server.close()
            for session in list(self.sessions):
                session.close()
            await self._server.wait_closed()
            self._server = None

    def _broadcast(self, pairs: Pairs) -> None:
        for session in list(self.sessions):
            if session.wants(pairs):
                session.send(pairs)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(self, reader, writer)
        self.sessions.add(session)
        writer.write(BANNER)
        parser = AmiParser(expect_banner=False)
        try:
            while not session.closed:
                data = await reader.read(65536)
                if not data:
                    break
                for msg in parser.feed(data):
                    await self._dispatch(session, msg)
                    if session.closed:
                        break
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.sessions.discard(session)
            session.close()

    async def _dispatch(self, session: Session, msg: Message) -> None:
        action = (msg.get("Action") or "").strip()
        if action.lower() == "login":
            await self._login(session, msg)
            return
        if not session.authenticated:
            session.respond(msg, "Error", "Authentication Required")
            return
        handler = self.actions.get(action.lower())
        if handler is None:
            session.respond(
                msg,
                "Error",
                f"Invalid/unknown command: {action}. Use Action: ListCommands to show available commands.",
            )
            self.pbx.emit(
                session.security_event(
                    "RequestBadFormat",
                    "Error",
                    ("RequestType", f"Action: {action}"),
                    ("SessionTV", event_tv(session.opened)),
                    ("AccountID", session.username or ""),
                )
            )
            return
        await handler(session, msg)

    async def _login(self, session: Session, msg: Message) -> None:
        username = msg.get("Username") or ""
        if self.users.get(username) != (msg.get("Secret") or "") or username not in self.users:
            await asyncio.sleep(self.auth_fail_delay)  # Asterisk's ~1 s penalty, in real time
            if username in self.users:
                saved, session.username = session.username, username
                event = session.security_event("InvalidPassword", "Error")
                session.username = saved
                event[6] = ("EventVersion", "2")
                self.pbx.emit([*event, ("SessionTV", "1970-01-01T00:00:00.000+0000")])
            session.respond(msg, "Error", "Authentication failed")
            with contextlib.suppress(ConnectionError):
                await session.writer.drain()
            session.close()
            return
        session.username = username
        session.set_events(msg.get("Events") or "on")
        session.respond(msg, "Success", "Authentication accepted")
        booted = self.fully_booted_event()
        if self.fully_booted and session.wants(booted):
            session.send(booted)
        now = event_tv(self.pbx.now())
        self.pbx.emit(
            session.security_event(
                "SuccessfulAuth", "Informational", ("UsingPassword", "0"), ("SessionTV", now)
            )
        )

    def fully_booted_event(self) -> Pairs:
        uptime = str(int(self.pbx.now() - self.pbx.booted_at))
        return [
            ("Event", "FullyBooted"),
            ("Privilege", "system,all"),
            ("Uptime", uptime),
            ("LastReload", uptime),
            ("Status", "Fully Booted"),
        ]
