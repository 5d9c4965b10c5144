"""The AMI actions the product uses, as typed async methods (answers as the captures show them).

Every method raises ``NotConnected`` at once when there is no connection, ``ActionTimeout`` when
Asterisk does not answer in time (``within`` seconds, default ``AmiSettings.action_timeout``) and
``ActionFailed`` on ``Response: Error`` (e.g. ``No such channel``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ami import events as ev
from ami.connection import Reply
from ami.errors import ActionFailed
from ami.naming import CALL_ID_VARIABLE
from ami.wire import Message

Pairs = list[tuple[str, str]]


class OriginateRejected(ActionFailed):
    """Asterisk refused the Originate at once (``Invalid channel``, ``Channel not specified``...)."""


class AmiActions:
    """Mixed into ``AmiClient``: needs ``send``."""

    async def send(
        self, pairs: Sequence[tuple[str, str]], *, within: float | None = None, action_id: str | None = None
    ) -> Reply:
        raise NotImplementedError

    # ---- calls ----------------------------------------------------------------------------------

    async def originate(
        self,
        call_id: str,
        channel: str,
        *,
        context: str,
        exten: str = "s",
        priority: int = 1,
        variables: Mapping[str, str] | None = None,
        caller_id: str | None = None,
        ring_timeout_s: float = 30.0,
        within: float | None = None,
    ) -> None:
        """Place a call, always ``Async``: returns once Asterisk has queued it.

        The call id is the ActionID, the ChannelId (so the channel's Uniqueid and Linkedid) and the
        ``DIALER_CALL_ID`` channel variable. What happens next (answer, failure with its cause) comes
        as events. An immediate ``Response: Error`` raises ``OriginateRejected``. A connection lost
        before the answer raises ``ConnectionLost``.
        """
        pairs: Pairs = [
            ("Action", "Originate"),
            ("Channel", channel),
            ("Context", context),
            ("Exten", exten),
            ("Priority", str(priority)),
            ("Async", "true"),
            ("ChannelId", call_id),
            ("Timeout", str(int(ring_timeout_s * 1000))),
        ]
        if caller_id:
            pairs.append(("CallerID", caller_id))
        for name, value in {CALL_ID_VARIABLE: call_id, **(variables or {})}.items():
            if "," in value or "=" in name:
                raise ValueError(f"Originate variable {name}={value!r}: Asterisk splits values on ','")
            pairs.append(("Variable", f"{name}={value}"))
        try:
            await self.send(pairs, within=within, action_id=call_id)
        except ActionFailed as exc:
            raise OriginateRejected("Originate", exc.message) from exc

    async def hangup(self, channel: str, *, cause: int = 16, within: float | None = None) -> None:
        """Hang a channel up."""
        await self.send([("Action", "Hangup"), ("Channel", channel), ("Cause", str(cause))], within=within)

    async def redirect(
        self, channel: str, *, context: str, exten: str, priority: int = 1, within: float | None = None
    ) -> None:
        """Send a channel elsewhere in the dialplan. Asterisk says "Redirect successful" even for a
        missing extension (the channel is then hung up): check the extension exists."""
        pairs = [
            ("Action", "Redirect"),
            ("Channel", channel),
            ("Context", context),
            ("Exten", exten),
            ("Priority", str(priority)),
        ]
        await self.send(pairs, within=within)

    async def bridge(
        self, channel1: str, channel2: str, *, tone: bool = False, within: float | None = None
    ) -> None:
        """Bridge two channels (not usable on a channel inside ConfBridge: Asterisk refuses it)."""
        pairs = [
            ("Action", "Bridge"),
            ("Channel1", channel1),
            ("Channel2", channel2),
            ("Tone", "yes" if tone else "no"),
        ]
        await self.send(pairs, within=within)

    async def setvar(self, channel: str, variable: str, value: str, *, within: float | None = None) -> None:
        await self.send(
            [("Action", "Setvar"), ("Channel", channel), ("Variable", variable), ("Value", value)],
            within=within,
        )

    async def getvar(self, channel: str, variable: str, *, within: float | None = None) -> str | None:
        """A channel variable's value, None when it is not set."""
        reply = await self.send(
            [("Action", "Getvar"), ("Channel", channel), ("Variable", variable)], within=within
        )
        value = reply.response.get("Value")
        return value if value not in (None, "", "(null)") else None

    async def mixmonitor(
        self, channel: str, file: str, *, options: str = "b", within: float | None = None
    ) -> None:
        await self.send(
            [("Action", "MixMonitor"), ("Channel", channel), ("File", file), ("Options", options)],
            within=within,
        )

    async def stop_mixmonitor(self, channel: str, *, within: float | None = None) -> None:
        await self.send([("Action", "StopMixMonitor"), ("Channel", channel)], within=within)

    # ---- queues ---------------------------------------------------------------------------------

    async def queue_add(
        self,
        queue: str,
        interface: str,
        *,
        member_name: str | None = None,
        paused: bool = False,
        within: float | None = None,
    ) -> None:
        pairs = [
            ("Action", "QueueAdd"),
            ("Queue", queue),
            ("Interface", interface),
            ("Paused", "true" if paused else "false"),
        ]
        if member_name:
            pairs.append(("MemberName", member_name))
        await self.send(pairs, within=within)

    async def queue_remove(self, queue: str, interface: str, *, within: float | None = None) -> None:
        await self.send(
            [("Action", "QueueRemove"), ("Queue", queue), ("Interface", interface)], within=within
        )

    async def queue_pause(
        self,
        interface: str,
        paused: bool,
        *,
        queue: str | None = None,
        reason: str | None = None,
        within: float | None = None,
    ) -> None:
        """Pause or unpause a member, in one queue or (``queue`` None) in all of them."""
        pairs = [
            ("Action", "QueuePause"),
            ("Interface", interface),
            ("Paused", "true" if paused else "false"),
        ]
        if queue:
            pairs.append(("Queue", queue))
        if reason:
            pairs.append(("Reason", reason))
        await self.send(pairs, within=within)

    async def queue_status(self, queue: str | None = None, *, within: float | None = None) -> list[Message]:
        """QueueParams and QueueMember events (Status 1 not in use, 2 in use, 5 unavailable...)."""
        pairs = [("Action", "QueueStatus")] + ([("Queue", queue)] if queue else [])
        return (await self.send(pairs, within=within)).events

    # ---- listings (resync, health) --------------------------------------------------------------

    async def core_show_channels(self, *, within: float | None = None) -> list[ev.CoreShowChannel]:
        reply = await self.send([("Action", "CoreShowChannels")], within=within)
        return [e for e in map(ev.to_event, reply.events) if isinstance(e, ev.CoreShowChannel)]

    async def status(
        self,
        channel: str | None = None,
        *,
        variables: Sequence[str] = (),
        all_variables: bool = False,
        within: float | None = None,
    ) -> list[ev.Status]:
        pairs = [("Action", "Status")]
        if channel:
            pairs.append(("Channel", channel))
        if variables:
            pairs.append(("Variables", ",".join(variables)))
        if all_variables:
            pairs.append(("AllVariables", "true"))
        reply = await self.send(pairs, within=within)
        return [e for e in map(ev.to_event, reply.events) if isinstance(e, ev.Status)]

    async def pjsip_show_endpoints(self, *, within: float | None = None) -> list[Message]:
        return (await self.send([("Action", "PJSIPShowEndpoints")], within=within)).events

    async def pjsip_show_contacts(self, *, within: float | None = None) -> list[Message]:
        """Registered contacts; none registered is an empty list (Asterisk answers it as an Error)."""
        try:
            return (await self.send([("Action", "PJSIPShowContacts")], within=within)).events
        except ActionFailed as failure:
            if failure.message == "No Contacts found":
                return []
            raise

    # ---- misc -----------------------------------------------------------------------------------

    async def command(self, command: str, *, within: float | None = None) -> list[str]:
        """A CLI command (e.g. ``dialplan reload``); its output lines."""
        reply = await self.send([("Action", "Command"), ("Command", command)], within=within)
        return reply.response.get_all("Output")

    async def user_event(
        self, name: str, headers: Mapping[str, str] | None = None, *, within: float | None = None
    ) -> None:
        pairs = [("Action", "UserEvent"), ("UserEvent", name), *(headers or {}).items()]
        await self.send(pairs, within=within)

    async def ping(self, *, within: float | None = None) -> None:
        await self.send([("Action", "Ping")], within=within)
