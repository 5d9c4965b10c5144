"""Two Asterisk servers (two PBX simulators), each with its own AMI connection and trunk: calls are
spread by free lines and never exceed a trunk's; one server's restart ends only its own calls, the
other's go on and it keeps dialing, and the restarted one is dialed through again once it is back."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from pydantic import SecretStr
from sqlalchemy import select

from dialer.calls.models import Call
from dialer.db.engine import unit_of_work
from dialer.demo.data import SUPERVISOR, add_contacts, create_demo_campaign, start_campaign
from dialer.dialing_modes import DialMode
from dialer.engine.clock import EngineClock
from dialer.service import Service
from dialer.settings import AmiServerSettings, TrunkSettings
from dialer.surveys import service as surveys
from pbxsim import CustomerScript, PbxSim, ScaledClock, Scenario
from tests.e2e.harness import settings_for, until, window_around
from tests.scale.test_two_engines import SURVEY

SPEED = 20.0
LINES = {"trunk1": 6, "trunk2": 3}
CONTACTS = 150


def ringing_base() -> tuple[list[str], Scenario]:
    """People who let it ring out (the campaign's 40 s ring timeout): each call holds its line a while."""
    scenario = Scenario(seed=11)
    phones = [f"+7916400{i:04d}" for i in range(CONTACTS)]
    for phone in phones:
        scenario.customers[phone.lstrip("+")] = CustomerScript("noanswer", ring=60.0)
    return phones, scenario


async def test_calls_spread_over_two_servers_and_one_restart_spares_the_other(
    database_url, sessions, tmp_path
):
    phones, scenario = ringing_base()
    sims = {}
    for name in ("pbx1", "pbx2"):
        sim = PbxSim(
            scenario, clock=ScaledClock(SPEED), ami_port=0, agi_port=1, recordings_dir=tmp_path / "rec",
            recording_tone_hz=None, auth_fail_delay=0.05, record_dir=tmp_path / f"record-{name}",
        )  # fmt: skip
        await sim.start()
        sims[name] = sim
    for name, sim in sims.items():
        sim.pbx.config.trunks = frozenset({name.replace("pbx", "trunk")})  # trunk1 on pbx1, trunk2 on pbx2
    sims["pbx1"].operator("1001")  # the operators' softphones are on the first server
    clock = EngineClock(sims["pbx1"].clock.time, SPEED)
    async with unit_of_work(sessions) as session:
        demo = await create_demo_campaign(
            session, endpoints=["1001"], name="Two servers", mode=DialMode.SURVEY,
            calling_hours=window_around(clock.now()), max_attempts=1, ring_timeout_s=40,
        )  # fmt: skip
        await surveys.put_survey(session, SUPERVISOR, demo.campaign_id, SURVEY, now=datetime.now(UTC))
        await add_contacts(session, demo.campaign_id, phones)
    settings = settings_for(
        database_url, tmp_path, sims["pbx1"],
        ami_servers=[
            AmiServerSettings(name=n, port=s.ami_port, secret=SecretStr("autodialer"), calls_per_second=50)
            for n, s in sims.items()
        ],
        trunks=[
            TrunkSettings(name="trunk1", server="pbx1", max_lines=LINES["trunk1"], calls_per_second=50),
            TrunkSettings(name="trunk2", server="pbx2", max_lines=LINES["trunk2"], calls_per_second=50),
        ],
        max_lines_per_campaign=100,
    )  # fmt: skip
    service = Service(settings, port=0, log_level="warning", clock=clock)
    await service.start()
    peak: Counter[str] = Counter()
    try:
        assert service.runtime is not None
        runtime = service.runtime
        assert runtime.pbx.operators_server == "pbx1"
        await runtime.pbx.wait_ready(within=60)
        async with unit_of_work(sessions) as session:
            await start_campaign(session, demo.campaign_id)

        def live() -> Counter[str]:
            now = Counter(call.trunk for call in runtime.engine.floor.calls.values())
            for trunk, n in now.items():
                peak[trunk] = max(peak[trunk], n)
            return now

        # Both trunks fill to their own lines: the free capacity of each is used, no more.
        await until(lambda: live() == Counter(LINES))
        # pbx2 restarts: its calls end; pbx1's calls go on, and pbx1 keeps dialing meanwhile.
        on_pbx1 = {uid for uid, c in runtime.engine.floor.calls.items() if c.server == "pbx1"}
        on_pbx2 = {uid for uid, c in runtime.engine.floor.calls.items() if c.server == "pbx2"}
        await sims["pbx2"].restart(downtime=3.0)  # 3 simulated seconds refused
        placed_while_down = await _placed(sessions, "pbx1", exclude=on_pbx1)
        await until(lambda: on_pbx2.isdisjoint(runtime.engine.floor.calls))
        assert on_pbx1 & set(runtime.engine.floor.calls), "pbx1's calls were ended by pbx2's restart"
        await until(lambda: _more(sessions, "pbx1", placed_while_down))
        # pbx2 back: dialed through again.
        await until(lambda: runtime.pbx.server_ready("pbx2"))
        await until(lambda: _any_new(sessions, "pbx2", exclude=on_pbx2))
        live()
    finally:
        await service.stop(grace_s=0)
        for sim in sims.values():
            await sim.stop()

    assert peak["trunk1"] <= LINES["trunk1"] and peak["trunk2"] <= LINES["trunk2"]
    async with sessions() as session:
        calls = {c.call_uid: c for c in await session.scalars(select(Call))}
    # pbx1's calls live at pbx2's restart rang out as scripted, untouched by it.
    assert {calls[uid].outcome.value for uid in on_pbx1 if calls[uid].outcome} <= {"no_answer"}
    # pbx2's calls cut by its restart are closed, not left open.
    assert all(calls[uid].ended_at is not None for uid in on_pbx2)


async def _placed(sessions, server: str, *, exclude: set[str]) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        uids = set(await session.scalars(select(Call.call_uid).where(Call.pbx == server)))
    return len(uids - exclude)


async def _more(sessions, server: str, than: int) -> bool:  # type: ignore[no-untyped-def]
    return await _placed(sessions, server, exclude=set()) > than


async def _any_new(sessions, server: str, *, exclude: set[str]) -> bool:  # type: ignore[no-untyped-def]
    return await _placed(sessions, server, exclude=exclude) > 0
