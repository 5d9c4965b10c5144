"""Scripted DTMF answers: what a simulated customer types at the survey's prompts, answered as a real
Asterisk's GET DATA and WAIT FOR DIGIT would, through the product's dialplan and its FastAGI survey."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agi.routes import (
    AmdResult,
    CallInfo,
    RouteDecision,
    Survey,
    SurveyOutcome,
    SurveyQuestion,
    SurveyReport,
    product_routes,
)
from agi.server import FastAgiServer
from agi.wire import parse_reply_line
from pbxsim import PbxSim, Scenario
from pbxsim.dtmf import HANG_UP, Keypad, get_data_reply, wait_for_digit_reply
from pbxsim.scenario import CustomerScript, load_scenario
from tests.pbxsim.helpers import REPO, AmiClient
from tests.pbxsim.test_product_flow import originate


def test_get_data_ends_at_max_digits_at_hash_or_by_timeout() -> None:
    assert get_data_reply("1", 1) == ("200 result=1\n", False)
    assert get_data_reply("123", 2) == ("200 result=12\n", False)
    assert get_data_reply("4#", 3) == ("200 result=4\n", False)
    assert get_data_reply("#", 3) == ("200 result=\n", False)
    assert get_data_reply("4", 3) == ("200 result=4 (timeout)\n", True)
    assert get_data_reply("", 1) == ("200 result= (timeout)\n", True)


def test_wait_for_digit_answers_the_keys_code() -> None:
    assert wait_for_digit_reply("1") == ("200 result=49\n", False)
    assert wait_for_digit_reply("*") == ("200 result=42\n", False)
    assert wait_for_digit_reply("") == ("200 result=0\n", True)


@given(st.text(alphabet="0123456789*#", max_size=8), st.integers(1, 6))
def test_the_product_reads_every_get_data_reply(keys: str, max_digits: int) -> None:
    line, timed_out = get_data_reply(keys, max_digits)
    reply = parse_reply_line(line.rstrip("\n"))
    typed = keys.split("#", 1)[0][:max_digits]
    assert reply.code == 200 and (reply.result or "") == typed
    assert (reply.data == "timeout") == timed_out


def test_a_keypad_gives_one_entry_per_prompt_or_max_digits_of_a_running_string() -> None:
    per_prompt = Keypad.of(("1", "", HANG_UP))
    assert [per_prompt.at_prompt(1) for _ in range(4)] == ["1", "", HANG_UP, ""]
    running = Keypad.of("1234")
    assert [running.at_prompt(1), running.at_prompt(2), running.at_prompt(3), running.at_prompt(1)] == [
        "1",
        "23",
        "4",
        "",
    ]


def test_the_survey_scenario_file_scripts_keys_per_prompt() -> None:
    scenario = load_scenario(REPO / "pbxsim" / "scenarios" / "survey.toml")
    assert scenario.customer("5556002").dtmf == ("7", "2", "102#", "9")
    assert scenario.customer("5556003").dtmf == ("", "3", HANG_UP)
    assert scenario.customer("5559999").dtmf == ("3", "102", "9")  # the default
    assert scenario.customer("5556005").amd == "machine"


def test_scenario_files_script_dtmf_per_prompt() -> None:
    scenario = Scenario.from_dict({"customers": {"5551001": {"dtmf": ["1", "", "4#", "hangup"]}}})
    assert scenario.customer("5551001").dtmf == ("1", "", "4#", "hangup")
    with pytest.raises(ValueError, match="dtmf entry 'x'"):
        CustomerScript(dtmf=("1", "x"))


QUESTIONS = (
    SurveyQuestion("rating", "survey/q-rating", choices=("1", "2", "3"), digit_timeout=3.0, attempts=2),
    SurveyQuestion(
        "zip", "survey/q-zip", choices=("101", "102"), digit_timeout=2.0, max_digits=3, attempts=2
    ),
    SurveyQuestion("talk", "survey/press-1", choices=("1", "9"), transfer_on=("1",)),
)


class SurveyEngine:
    """Stands in for dialer/: every person goes to the survey; "press 1" is abandoned (nobody free)."""

    def __init__(self) -> None:
        self.reports: list[tuple[CallInfo, SurveyReport]] = []
        self.abandoned: list[str] = []

    async def on_amd_result(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        return RouteDecision.survey()

    async def on_abandoned(self, call: CallInfo, message: str) -> None:
        self.abandoned.append(call.call_id)

    async def survey_for(self, call: CallInfo, survey_id: str | None) -> Survey:
        return Survey("7", QUESTIONS, intro="survey/hello", goodbye="survey/thanks")

    async def on_survey_finished(self, call: CallInfo, report: SurveyReport) -> RouteDecision | None:
        self.reports.append((call, report))
        return RouteDecision.abandon("dialer/abandon") if report.outcome is SurveyOutcome.TRANSFER else None


@pytest.fixture
async def engine(sim: PbxSim) -> AsyncIterator[SurveyEngine]:
    engine = SurveyEngine()
    server = FastAgiServer(product_routes(engine, abandon_message="dialer/abandon"), port=0)
    await server.start()
    sim.pbx.config.agi_port = server.port
    yield engine
    await server.close()


def answers(report: SurveyReport) -> list[tuple[str, str | None, int]]:
    return [(a.question, a.digits, a.attempts) for a in report.answers]


async def test_a_customer_answers_the_survey_as_scripted(
    sim: PbxSim, client: AmiClient, engine: SurveyEngine
):
    # "7": not a choice, asked again; "2". The zip: "10" then nothing (timeout), "102#". No operator.
    sim.customer("5552001", ring=1, dtmf=("7", "2", "10", "102#", "9"))
    await originate(client, "5552001", "survey-1")
    route = await client.wait_event("Newexten", Uniqueid="survey-1", Context="dialer-route-hangup")
    assert route["Application"] == "Hangup"  # the dialplan ends the call after the survey
    await client.wait_event("Hangup", Uniqueid="survey-1")
    [(call, report)] = engine.reports
    assert call.call_id == "survey-1" and report.outcome is SurveyOutcome.COMPLETED
    assert answers(report) == [("rating", "2", 2), ("zip", "102", 2), ("talk", "9", 1)]
    assert engine.abandoned == []


async def test_press_1_leaves_the_survey_for_the_route_the_engine_gives(
    sim: PbxSim, client: AmiClient, engine: SurveyEngine
):
    sim.customer("5552002", ring=1, dtmf=("3", "101", "1"))
    await originate(client, "5552002", "survey-2")
    await client.wait_event("Hangup", Uniqueid="survey-2")
    [(_, report)] = engine.reports
    assert report.outcome is SurveyOutcome.TRANSFER
    assert answers(report) == [("rating", "3", 1), ("zip", "101", 1), ("talk", "1", 1)]
    assert engine.abandoned == ["survey-2"]  # dialer-route-abandon ran the abandon route


async def test_a_customer_who_hangs_up_mid_survey_leaves_partial_answers(
    sim: PbxSim, client: AmiClient, engine: SurveyEngine
):
    sim.customer("5552003", ring=1, dtmf=("1", HANG_UP))
    await originate(client, "5552003", "survey-3")
    await client.wait_event("Hangup", Uniqueid="survey-3")
    for _ in range(50):
        if engine.reports:
            break
        await sim.clock.sleep(0.1)
    [(_, report)] = engine.reports
    assert report.outcome is SurveyOutcome.HUNG_UP
    assert answers(report) == [("rating", "1", 1)]
