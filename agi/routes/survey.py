"""Route ``survey``: ask recorded questions, collect DTMF answers, report them to the engine.

``agi://host:4573/survey?survey=<id>``: the engine gives the questions (:class:`Survey`); each is
played with GET DATA and re-asked on an invalid or missing answer. An answer in a question's
``transfer_on`` ("press 1 to talk to us") ends the survey, and the engine's decision (an operator,
or abandon if none is free) is set for the dialplan as in the ``amd`` route. A completed survey
plays its goodbye and routes to ``hangup`` unless the engine says otherwise. When the caller hangs
up mid-survey the answers so far are reported with outcome ``hung_up``.
"""

from __future__ import annotations

import logging

from agi.errors import AgiCommandFailed, AgiHangup
from agi.routes.common import apply_decision, read_call, tell_engine
from agi.routes.interfaces import SurveyBackend
from agi.routes.model import (
    CallInfo,
    RouteDecision,
    Survey,
    SurveyAnswer,
    SurveyOutcome,
    SurveyQuestion,
    SurveyReport,
)
from agi.session import AgiSession

log = logging.getLogger(__name__)


class SurveyRoute:
    def __init__(self, engine: SurveyBackend) -> None:
        self._engine = engine

    async def __call__(self, session: AgiSession) -> None:
        call = await read_call(session)
        survey = await self._engine.survey_for(call, session.request.query.get("survey") or None)
        if survey is None:
            log.warning("no survey for call %s (query %s)", call.call_id, dict(session.request.query))
            await apply_decision(session, RouteDecision.hangup())
            return
        answers: list[SurveyAnswer] = []
        try:
            outcome = await self._ask_all(session, survey, answers)
        except AgiHangup:
            report = SurveyReport(survey.survey_id, tuple(answers), SurveyOutcome.HUNG_UP)
            await tell_engine("survey answers", self._engine.on_survey_finished(call, report))
            raise
        decision = await self._finish(call, SurveyReport(survey.survey_id, tuple(answers), outcome))
        if outcome is SurveyOutcome.COMPLETED and survey.goodbye:
            await _play(session, survey.goodbye)
        await apply_decision(session, decision)

    async def _ask_all(
        self, session: AgiSession, survey: Survey, answers: list[SurveyAnswer]
    ) -> SurveyOutcome:
        if survey.intro:
            await _play(session, survey.intro)
        for question in survey.questions:
            answer = await _ask(session, question)
            answers.append(answer)
            if answer.digits is not None and answer.digits in question.transfer_on:
                return SurveyOutcome.TRANSFER
        return SurveyOutcome.COMPLETED

    async def _finish(self, call: CallInfo, report: SurveyReport) -> RouteDecision:
        try:
            decision = await self._engine.on_survey_finished(call, report)
        except Exception:
            log.exception("engine failed on the survey answers of call %s", call.call_id)
            decision = None
        return decision or RouteDecision.hangup()


async def _ask(session: AgiSession, question: SurveyQuestion) -> SurveyAnswer:
    for attempt in range(1, question.attempts + 1):
        try:
            result = await session.get_data(question.prompt, question.digit_timeout, question.max_digits)
        except AgiCommandFailed as exc:  # the prompt could not be played: asking again will not help
            log.warning("survey question %r not asked on %s: %s", question.key, session.request.channel, exc)
            return SurveyAnswer(question.key, None, attempt)
        if result.digits and (not question.choices or result.digits in question.choices):
            return SurveyAnswer(question.key, result.digits, attempt)
        if question.retry_prompt and attempt < question.attempts:
            await _play(session, question.retry_prompt)
    return SurveyAnswer(question.key, None, question.attempts)


async def _play(session: AgiSession, sound: str) -> None:
    try:
        await session.stream_file(sound)
    except AgiCommandFailed as exc:
        log.warning("sound %r not played on %s: %s", sound, session.request.channel, exc)
