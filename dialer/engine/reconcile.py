"""What a starting engine does with what an earlier process left behind.

1. Expired contact leases go back (a crashed process's contacts return to the queue).
2. Calls storage shows as not ended are put back on the floor and followed on their server before the
   AMI connection's first resync: the resync's listing finds the live ones again (answered,
   connected to their operator), and closes the absent ones (``pbx_restart`` when Asterisk
   restarted, else ``failed`` with no hangup side: lost while nobody watched).
3. Operators' held login legs are followed the same way: found again, or dropped (and called again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from dialer.engine.floor import Floor, LiveCall, LiveOperator
from dialer.engine.ports import CallStore, PbxPort

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reconciled:
    leases_expired: int
    calls_followed: int
    legs_followed: int


async def reconcile(store: CallStore, pbx: PbxPort, floor: Floor, now: datetime) -> Reconciled:
    expired = await store.expire_leases(now)
    open_calls = await store.open_calls()
    for call in open_calls:
        floor.add_call(
            LiveCall(
                call.call_uid,
                call.campaign_id,
                call.contact_id,
                call.trunk,
                call.server,
                call.placed_at,
                answered_at=call.answered_at,
                human_at=call.connected_at,
                connected_at=call.connected_at,
            )
        )
        pbx.follow(call.call_uid, call.server)
    legs = 0
    for session in await store.operator_sessions():
        if session.held_channel is None:
            continue
        op = LiveOperator(session.operator_id, session.endpoint, session.campaign_ids, since=now)
        op.session_id, op.login_sent_at = session.held_channel, now
        floor.operators[session.endpoint] = op
        pbx.follow_operator(session.held_channel, session.endpoint)
        legs += 1
    if expired or open_calls:
        log.warning(
            "reconciling: %d expired lease(s) returned, %d call(s) left open followed again",
            expired,
            len(open_calls),
        )
    return Reconciled(expired, len(open_calls), legs)
