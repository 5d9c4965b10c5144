"""The product's routes, each called by a scripted Asterisk channel as the dialplan would."""

from __future__ import annotations

import logging

import pytest

from agi.routes import (
    AbandonRoute,
    AmdResult,
    AmdRoute,
    AmdStatus,
    RouteDecision,
    Survey,
    SurveyAnswer,
    SurveyOutcome,
    SurveyQuestion,
    SurveyRoute,
    product_routes,
)
from tests.agi.conftest import StartServer
from tests.agi.engine_double import InMemoryEngine
from tests.agi.fake_asterisk import HANG_UP, TIMEOUT, FakeChannel

pytestmark = [pytest.mark.usefixtures("shared_dir"), pytest.mark.filterwarnings("error")]

# What the product's Originate puts on the customer channel (README part 1, point 4).
CALL_VARS = {"DIALER_CALL_ID": "call-7", "CAMPAIGN_ID": "42", "LEAD_ID": "5556001"}


def set_commands(channel: FakeChannel) -> list[tuple[str, str]]:
    return [(c[2], c[3]) for c in channel.commands if c[:2] == ["SET", "VARIABLE"]]


def amd_engine() -> InMemoryEngine:
    return InMemoryEngine(
        amd_decisions={
            AmdStatus.HUMAN: RouteDecision.to_operator("1001", bridge="op1001"),
            AmdStatus.MACHINE: RouteDecision.hangup(),
            AmdStatus.NOTSURE: RouteDecision.abandon(message="campaign-42-id"),
        }
    )


# --------------------------------------------------------------------------- amd


@pytest.mark.parametrize(
    ("status", "cause", "expected_sets"),
    [  # verdicts and causes as captured (README part 2, point 12)
        (
            "HUMAN",
            "HUMAN-800-800",
            [("AGI_OPERATOR", "1001"), ("AGI_BRIDGE", "op1001"), ("AGI_ROUTE", "operator")],
        ),
        ("MACHINE", "INITIALSILENCE-2500-2500", [("AGI_ROUTE", "hangup")]),
        ("NOTSURE", "TOOLONG-4000", [("AGI_MESSAGE", "campaign-42-id"), ("AGI_ROUTE", "abandon")]),
    ],
)
async def test_amd_tells_the_engine_and_routes_the_call(
    start_server: StartServer, status: str, cause: str, expected_sets: list[tuple[str, str]]
) -> None:
    engine = amd_engine()
    server = await start_server({"amd": AmdRoute(engine)})
    channel = FakeChannel("amd?campaign=42", {**CALL_VARS, "AMDSTATUS": status, "AMDCAUSE": cause})
    await channel.call(server.port)
    ((call, result),) = engine.amd_results
    assert result == AmdResult(AmdStatus(status), cause)
    assert (call.call_id, call.campaign_id, call.lead_id) == ("call-7", "42", "5556001")
    assert (call.uniqueid, call.channel) == ("cust-5556001-A1", "PJSIP/trunk-00000001")
    assert set_commands(channel) == expected_sets  # targets first, AGI_ROUTE last


async def test_amd_without_call_id_variable_uses_the_channel_uniqueid(start_server: StartServer) -> None:
    engine = amd_engine()
    server = await start_server({"amd": AmdRoute(engine)})
    await FakeChannel("amd?campaign=42", {"AMDSTATUS": "HUMAN", "AMDCAUSE": "HUMAN-800-800"}).call(
        server.port
    )
    ((call, _),) = engine.amd_results
    assert (call.call_id, call.campaign_id, call.lead_id) == ("cust-5556001-A1", "42", None)


async def test_amd_status_unset_is_reported_as_unknown(start_server: StartServer) -> None:
    engine = amd_engine()
    server = await start_server({"amd": AmdRoute(engine)})
    channel = FakeChannel("amd", dict(CALL_VARS))
    await channel.call(server.port)
    assert engine.amd_results[0][1] == AmdResult(AmdStatus.UNKNOWN, "")
    assert channel.variables["AGI_ROUTE"] == "hangup"


