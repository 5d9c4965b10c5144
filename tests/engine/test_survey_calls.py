"""A survey campaign's calls in the engine: a person goes to the IVR survey (a machine as the
campaign says), the answers go to storage, "press 1" reaches a ready operator or is abandoned,
and the call ends ``surveyed`` (its contact done) unless it was put through. No sockets."""

from __future__ import annotations

from datetime import datetime, timedelta

from agi.routes.model import (
    AmdResult,
    AmdStatus,
    CallInfo,
    RouteAction,
    Survey,
    SurveyAnswer,
    SurveyOutcome,
    SurveyQuestion,
    SurveyReport,
)
from ami.facts import CallConnected, CallHungUp, HungUpBy
from dialer.calls.after_call import after_call
from dialer.calls.models import CallOutcome
from dialer.contacts.models import ContactStatus
from dialer.dialing_modes import DialMode
from dialer.engine.agi import EngineAgi
from dialer.engine.clock import EngineClock
from dialer.engine.fact_handler import FactHandler
from dialer.engine.floor import Floor, LiveCall, LiveOperator, Seat
from dialer.engine.outcomes import answered_by_person, answered_outcome
from dialer.engine.runner import RunnerSettings, pacing_input
from dialer.engine.surveys import agi_survey, reported
from dialer.engine.writer import OrderedWriter
from dialer.surveys.models import ResponseOutcome
from dialer.surveys.schemas import SurveyIn
from tests.engine.fakes import T0, FakeStore, plan

FAST = EngineClock(speed=20.0)
SURVEY = Survey(
    "1",
    (
        SurveyQuestion("q1", "survey/q1", ("1", "2")),
        SurveyQuestion("talk", "survey/t", ("1",), transfer_on=("1",)),
    ),
)
HUMAN = AmdResult(AmdStatus.HUMAN, "HUMAN-800-800")


class FakeSurveys:
    def __init__(self, survey: Survey | None = SURVEY) -> None:
        self.survey = survey
        self.recorded: list[tuple[str, SurveyReport, datetime]] = []

    async def survey_of(self, campaign_id: int) -> Survey | None:
        return self.survey

    async def record(self, call_uid: str, report: SurveyReport, at: datetime) -> None:
        self.recorded.append((call_uid, report, at))


def setup(*ops: LiveOperator, surveys: FakeSurveys | None = None):
    floor, store, writer = Floor(), FakeStore(), OrderedWriter()
    writer.start()
    for op in ops:
        floor.operators[op.endpoint] = op
    p = plan(mode=DialMode.SURVEY)
    surveys = surveys or FakeSurveys()
    agi = EngineAgi(
        floor,
        {1: p},
        store,
        writer,
        FAST,
        abandon_message="dialer/abandon",
        machine_message="",
        surveys=surveys,
    )
    facts = FactHandler(floor, store, writer, {1: p})
    return agi, facts, floor, store, writer, surveys


def answered(floor: Floor, uid: str = "c1") -> CallInfo:
    floor.add_call(LiveCall(uid, 1, 7, "trunk", "asterisk", T0, answered_at=T0))
    return CallInfo(uid, "1", "7", uid, f"PJSIP/trunk-{uid}")


def ready(endpoint: str = "1001", operator_id: int = 1) -> LiveOperator:
    return LiveOperator(operator_id, endpoint, frozenset({1}), seat=Seat.READY, held=True, since=T0)


def report(outcome: SurveyOutcome, *answers: tuple[str, str | None]) -> SurveyReport:
    return SurveyReport("1", tuple(SurveyAnswer(q, d, 1) for q, d in answers), outcome)


