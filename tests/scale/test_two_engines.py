"""Two engine processes (``dialer serve --role engine``) share the campaigns on one PostgreSQL and
one ``dialer pbxsim``; both are up before the campaign starts. The one that claims it is killed with
SIGKILL mid-campaign; the other takes the campaign over once the dead one's heartbeat is older than
the owner TTL, settles the calls the dead one left (the simulator lists the live ones, the rest
ended) and dials the rest; the dead one's restart (what a container's restart policy does) leaves
the survivor's campaign alone. Afterwards every contact was dialed once and only once, and every
call has its closed record."""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.contacts.models import Contact, ContactStatus
from dialer.db.engine import unit_of_work
from dialer.demo.data import SUPERVISOR, add_contacts, create_demo_campaign, start_campaign
from dialer.dialing_modes import DialMode
from dialer.surveys import service as surveys
from dialer.surveys.schemas import SurveyIn
from tests.conftest import DB_KIND
from tests.e2e.harness import until, window_around
from tests.scale.processes import (
    clean_env,
    free_port,
    scenario_toml,
    start,
    stop,
    wait_port,
    wait_ready,
)

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="engines share campaigns on PostgreSQL only")

SPEED = 10  # simulated seconds per real second
CONTACTS = 90
SURVEY = SurveyIn.model_validate(
    {
        "intro": "survey/hello",
        "goodbye": "survey/thanks",
        "retry_prompt": "survey/again",
        "questions": [
            {
                "key": "rating",
                "prompt": "survey/q-rating",
                "choices": [{"digit": "1", "meaning": "good"}, {"digit": "2", "meaning": "poor"}],
                "timeout_s": 3,
            }
        ],
    }
)


def customers(prefix: str) -> dict[str, dict[str, object]]:
    """Busy, unanswered and answering (a short silent survey) numbers, in turn."""
    out: dict[str, dict[str, object]] = {}
    for i in range(CONTACTS):
        kind = ("noanswer", "busy", "answer")[i % 3]
        script: dict[str, object] = {"outcome": kind, "ring": 2.0 + i % 4}
        if kind == "answer":
            script |= {"talk": 6.0, "amd": "human"}
        out[f"{prefix}{i:04d}"] = script
    return out


