"""What the engine's AGI side needs for IVR surveys: the campaign's survey for a call, and a place
for the answers. ``SqlSurveys`` is it over the database (``dialer.surveys.service``).

The survey is read per call (one indexed row), so a survey replaced through the API applies from the
next answered call; the answers are stored through the engine's ordered writer, after the call's
own facts that came before them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agi.routes.model import Survey, SurveyOutcome, SurveyQuestion, SurveyReport
from dialer.db.engine import unit_of_work
from dialer.surveys import service
from dialer.surveys.models import ResponseOutcome
from dialer.surveys.schemas import SurveyIn
from dialer.surveys.service import ReportedAnswer

_OUTCOMES = {
    SurveyOutcome.COMPLETED: ResponseOutcome.COMPLETED,
    SurveyOutcome.TRANSFER: ResponseOutcome.TRANSFER,
    SurveyOutcome.HUNG_UP: ResponseOutcome.HUNG_UP,
}


class SurveyPort(Protocol):
    async def survey_of(self, campaign_id: int) -> Survey | None:
        """The campaign's survey as the AGI route asks it (None: the campaign has none)."""
        ...

    async def record(self, call_uid: str, report: SurveyReport, at: datetime) -> None:
        """Store a surveyed call's answers (once per call)."""
        ...


def agi_survey(campaign_id: int, survey: SurveyIn) -> Survey:
    """The survey in the AGI route's terms: a key in ``transfer_on`` ends it with a transfer."""
    return Survey(
        survey_id=str(campaign_id),
        questions=tuple(
            SurveyQuestion(
                key=q.key,
                prompt=q.prompt,
                choices=tuple(c.digit for c in q.choices),
                digit_timeout=q.timeout_s,
                max_digits=q.max_digits,
                attempts=q.attempts,
                retry_prompt=survey.retry_prompt or None,
                transfer_on=(q.transfer_digit,) if q.transfer_digit else (),
            )
            for q in survey.questions
        ),
        intro=survey.intro or None,
        goodbye=survey.goodbye or None,
    )


def reported(report: SurveyReport) -> tuple[ResponseOutcome, Sequence[ReportedAnswer]]:
    answers = [ReportedAnswer(a.question, a.digits, a.attempts) for a in report.answers]
    return _OUTCOMES[report.outcome], answers


class SqlSurveys:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def survey_of(self, campaign_id: int) -> Survey | None:
        async with self.sessions() as session:
            survey = await service.definition_of(session, campaign_id)
        return agi_survey(campaign_id, survey) if survey is not None else None

    async def record(self, call_uid: str, report: SurveyReport, at: datetime) -> None:
        outcome, answers = reported(report)
        async with unit_of_work(self.sessions) as session:
            await service.record_response(session, call_uid, outcome, answers, at)