@pytest.mark.parametrize("trouble", ["slow", "broken"])
async def test_amd_falls_back_when_the_engine_cannot_decide(
    start_server: StartServer, caplog: pytest.LogCaptureFixture, trouble: str
) -> None:
    engine = amd_engine()
    engine.delay, engine.fail = (5.0, False) if trouble == "slow" else (0.0, True)
    server = await start_server({"amd": AmdRoute(engine, decision_timeout=0.2)})
    channel = FakeChannel("amd", {**CALL_VARS, "AMDSTATUS": "HUMAN", "AMDCAUSE": "HUMAN-800-800"})
    await channel.call(server.port)
    assert set_commands(channel) == [("AGI_ROUTE", "abandon")]
    assert any("call-7" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


async def test_amd_when_the_caller_hung_up_during_amd_still_sets_the_route(start_server: StartServer) -> None:
    engine = amd_engine()
    server = await start_server({"amd": AmdRoute(engine)})
    channel = FakeChannel("amd", {**CALL_VARS, "AMDSTATUS": "HANGUP", "AMDCAUSE": "HANGUP-0"}, dead=True)
    await channel.call(server.port)
    assert engine.amd_results[0][1].status is AmdStatus.HANGUP
    assert channel.variables["AGI_ROUTE"] == "hangup"  # SET VARIABLE works on a dead channel


# --------------------------------------------------------------------------- abandon


@pytest.mark.parametrize(
    ("script", "variables", "played"),
    [
        ("abandon?message=campaign-42-id", {}, "campaign-42-id"),
        ("abandon", {"AGI_MESSAGE": "custom/id-message"}, "custom/id-message"),
        ("abandon", {}, "dialer/identification"),
    ],
)
async def test_abandon_plays_the_message_hangs_up_and_tells_the_engine(
    start_server: StartServer, script: str, variables: dict[str, str], played: str
) -> None:
    engine = InMemoryEngine()
    server = await start_server({"abandon": AbandonRoute(engine, "dialer/identification")})
    channel = FakeChannel(script, {**CALL_VARS, **variables})
    await channel.call(server.port)
    assert channel.played == [played]
    assert channel.commands[-1] == ["HANGUP"]
    ((call, message),) = engine.abandoned
    assert (call.call_id, message) == ("call-7", played)


async def test_abandon_caller_hanging_up_during_the_message_is_still_counted(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agi")
    engine = InMemoryEngine(delay=0.1)  # the engine answers after the caller is gone
    server = await start_server({"abandon": AbandonRoute(engine, "dialer/identification")})
    channel = FakeChannel("abandon", dict(CALL_VARS), hang_up_on="STREAM FILE")
    await channel.call(server.port)
    assert ["HANGUP"] not in channel.commands
    assert [c.call_id for c, _ in engine.abandoned] == ["call-7"]
    assert any("hung up during route 'abandon'" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_abandon_with_a_missing_sound_still_hangs_up(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    engine = InMemoryEngine()
    server = await start_server({"abandon": AbandonRoute(engine, "dialer/identification")})
    channel = FakeChannel("abandon", dict(CALL_VARS), missing_files={"dialer/identification"})
    await channel.call(server.port)
    assert channel.commands[-1] == ["HANGUP"]
    assert len(engine.abandoned) == 1
    assert any("not played" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


# --------------------------------------------------------------------------- survey

RATING = ("1", "2", "3", "4", "5")
SURVEY = Survey(
    survey_id="nps-42",
    intro="survey/intro",
    goodbye="survey/thanks",
    questions=(
        SurveyQuestion("satisfaction", "survey/q1", RATING, retry_prompt="survey/invalid"),
        SurveyQuestion("recommend", "survey/q2", RATING),
        SurveyQuestion("talk", "survey/press-1-to-talk", ("1", "2"), transfer_on=("1",)),
    ),
)


def survey_engine() -> InMemoryEngine:
    return InMemoryEngine(
        surveys={"nps-42": SURVEY}, transfer_decision=RouteDecision.to_operator("1001", bridge="op1001")
    )


async def test_survey_collects_answers(start_server: StartServer) -> None:
    engine = survey_engine()
    server = await start_server({"survey": SurveyRoute(engine)})
    channel = FakeChannel("survey?survey=nps-42", dict(CALL_VARS), keys=["4", "5", "2"])
    await channel.call(server.port)
    assert ["GET", "DATA", "survey/q1", "5000", "1"] in channel.commands
    assert channel.asked == ["survey/q1", "survey/q2", "survey/press-1-to-talk"]
    assert channel.played == ["survey/intro", "survey/thanks"]
    ((call, report),) = engine.reports
    assert call.call_id == "call-7"
    assert report.outcome is SurveyOutcome.COMPLETED
    assert report.answers == (
        SurveyAnswer("satisfaction", "4", 1),
        SurveyAnswer("recommend", "5", 1),
        SurveyAnswer("talk", "2", 1),
    )
    assert set_commands(channel) == [("AGI_ROUTE", "hangup")]


async def test_survey_asks_again_on_invalid_or_missing_input(start_server: StartServer) -> None:
    engine = survey_engine()
    server = await start_server({"survey": SurveyRoute(engine)})
    channel = FakeChannel("survey?survey=nps-42", dict(CALL_VARS), keys=["9", "3", TIMEOUT, TIMEOUT, "2"])
    await channel.call(server.port)
    assert channel.asked == ["survey/q1", "survey/q1", "survey/q2", "survey/q2", "survey/press-1-to-talk"]
    assert channel.played == ["survey/intro", "survey/invalid", "survey/thanks"]
    answers = engine.reports[0][1].answers
    assert answers[:2] == (SurveyAnswer("satisfaction", "3", 2), SurveyAnswer("recommend", None, 2))


async def test_survey_press_1_to_talk_routes_to_an_operator(start_server: StartServer) -> None:
    engine = survey_engine()
    server = await start_server({"survey": SurveyRoute(engine)})
    channel = FakeChannel("survey?survey=nps-42", dict(CALL_VARS), keys=["4", "5", "1"])
    await channel.call(server.port)
    report = engine.reports[0][1]
    assert report.outcome is SurveyOutcome.TRANSFER
    assert report.answers[-1] == SurveyAnswer("talk", "1", 1)
    assert "survey/thanks" not in channel.played
    assert set_commands(channel) == [
        ("AGI_OPERATOR", "1001"),
        ("AGI_BRIDGE", "op1001"),
        ("AGI_ROUTE", "operator"),
    ]


async def test_survey_caller_hanging_up_mid_survey_reports_the_answers_so_far(
    start_server: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="agi")
    engine = survey_engine()
    server = await start_server({"survey": SurveyRoute(engine)})
    channel = FakeChannel("survey?survey=nps-42", dict(CALL_VARS), keys=["4", HANG_UP])
    await channel.call(server.port)
    assert channel.asked == ["survey/q1", "survey/q2"]
    ((_, report),) = engine.reports
    assert report.outcome is SurveyOutcome.HUNG_UP
    assert report.answers == (SurveyAnswer("satisfaction", "4", 1),)
    assert "AGI_ROUTE" not in channel.variables
    assert any("hung up during route 'survey'" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_survey_unknown_survey_routes_to_hangup(start_server: StartServer) -> None:
    engine = survey_engine()
    server = await start_server({"survey": SurveyRoute(engine)})
    channel = FakeChannel("survey?survey=nope", dict(CALL_VARS))
    await channel.call(server.port)
    assert channel.asked == [] and engine.reports == []
    assert set_commands(channel) == [("AGI_ROUTE", "hangup")]


async def test_product_routes_serve_all_three(start_server: StartServer) -> None:
    engine = survey_engine()
    engine.amd_decisions = amd_engine().amd_decisions
    server = await start_server(product_routes(engine, abandon_message="dialer/identification"))
    human = FakeChannel("amd", {**CALL_VARS, "AMDSTATUS": "HUMAN", "AMDCAUSE": "HUMAN-800-800"})
    abandoned = FakeChannel("abandon", dict(CALL_VARS))
    surveyed = FakeChannel("survey?survey=nps-42", dict(CALL_VARS), keys=["1", "1", "2"])
    for channel in (human, abandoned, surveyed):
        await channel.call(server.port)
    assert human.variables["AGI_ROUTE"] == "operator"
    assert abandoned.played == ["dialer/identification"]
    assert surveyed.variables["AGI_ROUTE"] == "hangup"