async def test_a_killed_engine_s_campaigns_are_taken_over_and_no_contact_is_dialed_twice(
    database_url, sessions, tmp_path: Path
):
    book = customers("7916200")
    scenario = tmp_path / "scenario.toml"
    scenario.write_text(scenario_toml(book))
    async with unit_of_work(sessions) as session:
        demo = await create_demo_campaign(
            session, endpoints=["2001"], name="Survey", mode=DialMode.SURVEY,
            calling_hours=window_around(datetime.now(UTC)), max_attempts=1,
        )  # fmt: skip
        await surveys.put_survey(session, SUPERVISOR, demo.campaign_id, SURVEY, now=datetime.now(UTC))
        await add_contacts(session, demo.campaign_id, [f"+{number}" for number in book])
    campaign_ids = [demo.campaign_id]

    ami_port = free_port()
    sim_log = tmp_path / "pbxsim.log"
    sim = await start(
        ["pbxsim", "--scenario", str(scenario), "--ami-port", str(ami_port),
         "--user", "autodialer:autodialer", "--speed", str(SPEED), "--recordings", str(tmp_path / "rec"),
         "--silence", "--scenario-endpoints"],
        clean_env(), sim_log,
    )  # fmt: skip
    engines: dict[str, tuple[asyncio.subprocess.Process, int, Path]] = {}

    async def start_engine(name: str) -> None:
        port = free_port()
        env = clean_env(
            DIALER_DATABASE_URL=database_url,
            DIALER_DATA_DIR=str(tmp_path / name),
            DIALER_ENGINE_ID=name,
            DIALER_AMI_SERVERS=json.dumps(
                [{"port": ami_port, "secret": "autodialer", "calls_per_second": 50}]
            ),
            DIALER_TRUNKS=json.dumps([{"max_lines": 8, "calls_per_second": 50}]),
            DIALER_AGI_PORT=str(free_port()),
            DIALER_AGI_CALLBACK_HOST="127.0.0.1",  # each call names its engine's FastAGI server
            DIALER_ENGINE_TICK_S="0.5",
            DIALER_CAMPAIGN_OWNER_TTL_S="3",
            # Leases renewed every second while an engine lives: a dead one's undialed contacts come
            # back to the survivor 20 s on; those with an open call stay its own until it settles them.
            DIALER_LEASE_S="20",
            DIALER_LEASE_RENEW_S="1",
            DIALER_STOP_GRACE_S="5",
            DIALER_RECORDINGS_SPOOL_DIR=str(tmp_path / "rec"),
            DIALER_PBX_RECORD_DIR=str(tmp_path / "no-record"),
        )
        log = tmp_path / f"{name}.log"
        process = await start(["serve", "--role", "engine", "--port", str(port)], env, log)
        engines[name] = (process, port, log)
        await wait_ready(port, process, log)

    async def owners() -> set[str | None]:
        async with sessions() as session:
            return set(await session.scalars(select(Campaign.owner).where(Campaign.id.in_(campaign_ids))))

    async def placed() -> int:
        async with sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Call)) or 0)

    try:
        await wait_port(ami_port, sim, sim_log)
        await asyncio.gather(start_engine("engine-a"), start_engine("engine-b"))  # both up before it runs
        async with unit_of_work(sessions) as session:
            for campaign_id in campaign_ids:
                await start_campaign(session, campaign_id)
        await until(lambda: _is_one_of(owners(), ({"engine-a"}, {"engine-b"})))  # one engine claims it
        [first] = await owners()
        assert first is not None
        survivor = "engine-b" if first == "engine-a" else "engine-a"
        await until(lambda: _at_least(placed(), 24))  # mid-campaign, calls in flight
        killed = engines[first][0]
        killed.send_signal(signal.SIGKILL)
        await killed.wait()
        at_kill = await placed()
        await until(lambda: _is(owners(), {survivor}))  # heartbeat older than the TTL: taken over
        await until(lambda: _at_least(placed(), min(at_kill + 8, CONTACTS)))  # and dialed on
        await until(lambda: _all_dialed(sessions, campaign_ids))
        await until(lambda: _all_closed(sessions))  # the survivor settled the calls the dead one left
        await start_engine(first)  # restarted: another live engine's campaign is not its to follow
        await until(lambda: _is(owners(), {survivor}))
    finally:
        for process, _, _ in engines.values():
            await stop(process)
        await stop(sim)

    async with sessions() as session:
        calls = list(await session.scalars(select(Call)))
        contacts = list(await session.scalars(select(Contact).where(Contact.campaign_id.in_(campaign_ids))))
    dialed = Counter(call.contact_id for call in calls)
    assert len(contacts) == CONTACTS
    assert [c for c, n in dialed.items() if n > 1] == []  # no contact dialed twice
    assert set(dialed) == {c.id for c in contacts}  # and every one dialed
    assert all(call.ended_at is not None and call.outcome is not None for call in calls)
    assert all(c.status is not ContactStatus.IN_PROGRESS for c in contacts)
    assert 0 < at_kill < len(calls)


async def _is(value, expected) -> bool:  # type: ignore[no-untyped-def]
    return bool(await value == expected)


async def _is_one_of(value, expected) -> bool:  # type: ignore[no-untyped-def]
    return bool(await value in expected)


async def _at_least(value, least: int) -> bool:  # type: ignore[no-untyped-def]
    return bool(await value >= least)


async def _all_dialed(sessions, campaign_ids: list[int]) -> bool:  # type: ignore[no-untyped-def]
    """Every contact has had its call placed (the dead engine's may still be open)."""
    async with sessions() as session:
        undialed = await session.scalar(
            select(func.count())
            .select_from(Contact)
            .where(Contact.campaign_id.in_(campaign_ids), ~Contact.id.in_(select(Call.contact_id)))
        )
    return undialed == 0


async def _all_closed(sessions) -> bool:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        open_ = await session.scalar(select(func.count()).select_from(Call).where(Call.ended_at.is_(None)))
        leased = await session.scalar(
            select(func.count()).select_from(Contact).where(Contact.status == ContactStatus.IN_PROGRESS)
        )
    return open_ == 0 and leased == 0
