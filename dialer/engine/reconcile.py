"""What a starting engine does with what an earlier process left behind.

1. Expired contact leases go back (a crashed process's contacts return to the queue), and so do the
   contacts this engine id leased in an earlier life without recording a call (never dialed: the
   record is written before the Originate). A running engine returns expired leases now and then
   too, so another engine's contacts come back when it dies.
2. Calls storage shows as not ended, of the campaigns no other live engine owns, are put back on
   the floor and followed on their server before the AMI connection's first resync, and Asterisk's
   own record of them is read (``dialer.engine.lost``): the resync's listing finds the live ones
   again (answered, connected to their operator), and the absent ones, which ended while no engine
   watched, are closed as that record shows them (outcome, cause, talk; an abandon message played
   by the dialplan's fallback), or, without a record, at the last moment they were seen alive and
   flagged for review (``dialer.engine.settle``).
3. A running engine that takes over a campaign whose engine died (its heartbeat stopped) puts that
   campaign's open calls back on its floor the same way and has the servers list them at once
   (``adopt``): the live ones are followed on, the others settled from Asterisk's record.
4. Logged-in operators come back as storage shows them (on their call, or at the end of a wrap-up);
   their held login legs are followed like calls: found again, or dropped (and called again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from dialer.engine.floor import Floor, LiveCall, LiveOperator
from dialer.engine.lost import LostCalls
from dialer.engine.ports import CallStore, OpenCall, PbxPort

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reconciled:
    leases_expired: int
    calls_followed: int
    legs_followed: int
    calls_ended_in_record: int = 0  # of the calls followed, those whose end Asterisk's record shows
    orphans_released: int = 0  # contacts this engine id leased in an earlier life and never dialed


async def reconcile(
    store: CallStore, pbx: PbxPort, floor: Floor, now: datetime, lost: LostCalls | None = None
) -> Reconciled:
    expired = await store.expire_leases(now)
    sessions = await store.operator_sessions()
    legs = 0
    for session in sessions:
        op = LiveOperator(session.operator_id, session.endpoint, session.campaign_ids, since=now)
        floor.operators[session.endpoint] = op
        if session.state == "wrap_up" and session.call_uid is not None:
            floor.start_wrap(op, now, 0.0)  # ends at the first tick, storage told
            op.call_uid = session.call_uid
        if session.held_channel is not None:
            op.session_id, op.login_sent_at = session.held_channel, now
            pbx.follow_operator(session.held_channel, session.endpoint)
            legs += 1
    open_calls = await store.open_calls(now)
    put_back(floor, open_calls)
    for call in open_calls:
        pbx.follow(call.call_uid, call.server)
    ended = await lost.prefetch([c.call_uid for c in open_calls]) if lost is not None else 0
    orphans = await store.release_orphans(sorted({c.contact_id for c in open_calls}))
    if expired or open_calls or legs or orphans:
        log.warning(
            "reconciling: %d expired lease(s) and %d never dialed returned; %d open call(s) (%d ended "
            "per Asterisk's record), %d operator leg(s) followed",
            expired,
            orphans,
            len(open_calls),
            ended,
            legs,
        )
    return Reconciled(expired, len(open_calls), legs, ended, orphans)


def put_back(floor: Floor, calls: list[OpenCall]) -> None:
    """Open calls as storage shows them, back on the floor (with their operator, if on the floor)."""
    by_id = {op.operator_id: op for op in floor.operators.values()}
    for call in calls:
        live = LiveCall(
            call.call_uid,
            call.campaign_id,
            call.contact_id,
            call.trunk,
            call.server,
            call.placed_at,
            answered_at=call.answered_at,
            human_at=call.connected_at,
            amd_status=call.amd_status,
            connected_at=call.connected_at,
            abandoned=call.abandoned,
            seen_alive_at=call.seen_alive_at,
        )
        floor.add_call(live)
        talking = by_id.get(call.operator_id) if call.operator_id is not None else None
        if talking is not None and call.connected_at is not None:
            floor.connect(talking, live, call.connected_at)
