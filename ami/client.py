"""The AMI client: keeps one logged-in connection to Asterisk alive and tells the product about it.

Life of the client (``start()`` runs it in a task, ``stop()`` ends it):
1. connect (``connect_timeout``), read the banner, ``Login`` with the event classes the product needs;
   a refused login raises nothing into the engine: it is logged as an error (user and address, never
   the secret), reported to state listeners as ``login_refused`` and retried with backoff;
2. add the manager event filters, wait for ``FullyBooted`` (a restarting Asterisk accepts logins before
   it is ready), then resynchronise: ``CoreShowChannels`` and ``Status`` are handed to the resync
   listeners (the call tracker, wired by the engine), which close every call the listing no longer
   shows (as ended by the PBX restart when a ``Shutdown`` was seen or Asterisk's uptime is younger
   than our outage); with an endpoint tracker, the softphones' contacts (``PJSIPShowContacts``) are
   stated to it, since events only tell what changes;
3. only then report ``ready``; every ``ping_interval`` a ``Ping`` must be answered within
   ``ping_timeout`` or the connection is declared dead and closed (a half-open TCP connection is found
   in seconds, not at the next TCP keepalive);
4. on EOF, error or dead ping: report ``lost``, fail waiting actions at once, reconnect with
   exponential backoff (``reconnect_min`` .. ``reconnect_max``).

Actions sent while there is no logged-in connection raise ``NotConnected`` at once. Event listeners
may be plain functions or coroutine functions, called in the order they were added; exceptions of
either are logged, never lost. The client only speaks AMI: it knows no call (``ami.tracked`` wires a
call tracker to it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from ami.actions import AmiActions
from ami.connection import AmiConnection, Reply
from ami.endpoints import EndpointTracker
from ami.errors import ActionFailed, ActionTimeout, AmiError, ConnectionLost, LoginRefused, NotConnected
from ami.events import AmiEvent, ContactList, FullyBooted, Shutdown, to_event
from ami.settings import AmiSettings
from ami.wire import Message

log = logging.getLogger(__name__)

EventListener = Callable[[AmiEvent], Awaitable[None] | None]
StateListener = Callable[[str, str], None]  # (state, detail): connecting, login_refused, ready, lost, stopped


class ResyncListener(Protocol):
    """Told of the live channels Asterisk lists after every (re)connect, before the client is ready."""

    def begin_resync(self) -> None:
        """The listing is about to be asked for."""

    def end_resync(self, listed: Sequence[AmiEvent], *, pbx_restarted: bool) -> list[str]:
        """The listing (``CoreShowChannel`` and ``Status`` events); returns the calls it closed."""


class AmiClient(AmiActions):
    """One Asterisk's manager interface, kept connected; feeds its events to an endpoint tracker
    (softphones' registrations, listed again at every connect) and listeners."""

    def __init__(self, settings: AmiSettings, *, endpoints: EndpointTracker | None = None) -> None:
        self.settings = settings
        self.endpoints = endpoints
        self.state = "stopped"
        self.last_error: str | None = None
        self.ping_rtt: float | None = None  # seconds the last Ping took: it queues behind the events
        self._connection: AmiConnection | None = None
        self._logged_in = False
        self._ready = asyncio.Event()
        self._booted = asyncio.Event()
        self._boot_uptime: int | None = None
        self._shutdown_seen = False
        self._lost_at: float | None = None
        self._event_listeners: list[EventListener] = []
        self._state_listeners: list[StateListener] = []
        self._resync_listeners: list[ResyncListener] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    # ---- public surface -------------------------------------------------------------------------

    def add_event_listener(self, listener: EventListener) -> None:
        self._event_listeners.append(listener)

    def add_state_listener(self, listener: StateListener) -> None:
        self._state_listeners.append(listener)

    def add_resync_listener(self, listener: ResyncListener) -> None:
        self._resync_listeners.append(listener)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def start(self) -> None:
        """Start connecting in the background; ``wait_ready`` to know when actions may be sent."""
        if self._runner is None or self._runner.done():
            self._stopping = False
            self._runner = asyncio.create_task(self._run(), name=f"ami-client-{self.settings.address}")

    async def wait_ready(self, within: float | None = None) -> None:
        async with asyncio.timeout(within):
            await self._ready.wait()

    async def stop(self) -> None:
        """Log off (best effort), close and stop reconnecting."""
        runner, self._runner = self._runner, None
        self._stopping = True
        connection = self._connection
        if connection is not None and connection.is_open and self._logged_in:
            with contextlib.suppress(AmiError):
                await connection.request([("Action", "Logoff")], within=1.0)
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        if connection is not None:
            connection.close()
        for task in list(self._tasks):
            task.cancel()
        self._set_state("stopped", "")

    async def send(
        self, pairs: Sequence[tuple[str, str]], *, within: float | None = None, action_id: str | None = None
    ) -> Reply:
        """Send one action on the logged-in connection; ``Response: Error`` raises ``ActionFailed``."""
        connection = self._connection
        if connection is None or not connection.is_open or not self._logged_in:
            raise NotConnected(f"no AMI connection to {self.settings.address} ({self.state})")
        reply = await connection.request(pairs, within or self.settings.action_timeout, action_id=action_id)
        if not reply.success:
            raise ActionFailed(pairs[0][1], reply.message)
        return reply

    # ---- the connection's life ------------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while True:
            self._set_state("connecting", self.settings.address)
            try:
                await self._session()
            except LoginRefused as exc:
                self.last_error = str(exc)
                log.error("%s; retrying with backoff", exc)
                self._set_state("login_refused", str(exc))
            except (OSError, AmiError, TimeoutError) as exc:
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("AMI %s: %s", self.settings.address, self.last_error)
            except Exception as exc:  # a bug must not stop the reconnecting for good
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("AMI %s: unexpected failure; reconnecting", self.settings.address)
            finally:
                if self._drop_connection():
                    attempt = 0  # it was up: this outage starts the backoff again
            delay = min(self.settings.reconnect_max, self.settings.reconnect_min * (2 ** min(attempt, 16)))
            attempt += 1
            await asyncio.sleep(delay)

    async def _session(self) -> None:
        settings = self.settings
        connection = AmiConnection(self._on_message)
        self._connection = connection
        self._booted.clear()
        self._boot_uptime = None
        await connection.open(settings.host, settings.port, within=settings.connect_timeout)
        login = await connection.request(
            [
                ("Action", "Login"),
                ("Username", settings.username),
                ("Secret", settings.secret),
                ("Events", settings.events),
            ],
            within=settings.action_timeout,
        )
        if not login.success:
            raise LoginRefused(
                f"AMI login refused for user {settings.username!r} at {settings.address}: "
                f"{login.message or 'no reason given'}"
            )
        self._logged_in = True
        for expression in settings.event_filters:
            await self.send([("Action", "Filter"), ("Operation", "Add"), ("Filter", expression)])
        try:
            async with asyncio.timeout(settings.boot_timeout):
                await self._booted.wait()
        except TimeoutError:
            log.warning(
                "AMI %s: no FullyBooted within %g s; going on", settings.address, settings.boot_timeout
            )
        await self._resync()
        await self._resync_endpoints()
        self._ready.set()
        self._set_state("ready", connection.banner or "")
        await self._watch(connection)

    async def _resync(self) -> None:
        """Rebuild the calls in progress from what Asterisk lists, before anyone trusts the client."""
        for listener in self._resync_listeners:
            listener.begin_resync()
        listed = await self.list_live()
        outage = time.monotonic() - self._lost_at if self._lost_at is not None else None
        young = self._boot_uptime is not None and outage is not None and self._boot_uptime <= outage + 1
        restarted, self._shutdown_seen = self._shutdown_seen or young, False
        if not self._resync_listeners:
            return
        for listener in self._resync_listeners:
            closed = listener.end_resync(listed, pbx_restarted=restarted)
            if closed:
                log.warning(
                    "AMI %s: %d call(s) ended while disconnected: %s",
                    self.settings.address,
                    len(closed),
                    ", ".join(closed),
                )

    async def list_live(self) -> list[AmiEvent]:
        """Asterisk's listing of the live channels (``CoreShowChannels``, then ``Status`` with every
        channel variable, which carries the product's call id)."""
        channels = await self.send([("Action", "CoreShowChannels")])
        statuses = await self.send([("Action", "Status"), ("AllVariables", "true")])
        return [to_event(message) for message in [*channels.events, *statuses.events]]

    async def _resync_endpoints(self) -> None:
        """State every softphone's registration from Asterisk's contacts, before anyone trusts it."""
        if self.endpoints is None:
            return
        try:
            listing = await self.pjsip_show_contacts()
        except ActionFailed as exc:  # e.g. no "system" write privilege: the events alone must do
            log.warning("AMI %s: softphones not listed (%s)", self.settings.address, exc)
            return
        self.endpoints.resync(e for e in map(to_event, listing) if isinstance(e, ContactList))

    async def _watch(self, connection: AmiConnection) -> None:
        """Ping until the connection ends; no answer in time means it is dead."""
        settings = self.settings
        while connection.is_open:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(settings.ping_interval):
                    await connection.wait_closed()
            if not connection.is_open:
                break
            sent = time.monotonic()
            try:
                await connection.request([("Action", "Ping")], within=settings.ping_timeout)
                self.ping_rtt = time.monotonic() - sent
            except ActionTimeout:
                self.ping_rtt = time.monotonic() - sent
                log.warning(
                    "AMI %s: no answer to Ping within %g s: connection is dead, reconnecting",
                    settings.address,
                    settings.ping_timeout,
                )
                connection.close()
            except ConnectionLost:
                break
        raise ConnectionLost(f"AMI connection to {settings.address} ended")

    def _drop_connection(self) -> bool:
        """Forget the connection; True when it had been ready."""
        connection, self._connection = self._connection, None
        was_ready = self._ready.is_set()
        self._logged_in = False
        self._ready.clear()
        if connection is not None:
            connection.close()
        if was_ready and not self._stopping:
            self._lost_at = time.monotonic()
            self._set_state("lost", self.last_error or "")
        return was_ready

    # ---- events ---------------------------------------------------------------------------------

    def _on_message(self, message: Message) -> None:
        if message.event is None:
            log.debug("AMI answer nobody waits for: %s", message.action_id)
            return
        event = to_event(message)
        if isinstance(event, FullyBooted):
            self._boot_uptime = event.uptime
            self._booted.set()
        elif isinstance(event, Shutdown):
            self._shutdown_seen = True
            log.warning(
                "AMI %s: Asterisk is shutting down (restart=%s)", self.settings.address, event.restart
            )
        if self.endpoints is not None:
            try:
                self.endpoints.feed(event)
            except Exception:
                log.exception("EndpointTracker failed on %s", event.event_name)
        for listener in self._event_listeners:
            try:
                result = listener(event)
            except Exception:
                log.exception("AMI event listener %r failed on %s", listener, event.event_name)
                continue
            if result is not None:
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._listener_done)

    def _listener_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("AMI event listener coroutine failed", exc_info=task.exception())

    def _set_state(self, state: str, detail: str) -> None:
        self.state = state
        for listener in self._state_listeners:
            try:
                listener(state, detail)
            except Exception:
                log.exception("AMI state listener %r failed", listener)
