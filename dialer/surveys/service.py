"""Surveys through the API (define, read, list and export the answers) and for the engine (the
survey a call runs, and the answers it brought back)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls.models import Call
from dialer.campaigns import service as campaigns
from dialer.campaigns.models import Campaign, CampaignState
from dialer.contacts.models import Contact
from dialer.db.paging import count_matching
from dialer.desk import events as live
from dialer.errors import Conflict, NotFound
from dialer.surveys.models import ResponseOutcome, SurveyAnswer, SurveyDefinition, SurveyResponse
from dialer.surveys.rules import meaning_of
from dialer.surveys.schemas import AnswerOut, ResponseOut, SurveyIn, SurveyOut

EXPORT_PAGE = 500
CSV_COLUMNS = (
    "call_id",
    "contact_id",
    "phone",
    "outcome",
    "complete",
    "finished_at",
    "position",
    "question",
    "digits",
    "meaning",
    "attempts",
)


# ---- the definition -------------------------------------------------------------------------------


def _out(row: SurveyDefinition) -> SurveyOut:
    return SurveyOut.model_validate(
        {
            "campaign_id": row.campaign_id,
            "intro": row.intro,
            "goodbye": row.goodbye,
            "retry_prompt": row.retry_prompt,
            "questions": row.questions,
            "updated_at": row.updated_at,
            "updated_by": row.updated_by,
        }
    )


async def definition_of(session: AsyncSession, campaign_id: int) -> SurveyIn | None:
    """The campaign's survey as validated values (None when it has none); no permission check."""
    row = await session.scalar(select(SurveyDefinition).where(SurveyDefinition.campaign_id == campaign_id))
    return _out(row) if row is not None else None


async def has_survey(session: AsyncSession, campaign_id: int) -> bool:
    found = await session.scalar(
        select(SurveyDefinition.id).where(SurveyDefinition.campaign_id == campaign_id)
    )
    return found is not None


async def get_survey(session: AsyncSession, principal: Principal, campaign_id: int) -> SurveyOut:
    campaign = await campaigns.get_campaign(session, principal, campaign_id)
    row = await session.scalar(select(SurveyDefinition).where(SurveyDefinition.campaign_id == campaign.id))
    if row is None:
        raise NotFound(
            f"campaign {campaign_id} has no survey; define it with PUT /campaigns/{campaign_id}/survey"
        )
    return _out(row)


async def put_survey(
    session: AsyncSession, principal: Principal, campaign_id: int, data: SurveyIn, *, now: datetime
) -> SurveyOut:
    """Create or replace the campaign's survey (answers already given keep their meanings)."""
    principal.require(Permission.CAMPAIGNS_WRITE)
    campaign = await campaigns.get_campaign(session, principal, campaign_id)
    if campaign.state is CampaignState.FINISHED:
        raise Conflict(f"campaign {campaign_id} is finished; its survey can no longer change")
    row = await session.scalar(select(SurveyDefinition).where(SurveyDefinition.campaign_id == campaign.id))
    if row is None:
        row = SurveyDefinition(campaign_id=campaign.id)
        session.add(row)
    row.intro, row.goodbye, row.retry_prompt = data.intro, data.goodbye, data.retry_prompt
    row.questions = [q.model_dump(mode="json") for q in data.questions]
    row.updated_at = now
    row.updated_by = principal.actor[:100]
    await session.flush()
    return _out(row)


# ---- the answers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportedAnswer:
    """One question as the AGI route reported it (``digits`` None: no valid answer)."""

    question: str
    digits: str | None
    attempts: int


async def record_response(
    session: AsyncSession,
    call_uid: str,
    outcome: ResponseOutcome,
    answers: Sequence[ReportedAnswer],
    at: datetime,
) -> SurveyResponse | None:
    """Store a surveyed call's answers, with the meaning each key has in the campaign's survey now.

    Once per call: a second report for the same call (a retried write) is ignored. None when the call
    is unknown.
    """
    call = await session.scalar(select(Call).where(Call.call_uid == call_uid))
    if call is None:
        return None
    existing = await session.scalar(select(SurveyResponse).where(SurveyResponse.call_id == call.id))
    if existing is not None:
        return existing
    survey = await definition_of(session, call.campaign_id)
    questions = (
        {q.key: (position, q.meanings) for position, q in enumerate(survey.questions, 1)} if survey else {}
    )
    response = SurveyResponse(
        campaign_id=call.campaign_id,
        contact_id=call.contact_id,
        call_id=call.id,
        outcome=outcome,
        answered=sum(1 for a in answers if a.digits is not None),
        finished_at=at,
    )
    session.add(response)
    await session.flush()
    for index, answer in enumerate(answers, 1):
        position, meanings = questions.get(answer.question, (index, {}))
        session.add(
            SurveyAnswer(
                response_id=response.id,
                position=position,
                question=answer.question,
                digits=answer.digits,
                meaning=meaning_of(meanings, answer.digits),
                attempts=answer.attempts,
                recorded_at=at,
            )
        )
    await session.flush()
    await live.survey_answered(session, call, outcome.value, at)
    return response


