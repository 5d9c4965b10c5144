"""The outbox's writes: a lead enqueued with its disposition, claimed by one dispatcher, settled.

Interface::

    enqueue_hot_lead(session, call, at) -> LeadDelivery          # in the disposition's transaction
    attach_meeting(session, call, meeting) -> LeadDelivery       # the meeting set, in the same one
    queue_waiting(session, client_id, crm, at) -> int            # the client's CRM set: waiting leads go
    claim_due(session, *, owner, now, lease_for, limit) -> list[Claim]
    settle_delivered(session, delivery_id, at) -> LeadDelivery | None
    settle_failed(session, delivery_id, *, owner, error, at, retry_at, give_up) -> LeadDelivery | None
    retry_now(session, delivery, at) -> LeadDelivery

Claiming is ``dialer.delivery.outbox`` (the ``dialer.calls.leasing`` pattern): candidates selected
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, then one ``UPDATE … RETURNING`` guarded by the status and
the lease, so two dispatchers never hold the same lead (SQLite serialises writers, so the guard alone
suffices there).

A lead whose client has no delivery configured (``channel_for`` is None) is written
``not_configured``: no attempt, no retry, no alert, until ``queue_waiting`` sends it on its way with a
fresh handoff window. A claimed lead whose client's settings were removed meanwhile is set so too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call
from dialer.campaigns.models import Campaign, DispositionCode
from dialer.clients.models import DEFAULT_DEADLINE_MIN, Client, ClientCrm
from dialer.contacts.models import Contact
from dialer.delivery import outbox as leased_outbox
from dialer.delivery import wakeup
from dialer.errors import InvalidInput
from dialer.hotleads.models import AlertKind, Channel, DeliveryStatus, LeadAlert, LeadDelivery
from dialer.hotleads.payload import build_payload, lead_id_for
from dialer.mail import outbox as mail_outbox
from dialer.operators.models import Operator

NOT_CONFIGURED_REASON = "the client has no CRM webhook (with its signing secret) or manager's e-mail set"


async def enqueue_hot_lead(session: AsyncSession, call: Call, at: datetime) -> LeadDelivery:
    """Write the lead's delivery (once per call) with its payload snapshot and handoff deadline."""
    existing = await session.scalar(select(LeadDelivery).where(LeadDelivery.call_id == call.id))
    if existing is not None:
        return existing
    campaign = await session.get(Campaign, call.campaign_id)
    contact = await session.get(Contact, call.contact_id)
    assert campaign is not None and contact is not None  # kept by the call's foreign keys
    client = await session.get(Client, campaign.client_id)
    assert client is not None
    operator = await session.get(Operator, call.operator_id) if call.operator_id is not None else None
    label = await session.scalar(
        select(DispositionCode.label).where(
            DispositionCode.campaign_id == campaign.id, DispositionCode.code == call.disposition_code
        )
    )
    crm = await session.get(ClientCrm, client.id)
    deadline = timedelta(minutes=crm.handoff_deadline_min if crm is not None else DEFAULT_DEADLINE_MIN)
    channel = channel_for(crm)
    delivery = LeadDelivery(
        lead_id=lead_id_for(call),
        call_id=call.id,
        client_id=client.id,
        campaign_id=campaign.id,
        channel=channel or Channel.WEBHOOK,
        status=DeliveryStatus.PENDING if channel is not None else DeliveryStatus.NOT_CONFIGURED,
        attempts=0,
        escalation=0,
        next_attempt_at=at,
        created_at=at,
        at_risk_at=at + deadline / 2,
        deadline_at=at + deadline,
        payload=build_payload(
            call,
            client=client,
            campaign=campaign,
            contact=contact,
            operator=operator,
            disposition_label=label or call.disposition_code or "",
        ),
    )
    session.add(delivery)
    await session.flush()
    if channel is not None:
        await _on_its_way(session, delivery, crm, at)
    return delivery


async def _on_its_way(
    session: AsyncSession, delivery: LeadDelivery, crm: ClientCrm | None, at: datetime
) -> None:
    """Wake the dispatcher for a pending lead; the manager's copy by e-mail beside a webhook."""
    if delivery.channel is Channel.WEBHOOK and crm is not None and crm.manager_email:
        # The manager gets the lead by e-mail too (dialer.mail), composed when it is sent.
        await mail_outbox.enqueue(
            session,
            key=f"hot-lead:{delivery.lead_id}",
            kind="hot_lead",
            to=[crm.manager_email],
            at=at,
            lead_delivery_id=delivery.id,
        )
    wakeup.mark_enqueued(session.sync_session)


def channel_for(crm: ClientCrm | None) -> Channel | None:
    """The CRM's webhook when the client has one (with its signing secret), else its manager's e-mail
    when it has that; None when the client has no delivery configured."""
    if crm is None:
        return None
    if crm.webhook_url and crm.signing_secret:
        return Channel.WEBHOOK
    if crm.manager_email:
        return Channel.EMAIL
    return None


async def queue_waiting(session: AsyncSession, client_id: int, crm: ClientCrm, at: datetime) -> int:
    """The client's CRM settings were set: its ``not_configured`` leads go out now by the new channel,
    each with a handoff window from ``at`` (the client could not receive them before); how many."""
    channel = channel_for(crm)
    if channel is None:
        return 0
    waiting = await session.scalars(
        select(LeadDelivery)
        .where(LeadDelivery.client_id == client_id, LeadDelivery.status == DeliveryStatus.NOT_CONFIGURED)
        .with_for_update()
    )
    deadline = timedelta(minutes=crm.handoff_deadline_min)
    queued = 0
    for delivery in waiting:
        delivery.status, delivery.channel = DeliveryStatus.PENDING, channel
        delivery.next_attempt_at = at
        delivery.at_risk_at, delivery.deadline_at = at + deadline / 2, at + deadline
        delivery.last_error = None
        await _on_its_way(session, delivery, crm, at)
        queued += 1
    await session.flush()
    return queued


