"""An AMI client and the call tracker that follows the calls placed through it, wired together.

The client only speaks AMI and the tracker only reads events; this is where they meet: the tracker
hears every event (before any later listener) and every resync listing, and learns of the calls the
product places and hangs up before the actions go out. The engine builds one per Asterisk server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ami.actions import OriginateRejected
from ami.client import AmiClient
from ami.errors import NotConnected
from ami.tracker import CallTracker


class TrackedCalls:
    def __init__(self, client: AmiClient, tracker: CallTracker) -> None:
        self.client = client
        self.tracker = tracker
        client.add_event_listener(tracker.feed)
        client.add_resync_listener(tracker)

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
        operator: str | None = None,
        within: float | None = None,
    ) -> None:
        """``AmiClient.originate``, followed by the tracker (``operator``: this is that operator's
        nailed-up leg, not a customer call). An Originate refused at once, or sent while there is no
        connection, is a call failed (channel unavailable) before the error is raised; a connection
        lost before the answer leaves the call to the resync after reconnecting."""
        if operator is not None:
            self.tracker.track_operator(call_id, operator, action_id=call_id)
        else:
            self.tracker.track_call(call_id, action_id=call_id)
        try:
            await self.client.originate(
                call_id,
                channel,
                context=context,
                exten=exten,
                priority=priority,
                variables=variables,
                caller_id=caller_id,
                ring_timeout_s=ring_timeout_s,
                within=within,
            )
        except (OriginateRejected, NotConnected):
            self.tracker.originate_rejected(call_id)
            raise

    async def adopt(self, call_ids: Iterable[str]) -> list[str]:
        """Follow calls another process placed (its engine died) while connected: listed now, the
        live ones are found again and the others end as lost; returns the ids of those."""
        ids = list(call_ids)
        for call_id in ids:
            self.tracker.track_call(call_id)
        self.tracker.begin_resync(only=ids)
        listed = await self.client.list_live()  # failing: the reconnect's resync judges them all
        return self.tracker.end_resync(listed, pbx_restarted=False)

    async def hangup(
        self, channel: str, *, call_id: str | None = None, cause: int = 16, within: float | None = None
    ) -> None:
        """``AmiClient.hangup``; ``call_id`` tells the tracker the product ended that call."""
        if call_id is not None:
            self.tracker.note_product_hangup(call_id)
        await self.client.hangup(channel, cause=cause, within=within)
