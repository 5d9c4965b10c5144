"""The FastAGI answers use the call's campaign's own messages: its identification message for an
abandoned person and its message for an answering machine; empty, the engine's global ones apply."""

from __future__ import annotations

from dataclasses import replace

from agi.routes.model import AmdResult, AmdStatus, CallInfo, RouteAction
from dialer.engine.agi import EngineAgi
from dialer.engine.clock import EngineClock
from dialer.engine.floor import Floor, LiveCall
from dialer.engine.writer import OrderedWriter
from tests.engine.fakes import T0, FakeStore, plan

FAST = EngineClock(speed=20.0)
HUMAN = AmdResult(AmdStatus.HUMAN, "HUMAN-800-800")
MACHINE = AmdResult(AmdStatus.MACHINE, "LONGGREETING-1500-1500")


def engine(*, abandon: str = "", machine: str = "", global_machine: str = "") -> tuple[EngineAgi, Floor]:
    """Two campaigns with nobody logged in: campaign 1 with the given messages, campaign 2 without."""
    floor = Floor()
    own = replace(plan(1, connect_limit_s=0.2), abandon_message=abandon, machine_message=machine)
    plain = plan(2, connect_limit_s=0.2)
    agi = EngineAgi(
        floor,
        {1: own, 2: plain},
        FakeStore(),
        OrderedWriter(),
        FAST,
        abandon_message="dialer/abandon",
        machine_message=global_machine,
    )
    return agi, floor


def answered(floor: Floor, uid: str, campaign_id: int) -> CallInfo:
    floor.add_call(LiveCall(uid, campaign_id, 7, "trunk", "asterisk", T0, answered_at=T0))
    return CallInfo(uid, str(campaign_id), "7", uid, f"PJSIP/trunk-{uid}")


async def test_an_abandoned_person_hears_the_campaigns_identification_message() -> None:
    agi, floor = engine(abandon="custom/romashka-id")
    own = await agi.on_amd_result(answered(floor, "a", 1), HUMAN)
    plain = await agi.on_amd_result(answered(floor, "b", 2), HUMAN)
    assert (own.action, own.message) == (RouteAction.ABANDON, "custom/romashka-id")
    assert (plain.action, plain.message) == (RouteAction.ABANDON, "dialer/abandon")


async def test_a_machine_is_left_the_campaigns_message_even_without_a_global_one() -> None:
    agi, floor = engine(machine="custom/call-us")
    own = await agi.on_amd_result(answered(floor, "a", 1), MACHINE)
    plain = await agi.on_amd_result(answered(floor, "b", 2), MACHINE)
    assert (own.action, own.message) == (RouteAction.MESSAGE, "custom/call-us")
    assert plain.action is RouteAction.HANGUP  # no message anywhere: machines are hung up


async def test_a_campaign_without_its_own_machine_message_uses_the_global_one() -> None:
    agi, floor = engine(global_machine="dialer/offer")
    own = await agi.on_amd_result(answered(floor, "a", 1), MACHINE)
    assert (own.action, own.message) == (RouteAction.MESSAGE, "dialer/offer")
    agi2, floor2 = engine(machine="custom/call-us", global_machine="dialer/offer")
    mine = await agi2.on_amd_result(answered(floor2, "a", 1), MACHINE)
    assert mine.message == "custom/call-us"


async def test_the_plan_reads_the_campaigns_messages() -> None:
    from dialer.campaigns.models import Campaign
    from dialer.dialing_modes import DialMode
    from dialer.engine.plan import Plan

    campaign = Campaign(
        id=5,
        dialing_mode=DialMode.PROGRESSIVE,
        compliance_profile="us",
        abandon_cap=plan().profile.abandon_cap,
        connect_limit_ms=2000,
        ring_timeout_s=20,
        wrap_up_s=10,
        abandon_message="custom/id",
        machine_message="",
    )
    p = Plan.of(campaign)
    assert (p.abandon_message, p.machine_message) == ("custom/id", "")
