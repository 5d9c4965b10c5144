"""The pages' live events as the domain publishes them (``dialer.live.publish``), one function per
fact, each called in the transaction that makes the fact true:

- ``operator_state``: an operator's state, reason, campaigns or softphone changed (``presence``);
- ``call_connected``: a customer put through to an operator, with the card, the filled script, the
  codes and any survey answers (``dialer.calls.service.mark_connected``);
- ``call_ended``: a call hung up (``mark_ended``), with its outcome and talk time;
- ``call_disposed``: the operator (or anyone) set the call's disposition;
- ``preview_offer``: a preview contact held for an operator;
- ``survey_answered``: a surveyed call's answers stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.contacts.models import Contact
from dialer.desk import views
from dialer.live.publish import iso, publish
from dialer.operators.models import OperatorState, OperatorStatus


async def _client_of(session: AsyncSession, campaign_id: int) -> int | None:
    campaign = await session.get(Campaign, campaign_id)
    return campaign.client_id if campaign is not None else None


def status_data(status: OperatorStatus, previous: OperatorState | None = None) -> dict[str, Any]:
    return {
        "operator_id": status.operator_id,
        "state": status.state.value,
        "previous": previous.value if previous is not None else None,
        "reason": status.reason,
        "since": iso(status.since),
        "campaign_ids": list(status.campaign_ids),
        "call_uid": status.call_uid,
        "registered": bool(status.registered),
        "wrap_until": iso(status.wrap_until),
    }


async def operator_state(
    session: AsyncSession, status: OperatorStatus, at: datetime, previous: OperatorState | None = None
) -> None:
    await publish(
        session,
        "operator_state",
        status_data(status, previous),
        at=at,
        operator_id=status.operator_id,
    )


async def call_connected(session: AsyncSession, call: Call, at: datetime) -> None:
    await publish(
        session,
        "call_connected",
        await views.call_view(session, call),
        at=at,
        client_id=await _client_of(session, call.campaign_id),
        campaign_id=call.campaign_id,
        operator_id=call.operator_id,
    )


def _call_data(call: Call) -> dict[str, Any]:
    return {
        "call_id": call.id,
        "call_uid": call.call_uid,
        "campaign_id": call.campaign_id,
        "contact_id": call.contact_id,
        "operator_id": call.operator_id,
        "outcome": call.outcome.value if call.outcome else None,
        "placed_at": iso(call.placed_at),
        "connected_at": iso(call.connected_at),
        "ended_at": iso(call.ended_at),
        "talk_seconds": call.talk_seconds,
        "disposition": call.disposition_code,
        "hot_lead": call.hot_lead,
    }


async def call_ended(session: AsyncSession, call: Call, at: datetime) -> None:
    await publish(
        session,
        "call_ended",
        _call_data(call),
        at=at,
        client_id=await _client_of(session, call.campaign_id),
        campaign_id=call.campaign_id,
        operator_id=call.operator_id,
    )


async def call_disposed(session: AsyncSession, call: Call, at: datetime) -> None:
    await publish(
        session,
        "call_disposed",
        {**_call_data(call), "note": call.disposition_note, "by": call.disposed_by},
        at=at,
        client_id=await _client_of(session, call.campaign_id),
        campaign_id=call.campaign_id,
        operator_id=call.operator_id,
    )


async def preview_offer(
    session: AsyncSession,
    operator_id: int,
    contact: Contact,
    campaign: Campaign,
    hold_until: datetime,
    at: datetime,
) -> None:
    await publish(
        session,
        "preview_offer",
        {
            "operator_id": operator_id,
            "hold_until": iso(hold_until),
            "campaign": await views.campaign_view(session, campaign),
            "contact": await views.contact_card(session, contact),
            "script": views.filled_script(campaign, contact),
        },
        at=at,
        client_id=campaign.client_id,
        campaign_id=campaign.id,
        operator_id=operator_id,
    )


async def survey_answered(session: AsyncSession, call: Call, outcome: str, at: datetime) -> None:
    await publish(
        session,
        "survey_answered",
        {
            "call_id": call.id,
            "call_uid": call.call_uid,
            "campaign_id": call.campaign_id,
            "contact_id": call.contact_id,
            "operator_id": call.operator_id,
            "outcome": outcome,
            "answers": await views.survey_answers(session, call.id) or [],
        },
        at=at,
        client_id=await _client_of(session, call.campaign_id),
        campaign_id=call.campaign_id,
        operator_id=call.operator_id,
    )