async def attach_meeting(session: AsyncSession, call: Call, meeting: dict[str, Any]) -> LeadDelivery:
    """Add the meeting the operator set (date, place, manager) to the call's lead before it goes."""
    delivery = await session.scalar(select(LeadDelivery).where(LeadDelivery.call_id == call.id))
    if delivery is None:
        raise InvalidInput(f"meeting: call {call.id} is not disposed as a hot lead")
    delivery.payload = delivery.payload | {"meeting": meeting}
    await session.flush()
    return delivery


@dataclass(frozen=True, slots=True)
class Claim:
    """A lead held by one dispatcher, with where and how to send it (read at claim time)."""

    delivery_id: int
    lead_id: str
    attempt: int
    payload: dict[str, Any]
    channel: Channel
    webhook_url: str | None
    secret: str | None
    email_to: str | None


async def claim_due(
    session: AsyncSession, *, owner: str, now: datetime, lease_for: timedelta, limit: int = 20
) -> list[Claim]:
    """Hold up to ``limit`` due leads for ``owner`` until ``now + lease_for`` (oldest first)."""
    rows = await leased_outbox.claim_due(
        session,
        LeadDelivery,
        pending=DeliveryStatus.PENDING,
        owner=owner,
        now=now,
        lease_for=lease_for,
        limit=limit,
        returning=(
            LeadDelivery.lead_id,
            LeadDelivery.attempts,
            LeadDelivery.payload,
            LeadDelivery.client_id,
            LeadDelivery.channel,
        ),
    )
    if not rows:
        return []
    crms = {
        c.client_id: c
        for c in await session.scalars(
            select(ClientCrm).where(ClientCrm.client_id.in_({r.client_id for r in rows}))
        )
    }
    unconfigured = [r.id for r in rows if channel_for(crms.get(r.client_id)) is None]
    if unconfigured:  # the settings were removed since the disposition: wait for them, untried
        await session.execute(
            update(LeadDelivery)
            .where(LeadDelivery.id.in_(unconfigured))
            .values(
                status=DeliveryStatus.NOT_CONFIGURED,
                lease_owner=None,
                lease_expires_at=None,
                last_error=NOT_CONFIGURED_REASON,
            )
            .execution_options(synchronize_session=False)
        )
        rows = [r for r in rows if r.id not in unconfigured]
    return [
        Claim(
            delivery_id=r.id,
            lead_id=r.lead_id,
            attempt=r.attempts,
            payload=r.payload,
            channel=Channel(r.channel),
            webhook_url=crms[r.client_id].webhook_url if r.client_id in crms else None,
            secret=crms[r.client_id].signing_secret if r.client_id in crms else None,
            email_to=crms[r.client_id].manager_email if r.client_id in crms else None,
        )
        for r in rows
    ]


async def settle_delivered(session: AsyncSession, delivery_id: int, at: datetime) -> LeadDelivery | None:
    """The CRM acknowledged the lead: delivered, or late when past its deadline (first ack wins)."""
    delivery = await session.get(LeadDelivery, delivery_id, with_for_update=True, populate_existing=True)
    if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.LATE):
        return delivery
    delivery.status = DeliveryStatus.LATE if at > delivery.deadline_at else DeliveryStatus.DELIVERED
    delivery.delivered_at = at
    delivery.last_error = None
    delivery.lease_owner = delivery.lease_expires_at = None
    call = await session.get(Call, delivery.call_id)
    if call is not None and call.crm_pushed_at is None:
        call.crm_pushed_at = at
    await session.flush()
    return delivery


async def settle_failed(
    session: AsyncSession,
    delivery_id: int,
    *,
    owner: str,
    error: str,
    at: datetime,
    retry_at: datetime,
    give_up: bool,
) -> LeadDelivery | None:
    """The attempt failed: retry at ``retry_at``, or give up (``failed``, with an alert).

    Only the lease's holder settles it: a dispatcher whose lease was taken over changes nothing.
    """
    delivery = await session.get(LeadDelivery, delivery_id, with_for_update=True, populate_existing=True)
    if delivery is None or delivery.status is not DeliveryStatus.PENDING or delivery.lease_owner != owner:
        return None
    delivery.last_error = error[:2000]
    delivery.lease_owner = delivery.lease_expires_at = None
    if give_up:
        delivery.status = DeliveryStatus.FAILED
        message = f"given up after {delivery.attempts} attempts: {delivery.last_error}"
        alert = await session.scalar(
            select(LeadAlert).where(LeadAlert.delivery_id == delivery.id, LeadAlert.kind == AlertKind.FAILED)
        )
        if alert is None:  # the first time; a supervisor's retry that fails again updates it
            session.add(LeadAlert(delivery_id=delivery.id, kind=AlertKind.FAILED, at=at, message=message))
        else:
            alert.at, alert.message = at, message
    else:
        delivery.next_attempt_at = retry_at
    await session.flush()
    return delivery


async def retry_now(session: AsyncSession, delivery: LeadDelivery, at: datetime) -> LeadDelivery:
    """A supervisor sends a failed or waiting lead again now (a delivered one stays as it is; one
    waiting for its client's CRM settings waits on: there is nowhere to send it)."""
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = at
        await session.flush()
        wakeup.mark_enqueued(session.sync_session)
    return delivery