def s(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def test_a_person_goes_to_the_survey_and_no_operator_is_taken() -> None:
    agi, _, floor, _, writer, _ = setup(ready())
    call = answered(floor)
    decision = await agi.on_amd_result(call, HUMAN)
    assert decision.action is RouteAction.SURVEY
    assert floor.operators["1001"].seat is Seat.READY
    assert floor.calls["c1"].human_at is None  # nobody waits for an operator: no abandon clock
    assert await agi.survey_for(call, None) == SURVEY
    assert floor.calls["c1"].surveyed
    await writer.stop()


async def test_a_machine_is_handled_as_in_any_campaign() -> None:
    agi, _, floor, _, writer, _ = setup()
    decision = await agi.on_amd_result(
        answered(floor), AmdResult(AmdStatus.MACHINE, "INITIALSILENCE-2500-2500")
    )
    assert decision.action is RouteAction.HANGUP
    await writer.stop()


async def test_answers_are_stored_and_a_completed_survey_ends_surveyed() -> None:
    agi, facts, floor, store, writer, surveys = setup()
    call = answered(floor)
    await agi.on_amd_result(call, HUMAN)
    await agi.survey_for(call, None)
    done = report(SurveyOutcome.COMPLETED, ("q1", "2"), ("talk", None))
    assert await agi.on_survey_finished(call, done) is None
    facts.on_fact(CallHungUp("c1", s(20), 16, "Normal Clearing", HungUpBy.AGI, 0.0))
    await writer.drain()
    assert [(uid, r) for uid, r, _ in surveys.recorded] == [("c1", done)]
    assert {w[1]: w[2] for w in store.writes if w[0] == "ended"} == {"c1": CallOutcome.SURVEYED}
    assert (floor.tally(1).answered, floor.tally(1).abandoned) == (1, 0)
    await writer.stop()


async def test_a_hang_up_mid_survey_keeps_the_partial_answers_and_is_no_abandon() -> None:
    agi, facts, floor, store, writer, surveys = setup()
    call = answered(floor)
    await agi.on_amd_result(call, HUMAN)
    await agi.survey_for(call, None)
    facts.on_fact(CallHungUp("c1", s(30), 16, "Normal Clearing", HungUpBy.CUSTOMER, 0.0))
    partial = report(SurveyOutcome.HUNG_UP, ("q1", "1"))
    assert await agi.on_survey_finished(call, partial) is None  # after the hangup, as Asterisk does it
    await writer.drain()
    assert surveys.recorded[0][1] == partial
    assert {w[1]: w[2] for w in store.writes if w[0] == "ended"} == {"c1": CallOutcome.SURVEYED}
    await writer.stop()


async def test_press_1_puts_the_caller_through_to_a_ready_operator() -> None:
    agi, facts, floor, store, writer, _ = setup(ready())
    call = answered(floor)
    await agi.on_amd_result(call, HUMAN)
    await agi.survey_for(call, None)
    decision = await agi.on_survey_finished(call, report(SurveyOutcome.TRANSFER, ("q1", "1"), ("talk", "1")))
    assert decision is not None
    assert (decision.action, decision.operator, decision.bridge) == (RouteAction.OPERATOR, "1001", "op1001")
    operator = floor.operators["1001"]
    assert operator.seat is Seat.RESERVED
    facts.on_fact(CallConnected("c1", s(12), "1001"))
    facts.on_fact(CallHungUp("c1", s(70), 16, "Normal Clearing", HungUpBy.CUSTOMER, 58.0))
    await writer.drain()
    assert {w[1]: w[2] for w in store.writes if w[0] == "ended"} == {"c1": CallOutcome.HUMAN_CONNECTED}
    assert floor.operators["1001"].seat.value == "wrap_up"  # (mypy narrowed it to RESERVED above)
    await writer.stop()


async def test_press_1_with_nobody_free_hears_the_abandon_message_and_counts() -> None:
    agi, facts, floor, store, writer, _ = setup()
    call = answered(floor)
    await agi.on_amd_result(call, HUMAN)
    await agi.survey_for(call, None)
    decision = await agi.on_survey_finished(call, report(SurveyOutcome.TRANSFER, ("talk", "1")))
    assert decision is not None
    assert decision.action is RouteAction.ABANDON and decision.message == "dialer/abandon"
    facts.on_fact(CallHungUp("c1", s(15), 16, "Normal Clearing", HungUpBy.AGI, 0.0))
    await writer.drain()
    assert "abandoned" in store.kinds("c1")
    assert {w[1]: w[2] for w in store.writes if w[0] == "ended"} == {"c1": CallOutcome.ABANDONED}
    assert (floor.tally(1).answered, floor.tally(1).abandoned) == (1, 1)
    await writer.stop()


async def test_a_campaign_without_its_survey_hangs_up() -> None:
    agi, _, floor, _, writer, _ = setup(surveys=FakeSurveys(None))
    call = answered(floor)
    assert await agi.survey_for(call, None) is None
    assert not floor.calls["c1"].surveyed
    await writer.stop()


def test_the_verdict_of_a_surveyed_call_and_where_its_contact_goes() -> None:
    def verdict(*, connected: bool, surveyed: bool) -> CallOutcome:
        return answered_outcome(
            connected=connected, abandoned=False, amd_status="HUMAN", by=HungUpBy.CUSTOMER, surveyed=surveyed
        )

    assert verdict(connected=False, surveyed=True) is CallOutcome.SURVEYED
    assert verdict(connected=True, surveyed=True) is CallOutcome.HUMAN_CONNECTED
    assert verdict(connected=False, surveyed=False) is CallOutcome.NO_ANSWER
    assert answered_by_person(CallOutcome.SURVEYED)
    move = after_call(CallOutcome.SURVEYED, attempts=1, max_attempts=3, retry_delays={}, at=T0)
    assert (move.status, move.next_attempt_at) == (ContactStatus.DONE, None)


def test_the_api_survey_becomes_the_agi_routes_survey() -> None:
    survey = SurveyIn.model_validate(
        {
            "intro": "survey/hello",
            "retry_prompt": "survey/again",
            "questions": [
                {
                    "key": "zip",
                    "prompt": "survey/zip",
                    "choices": [{"digit": "101", "meaning": "centre"}],
                    "timeout_s": 7,
                },
                {
                    "key": "talk",
                    "prompt": "survey/t",
                    "choices": [{"digit": "1", "meaning": "talk"}, {"digit": "2", "meaning": "no"}],
                    "transfer_digit": "1",
                    "attempts": 1,
                },
            ],
        }
    )
    converted = agi_survey(5, survey)
    assert converted.survey_id == "5" and converted.intro == "survey/hello" and converted.goodbye is None
    zip_q, talk = converted.questions
    assert (zip_q.choices, zip_q.max_digits, zip_q.digit_timeout, zip_q.retry_prompt) == (
        ("101",),
        3,
        7.0,
        "survey/again",
    )
    assert (talk.transfer_on, talk.attempts) == (("1",), 1)
    outcome, answers = reported(report(SurveyOutcome.HUNG_UP, ("zip", None)))
    assert outcome is ResponseOutcome.HUNG_UP and [(a.question, a.digits) for a in answers] == [("zip", None)]


async def test_calls_in_the_survey_hold_lines_for_pacing() -> None:
    floor = Floor()
    floor.add_call(LiveCall("a", 1, 1, "trunk", "asterisk", T0))  # ringing
    floor.add_call(
        LiveCall("b", 1, 2, "trunk", "asterisk", T0, answered_at=s(3), amd_status="HUMAN", surveyed=True)
    )
    snapshot = pacing_input(
        plan(mode=DialMode.SURVEY),
        floor,
        s(10),
        lines_free=8,
        cps_tokens=50,
        settings=RunnerSettings(max_lines_per_campaign=5),
    )
    assert snapshot.lines_in_use == 2 and snapshot.limits.max_lines == 5
