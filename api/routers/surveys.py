"""A campaign's IVR survey: define or replace it, read it, and read or export what calls answered."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, SessionsDep
from api.errors import ERROR_RESPONSES
from api.schemas.common import Page
from dialer.db.bounds import BigIntId, IntId, Offset
from dialer.surveys import service
from dialer.surveys.models import ResponseOutcome
from dialer.surveys.schemas import ResponseOut, SurveyIn, SurveyOut

router = APIRouter(
    prefix="/campaigns", tags=["surveys"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)

ANSWER_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "model": Page[ResponseOut],
        "content": {"text/csv": {}},
        "description": "A JSON page of surveyed calls; with format=csv every answer of every page as a "
        "';'-separated UTF-8 line (with BOM)",
    }
}


class AnswersFormat(enum.StrEnum):
    JSON = "json"
    CSV = "csv"


@router.put("/{campaign_id}/survey", response_model=SurveyOut)
async def put_survey(
    campaign_id: IntId, body: SurveyIn, session: SessionDep, principal: PrincipalDep
) -> SurveyOut:
    """Create or replace the campaign's survey: its ordered questions, each a recorded prompt with
    the keys it accepts and what they mean, and optionally a "press N to talk to us" transfer."""
    return await service.put_survey(session, principal, campaign_id, body, now=datetime.now(UTC))


@router.get("/{campaign_id}/survey", response_model=SurveyOut)
async def get_survey(campaign_id: IntId, session: SessionDep, principal: PrincipalDep) -> SurveyOut:
    return await service.get_survey(session, principal, campaign_id)


@router.get("/{campaign_id}/survey/answers", response_model=None, responses=ANSWER_FORMATS)
async def survey_answers(
    campaign_id: IntId,
    session: SessionDep,
    sessions: SessionsDep,
    principal: PrincipalDep,
    outcome: ResponseOutcome | None = None,
    contact_id: BigIntId | None = None,
    format: AnswersFormat = AnswersFormat.JSON,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[ResponseOut] | StreamingResponse:
    """The surveyed calls with their answers, oldest first (``outcome`` ``hung_up``: partial ones;
    ``contact_id``: one contact's); ``format=csv`` streams them all, one line per answer."""
    if format is AnswersFormat.CSV:
        campaign = await service.answers_campaign(session, principal, campaign_id)
        await session.commit()
        return StreamingResponse(
            service.export_answers_csv(sessions, campaign.id, outcome=outcome, contact_id=contact_id),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="campaign-{campaign.id}-survey.csv"'},
        )
    items, total = await service.list_responses(
        session, principal, campaign_id, outcome=outcome, contact_id=contact_id, limit=limit, offset=offset
    )
    return Page[ResponseOut](items=items, total=total, limit=limit, offset=offset)
