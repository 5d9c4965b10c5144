"""The engine's ``CallStore`` over the database: one short transaction per write.

Everything goes through the domain's own functions (``dialer.calls.service``, ``.leasing``,
``.ownership``, ``dialer.operators.presence``); the few reads the engine alone needs (open calls,
the abandon counts, the logged-in operators) are queries here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.call_recordings import filing as recording_filing
from dialer.calls import leasing, ownership, service
from dialer.calls.abandons import campaign_abandon_tally
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.calls.pacing_log import record_decision
from dialer.campaigns.models import Campaign, CampaignState, RecordingPolicy
from dialer.db.engine import unit_of_work
from dialer.engine.autofinish import finish_if_exhausted
from dialer.engine.plan import Plan
from dialer.engine.ports import Early, Lease, OpenCall, OperatorSession, PreviewAsk, WrapUp
from dialer.engine.settle import NO_OPERATOR_OF_ENDPOINT, Settled
from dialer.errors import Conflict, NotFound
from dialer.operators import presence
from dialer.operators.models import Operator, OperatorState, OperatorStatus
from dialer.pacing import PacingDecision
from dialer.preview import requests as preview_requests

log = logging.getLogger(__name__)


# LOCK ORDER: a transaction that writes an operator's state and a call locks the operator's row
# first, then the call's, as the API's ready, pause, logout and dispositions do: two writers of the
# same operator and call in opposite orders deadlock on PostgreSQL (a disposition set while the
# call ended did).


class SqlCallStore:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        owner: str,
        lease_for: timedelta,
        campaign_ttl: timedelta,
        connect_limit_s: float | None = None,
    ) -> None:
        self.sessions = sessions
        self.owner = owner
        self.lease_for = lease_for
        self.campaign_ttl = campaign_ttl
        self.connect_limit_s = connect_limit_s
        self.on_ended: Callable[[str], None] | None = None  # told each call whose recording is to be filed

    # ---- campaigns and contacts -----------------------------------------------------------------

    async def running_campaigns(self, now: datetime) -> list[Plan]:
        async with unit_of_work(self.sessions) as session:
            campaigns = list(
                await session.scalars(select(Campaign).where(Campaign.state == CampaignState.RUNNING))
            )
            plans = []
            for campaign in campaigns:
                try:
                    plan = Plan.of(campaign, connect_limit_cap_s=self.connect_limit_s)
                except KeyError as exc:  # an unknown compliance profile: never dialed
                    log.error("campaign %s not dialed: %s", campaign.id, exc)
                    continue
                if await ownership.claim_campaign(session, campaign.id, self.owner, now, self.campaign_ttl):
                    plans.append(plan)
            return plans

    async def lease(
        self, plan: Plan, limit: int, now: datetime, ready_operator_ids: list[int]
    ) -> list[Lease]:
        async with unit_of_work(self.sessions) as session:
            campaign = await session.get(Campaign, plan.campaign_id)
            if campaign is None or campaign.state is not CampaignState.RUNNING:
                return []
            contacts = await leasing.lease_contacts(
                session,
                campaign=campaign,
                limit=limit,
                now=now,
                owner=self.owner,
                lease_for=self.lease_for,
                profile=plan.profile,
                ready_operator_ids=ready_operator_ids,
            )
            return [Lease(c.id, c.phone, c.attempts + 1, c.callback_operator_id) for c in contacts]

    async def release_contacts(self, contact_ids: list[int]) -> None:
        async with unit_of_work(self.sessions) as session:
            for contact_id in contact_ids:
                await leasing.release_contact(session, contact_id, self.owner)

    async def release_campaigns(self, campaign_ids: list[int]) -> None:
        async with unit_of_work(self.sessions) as session:
            for campaign_id in campaign_ids:
                await ownership.release(session, campaign_id, self.owner)

    async def renew_leases(self, contact_ids: list[int], now: datetime) -> None:
        async with unit_of_work(self.sessions) as session:
            await leasing.renew_leases(session, self.owner, now, self.lease_for)

    async def expire_leases(self, now: datetime, *, holds: bool = True) -> int:
        async with unit_of_work(self.sessions) as session:
            return await leasing.expire_leases(session, now, holds=holds)

    async def release_orphans(self, keep: list[int]) -> int:
        async with unit_of_work(self.sessions) as session:
            return await leasing.release_orphans(session, self.owner, keep)

    async def abandon_counts(self, plan: Plan, now: datetime) -> tuple[int, int]:
        async with self.sessions() as session:
            tally = await campaign_abandon_tally(session, plan.campaign_id, plan.profile, now)
        return tally.answered, tally.abandoned

    async def log_pacing(
        self, campaign_id: int, decision: PacingDecision, at: datetime, extra: dict[str, Any]
    ) -> None:
        async with unit_of_work(self.sessions) as session:
            row = await record_decision(session, campaign_id, decision, at, only_if_changed=False)
            if row is not None:
                row.inputs = {**row.inputs, **extra}

    async def finish_if_exhausted(self, plan: Plan, now: datetime) -> str | None:
        async with unit_of_work(self.sessions) as session:
            verdict = await finish_if_exhausted(session, plan.campaign_id, plan.profile, now)
        return verdict.reason if verdict is not None and verdict.exhausted else None

    # ---- preview dial requests (written by the API, maybe in another process) -------------------

    async def preview_requests(self, campaign_ids: list[int]) -> list[PreviewAsk]:
        async with self.sessions() as session:
            rows = await preview_requests.pending_requests(session, campaign_ids)
            return [
                PreviewAsk(r.id, r.campaign_id, r.operator_id, r.contact_id, r.requested_at) for r in rows
            ]

    async def take_preview(self, ask: PreviewAsk, call_uid: str, now: datetime) -> Lease | None:
        async with unit_of_work(self.sessions) as session:
            contact = await preview_requests.take_request(
                session,
                ask.request_id,
                owner=self.owner,
                call_uid=call_uid,
                lease_for=self.lease_for,
                now=now,
            )
            if contact is None:
                return None
            return Lease(contact.id, contact.phone, contact.attempts + 1, ask.operator_id)

    async def fail_preview(self, request_id: int, reason: str) -> None:
        async with unit_of_work(self.sessions) as session:
            await preview_requests.fail_request(session, request_id, reason)

    async def hangup_requests(self, call_uids: list[str]) -> list[str]:
        async with self.sessions() as session:
            asked = await session.scalars(
                select(Call.call_uid).where(
                    Call.call_uid.in_(call_uids),
                    Call.hangup_requested_at.is_not(None),
                    Call.ended_at.is_(None),
                )
            )
            return list(asked)

    # ---- call records ---------------------------------------------------------------------------

    async def create_call(
        self,
        call_uid: str,
        campaign_id: int,
        lease: Lease,
        trunk: str,
        server: str,
        at: datetime,
        *,
        recording_policy: RecordingPolicy,
    ) -> None:
        async with unit_of_work(self.sessions) as session:
            await service.create_call(
                session,
                campaign_id=campaign_id,
                contact_id=lease.contact_id,
                phone=lease.phone,
                attempt=lease.attempt,
                call_uid=call_uid,
                trunk=trunk,
                pbx=server,
                placed_at=at,
                recording_policy=recording_policy,
            )

    async def mark_early(self, call_uid: str, facts: Early) -> None:
        async with unit_of_work(self.sessions) as session:
            await service.mark_early(session, call_uid, facts)

    async def mark_connected(self, call_uid: str, operator_id: int, at: datetime, early: Early = ()) -> None:
        async with unit_of_work(self.sessions) as session:
            await presence.lock(session, operator_id, at)  # LOCK ORDER
            await service.mark_connected(session, call_uid, operator_id, at, early=early)
            try:
                async with session.begin_nested():
                    await presence.start_call(session, operator_id, call_uid, at)
            except Conflict as exc:  # e.g. paused through the API while the customer was put through
                log.warning("operator %s on call %s: %s", operator_id, call_uid, exc)

    async def mark_abandoned(self, call_uid: str, at: datetime, early: Early = ()) -> None:
        async with unit_of_work(self.sessions) as session:
            await service.mark_abandoned(session, call_uid, at, early=early)

    async def mark_ended(
        self,
        call_uid: str,
        outcome: CallOutcome,
        cause: int | None,
        side: HangupSide | None,
        at: datetime,
        early: Early = (),
        wrap_up: WrapUp | None = None,
    ) -> None:
        async with unit_of_work(self.sessions) as session:
            if wrap_up is not None:
                await presence.lock(session, wrap_up.operator_id, wrap_up.at)  # LOCK ORDER
            call = await service.mark_ended(
                session, call_uid, outcome=outcome, hangup_cause=cause, hangup_side=side, at=at, early=early
            )
            expects_file = recording_filing.mark_pending(call)  # found again after a crash
            await self._wrap_up(session, call_uid, wrap_up)
        if expects_file and self.on_ended is not None:
            self.on_ended(call_uid)

    async def settle(
        self, call_uid: str, settled: Settled, early: Early = (), wrap_up: WrapUp | None = None
    ) -> None:
        async with unit_of_work(self.sessions) as session:
            if wrap_up is not None:
                await presence.lock(session, wrap_up.operator_id, wrap_up.at)  # LOCK ORDER
            if early:
                await service.mark_early(session, call_uid, early)
            if settled.answered_at is not None:
                await service.mark_answered(session, call_uid, settled.answered_at)
            if settled.amd is not None:
                status, cause = settled.amd
                at = settled.abandoned_at or settled.ended_at
                await service.mark_amd(session, call_uid, status, cause, at)
            if settled.abandoned_at is not None:
                await service.mark_abandoned(session, call_uid, settled.abandoned_at)
            if settled.operator_endpoint is not None and settled.connected_at is not None:
                await self._connect_to_endpoint(
                    session, call_uid, settled.operator_endpoint, settled.connected_at
                )
            if settled.review is not None:
                await service.flag_review(session, call_uid, settled.review)
            call = await service.mark_ended(
                session,
                call_uid,
                outcome=settled.outcome,
                hangup_cause=settled.cause,
                hangup_side=settled.side,
                at=settled.ended_at,
            )
            expects_file = recording_filing.mark_pending(call)
            await self._wrap_up(session, call_uid, wrap_up)
        if expects_file and self.on_ended is not None:
            self.on_ended(call_uid)

    @staticmethod
    async def _wrap_up(session: AsyncSession, call_uid: str, wrap_up: WrapUp | None) -> None:
        """The operator who talked on the call wraps it up (in the end's transaction; a refusal
        never undoes the end)."""
        if wrap_up is None:
            return
        try:
            async with session.begin_nested():
                await presence.end_call(
                    session,
                    wrap_up.operator_id,
                    call_uid,
                    wrap_up.at,
                    wrap_for=timedelta(seconds=wrap_up.wrap_s),
                )
        except (Conflict, NotFound) as exc:
            log.warning("operator %s wrapping up call %s: %s", wrap_up.operator_id, call_uid, exc)

    @staticmethod
    async def _connect_to_endpoint(session: AsyncSession, call_uid: str, endpoint: str, at: datetime) -> None:
        """Put through while nobody watched: to the operator whose softphone the PBX record shows
        (their page shows the call to dispose of it), or flagged when the softphone is no operator's."""
        operator_id = await session.scalar(select(Operator.id).where(Operator.sip_endpoint == endpoint))
        if operator_id is None:
            await service.flag_review(session, call_uid, NO_OPERATOR_OF_ENDPOINT.format(endpoint))
            return
        await service.mark_connected(session, call_uid, operator_id, at)

    async def seen_alive(self, call_uids: list[str], at: datetime) -> None:
        async with unit_of_work(self.sessions) as session:
            await service.mark_seen_alive(session, call_uids, at)

    async def mark_wrap_ended(self, call_uid: str, at: datetime, operator_id: int | None = None) -> None:
        async with unit_of_work(self.sessions) as session:
            if operator_id is not None:  # the operator's row first, then the call's, as the API locks them
                try:
                    async with session.begin_nested():
                        await presence.end_wrap_for_call(session, operator_id, call_uid, at)
                except (Conflict, NotFound) as exc:
                    log.warning("operator %s ending the wrap-up of call %s: %s", operator_id, call_uid, exc)
            await service.mark_wrap_ended(session, call_uid, at)

    async def open_calls(self, now: datetime, campaign_id: int | None = None) -> list[OpenCall]:
        mine = ownership.claimable_by(self.owner, now, self.campaign_ttl)
        if campaign_id is not None:
            mine = and_(mine, Campaign.id == campaign_id)
        async with self.sessions() as session:
            calls = await session.scalars(
                select(Call)
                .join(Campaign, Campaign.id == Call.campaign_id)
                .where(Call.ended_at.is_(None), mine)
                .order_by(Call.id)
            )
            return [
                OpenCall(
                    call_uid=c.call_uid,
                    campaign_id=c.campaign_id,
                    contact_id=c.contact_id,
                    trunk=c.trunk,
                    server=c.pbx,
                    placed_at=c.placed_at,
                    answered_at=c.answered_at,
                    connected_at=c.connected_at,
                    operator_id=c.operator_id,
                    amd_status=c.amd_status,
                    abandoned=c.abandoned_at is not None,
                    seen_alive_at=c.seen_alive_at,
                )
                for c in calls
            ]

    # ---- operators ------------------------------------------------------------------------------

    async def operator_sessions(self) -> list[OperatorSession]:
        async with self.sessions() as session:
            rows = await session.execute(
                select(OperatorStatus, Operator.sip_endpoint)
                .join(Operator, Operator.id == OperatorStatus.operator_id)
                .where(OperatorStatus.state != OperatorState.LOGGED_OUT)
            )
            return [
                OperatorSession(
                    operator_id=status.operator_id,
                    endpoint=endpoint,
                    campaign_ids=frozenset(status.campaign_ids),
                    paused=status.state is OperatorState.PAUSED,
                    reason=status.reason,
                    held_channel=status.held_channel,
                    state=status.state.value,
                    call_uid=status.call_uid,
                )
                for status, endpoint in rows.all()
            ]

    async def operator_held(self, operator_id: int, session_id: str | None, at: datetime) -> None:
        async with unit_of_work(self.sessions) as session:
            await presence.set_held_channel(session, operator_id, session_id, at)

    async def operator_registered(self, endpoint: str, registered: bool, at: datetime) -> None:
        try:
            async with unit_of_work(self.sessions) as session:
                await presence.set_registered(session, endpoint, registered, at)
        except NotFound:
            log.debug("registration of %s: not an operator's endpoint", endpoint)

    async def operators_registered(self, reachable: frozenset[str], at: datetime) -> None:
        async with unit_of_work(self.sessions) as session:
            await presence.set_registrations(session, reachable, at)