def _responses_query(
    campaign_id: int, outcome: ResponseOutcome | None, contact_id: int | None = None
) -> Select[SurveyResponse, str]:
    query = (
        select(SurveyResponse, Contact.phone)
        .join(Contact, Contact.id == SurveyResponse.contact_id)
        .where(SurveyResponse.campaign_id == campaign_id)
    )
    if outcome is not None:
        query = query.where(SurveyResponse.outcome == outcome)
    if contact_id is not None:
        query = query.where(SurveyResponse.contact_id == contact_id)
    return query


async def _with_answers(
    session: AsyncSession, rows: Sequence[tuple[SurveyResponse, str]]
) -> list[ResponseOut]:
    ids = [response.id for response, _ in rows]
    answers: dict[int, list[AnswerOut]] = {i: [] for i in ids}
    if ids:
        found = await session.scalars(
            select(SurveyAnswer)
            .where(SurveyAnswer.response_id.in_(ids))
            .order_by(SurveyAnswer.response_id, SurveyAnswer.position, SurveyAnswer.id)
        )
        for answer in found:
            answers[answer.response_id].append(
                AnswerOut(
                    position=answer.position,
                    question=answer.question,
                    digits=answer.digits,
                    meaning=answer.meaning,
                    attempts=answer.attempts,
                    recorded_at=answer.recorded_at,
                )
            )
    return [
        ResponseOut(
            call_id=response.call_id,
            contact_id=response.contact_id,
            phone=phone,
            outcome=response.outcome,
            complete=response.outcome is ResponseOutcome.COMPLETED,
            finished_at=response.finished_at,
            answers=answers[response.id],
        )
        for response, phone in rows
    ]


async def list_responses(
    session: AsyncSession,
    principal: Principal,
    campaign_id: int,
    *,
    outcome: ResponseOutcome | None = None,
    contact_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[ResponseOut], int]:
    """The campaign's surveyed calls with their answers, oldest first; a controller sees its client's."""
    campaign = await answers_campaign(session, principal, campaign_id)
    query = _responses_query(campaign.id, outcome, contact_id)
    total = await count_matching(session, query)
    rows = (await session.execute(query.order_by(SurveyResponse.id).limit(limit).offset(offset))).all()
    return await _with_answers(session, rows), total


async def answers_campaign(session: AsyncSession, principal: Principal, campaign_id: int) -> Campaign:
    """The campaign whose answers the caller reads: per-contact data, so the contacts permission."""
    principal.require(Permission.CONTACTS_READ)
    return await campaigns.get_campaign(session, principal, campaign_id)


async def export_answers_csv(
    sessions: async_sessionmaker[AsyncSession],
    campaign_id: int,
    *,
    outcome: ResponseOutcome | None = None,
    contact_id: int | None = None,
    delimiter: str = ";",
) -> AsyncIterator[bytes]:
    """One CSV line per answer (a response with no answer still gets one line), UTF-8 with a BOM and
    ``;`` as the contacts export; one short session per page of responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield b"\xef\xbb\xbf" + _flush(buffer)
    after = 0
    while True:
        async with sessions() as session:
            rows = (
                await session.execute(
                    _responses_query(campaign_id, outcome, contact_id)
                    .where(SurveyResponse.id > after)
                    .order_by(SurveyResponse.id)
                    .limit(EXPORT_PAGE)
                )
            ).all()
            if not rows:
                return
            after = rows[-1][0].id
            responses = await _with_answers(session, rows)
        for response in responses:
            head = [
                response.call_id,
                response.contact_id,
                response.phone,
                response.outcome.value,
                "yes" if response.complete else "no",
                response.finished_at.isoformat(),
            ]
            lines: list[AnswerOut | None] = list(response.answers) or [None]
            for answer in lines:
                if answer is None:
                    writer.writerow([*head, "", "", "", "", ""])
                else:
                    writer.writerow(
                        [
                            *head,
                            answer.position,
                            answer.question,
                            answer.digits or "",
                            answer.meaning or "",
                            answer.attempts,
                        ]
                    )
        yield _flush(buffer)


def _flush(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
