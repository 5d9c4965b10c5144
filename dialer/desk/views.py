"""What the operator's page shows, as JSON-ready dicts: a contact's card, a campaign's codes and
script, a call put through (all of it at once, so the page needs no second request).

Used for the ``call_connected`` and ``preview_offer`` events (``dialer.live``) and for ``GET /desk``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call
from dialer.campaigns.models import Campaign, DispositionCode
from dialer.contacts.calling_zones import contact_zones
from dialer.contacts.models import Contact
from dialer.desk.script import contact_fields, fill
from dialer.live.publish import iso
from dialer.operators.models import Operator
from dialer.surveys.models import SurveyAnswer, SurveyResponse

HISTORY = 10  # earlier calls shown on a card


def zone_of(contact: Contact) -> str:
    """The contact's time zone for showing their local time: their own, else their number's first."""
    return contact_zones(contact.timezone, contact.phone)[0]


async def campaign_view(session: AsyncSession, campaign: Campaign) -> dict[str, Any]:
    codes = await session.scalars(
        select(DispositionCode).where(DispositionCode.campaign_id == campaign.id).order_by(DispositionCode.id)
    )
    return {
        "id": campaign.id,
        "name": campaign.name,
        "mode": campaign.dialing_mode.value,
        "state": campaign.state.value,
        "wrap_up_s": campaign.wrap_up_s,
        "dispositions": [
            {"code": d.code, "label": d.label, "kind": d.kind.value, "hot_lead": d.hot_lead} for d in codes
        ],
    }


async def history(session: AsyncSession, contact_id: int, *, but: int | None = None) -> list[dict[str, Any]]:
    """The contact's earlier calls, newest first: when, how they ended, the code and note, who took them."""
    query = (
        select(Call, Operator.name)
        .outerjoin(Operator, Operator.id == Call.operator_id)
        .where(Call.contact_id == contact_id)
        .order_by(Call.placed_at.desc(), Call.id.desc())
        .limit(HISTORY)
    )
    if but is not None:
        query = query.where(Call.id != but)
    return [
        {
            "call_id": call.id,
            "placed_at": iso(call.placed_at),
            "attempt": call.attempt,
            "outcome": call.outcome.value if call.outcome else None,
            "talk_seconds": call.talk_seconds,
            "disposition": call.disposition_code,
            "note": call.disposition_note,
            "operator": operator_name,
        }
        for call, operator_name in (await session.execute(query)).all()
    ]


async def contact_card(
    session: AsyncSession, contact: Contact, *, but_call: int | None = None
) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "company": contact.company,
        "phone": contact.phone,
        "extension": contact.extension,
        "extra_phones": list(contact.extra_phones or []),
        "timezone": zone_of(contact),
        "fields": {str(k): v for k, v in (contact.data or {}).items()},
        "attempts": contact.attempts,
        "status": contact.status.value,
        "history": await history(session, contact.id, but=but_call),
    }


def filled_script(campaign: Campaign, contact: Contact) -> str:
    fields = contact_fields(
        name=contact.name,
        company=contact.company,
        phone=contact.phone,
        extension=contact.extension,
        timezone=zone_of(contact),
        data=contact.data or {},
    )
    return fill(campaign.script or "", fields)


async def survey_answers(session: AsyncSession, call_id: int) -> list[dict[str, Any]] | None:
    """The answers a surveyed call gave before "press 1" put it through; None if it had no survey."""
    response = await session.scalar(select(SurveyResponse).where(SurveyResponse.call_id == call_id))
    if response is None:
        return None
    answers = await session.scalars(
        select(SurveyAnswer).where(SurveyAnswer.response_id == response.id).order_by(SurveyAnswer.position)
    )
    return [
        {"position": a.position, "question": a.question, "digits": a.digits, "meaning": a.meaning}
        for a in answers
    ]


async def call_view(session: AsyncSession, call: Call) -> dict[str, Any]:
    """A call put through: the card, the script filled in, the codes, the survey's answers."""
    contact = await session.get(Contact, call.contact_id)
    campaign = await session.get(Campaign, call.campaign_id)
    assert contact is not None and campaign is not None  # kept by the call's foreign keys
    return {
        "call_id": call.id,
        "call_uid": call.call_uid,
        "operator_id": call.operator_id,
        "phone": call.phone,
        "attempt": call.attempt,
        "connected_at": iso(call.connected_at),
        "ended_at": iso(call.ended_at),
        "disposition": call.disposition_code,
        "campaign": await campaign_view(session, campaign),
        "contact": await contact_card(session, contact, but_call=call.id),
        "script": filled_script(campaign, contact),
        "survey": await survey_answers(session, call.id),
    }
