"""A client, contract and campaign with two operators; calls run through the engine's own store
(``SqlCallStore``), so their end marks the recording pending exactly as in production."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from dialer.calls import early
from dialer.calls.models import Call, CallOutcome, HangupSide
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode, RecordingPolicy
from dialer.clients.models import Client, Contract, PricingModel
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.engine.ports import Lease
from dialer.engine.recording_filer import FilerSettings
from dialer.engine.sql_store import SqlCallStore
from dialer.operators.models import Operator, campaign_operators

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@dataclass
class RecWorld:
    client_id: int
    contract_id: int
    campaign_id: int
    operator_id: int
    store: SqlCallStore


@pytest.fixture
async def rec_world(sessions) -> RecWorld:
    async with unit_of_work(sessions) as session:
        client = Client(name="Ромашка", country="RU")
        session.add(client)
        await session.flush()
        contract = Contract(
            client_id=client.id,
            number="R-1",
            pricing_model=PricingModel.PER_TALK_MINUTE,
            period_start=date(2026, 1, 1),
        )
        session.add(contract)
        await session.flush()
        campaign = Campaign(
            contract_id=contract.id,
            client_id=client.id,
            name="Кредитки",
            dialing_mode=DialMode.PROGRESSIVE,
            state=CampaignState.RUNNING,
            dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
        )
        operator = Operator(name="Olga", login="olga", sip_endpoint="1001")
        session.add_all([campaign, operator])
        await session.flush()
        await session.execute(
            insert(campaign_operators), [{"campaign_id": campaign.id, "operator_id": operator.id}]
        )
        ids = (client.id, contract.id, campaign.id, operator.id)
    store = SqlCallStore(
        sessions, owner="test", lease_for=timedelta(minutes=5), campaign_ttl=timedelta(minutes=1)
    )
    return RecWorld(*ids, store=store)


async def set_policy(sessions: Any, campaign_id: int, policy: RecordingPolicy, legs: bool = False) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(recording_policy=policy, recording_split_legs=legs)
        )


EndCall = Callable[..., Awaitable[Call]]


@pytest.fixture
def end_call(sessions, rec_world: RecWorld) -> EndCall:
    """``await end_call(uid, talk_s=8, connected=True, placed_at=T0, campaign_id=None)``: a call placed,
    answered, maybe put through, and ended through the engine's store; returns the stored record."""
    counter = iter(range(1_000_000))

    async def _end(
        uid: str,
        *,
        talk_s: float = 8.0,
        connected: bool = True,
        answered: bool = True,
        placed_at: datetime = T0,
        campaign_id: int | None = None,
    ) -> Call:
        campaign = campaign_id or rec_world.campaign_id
        async with unit_of_work(sessions) as session:
            contact = Contact(
                campaign_id=campaign, phone=f"+7495{next(counter):07d}", timezone="Europe/Moscow"
            )
            session.add(contact)
            await session.flush()
            lease = Lease(contact.id, contact.phone, 1)
            # what the engine's plan of the campaign tells the dialplan, and so the call keeps
            policy = await session.scalar(select(Campaign.recording_policy).where(Campaign.id == campaign))
            assert policy is not None
        store = rec_world.store
        await store.create_call(
            uid, campaign, lease, "trunk", "asterisk", placed_at, recording_policy=policy
        )
        at = placed_at + timedelta(seconds=5)
        outcome = CallOutcome.NO_ANSWER
        if answered:
            await store.mark_early(uid, (early.Answered(at),))
            outcome = CallOutcome.MACHINE
        if connected:
            await store.mark_connected(uid, rec_world.operator_id, at + timedelta(seconds=2))
            at += timedelta(seconds=2)
            outcome = CallOutcome.HUMAN_CONNECTED
        await store.mark_ended(uid, outcome, 16, HangupSide.CUSTOMER, at + timedelta(seconds=talk_s))
        async with sessions() as session:
            call: Call | None = await session.scalar(select(Call).where(Call.call_uid == uid))
            assert call is not None
            return call

    return _end


def filer_settings(tmp_path: Path, **overrides: Any) -> FilerSettings:
    values: dict[str, Any] = {
        "spool_dir": tmp_path / "spool",
        "work_dir": tmp_path / "work",
        "settle_s": 0.3,
        "sweep_s": 0.2,
    } | overrides
    return FilerSettings(**values)


from tests.recordings.conftest import s3_endpoint  # noqa: E402,F401  (moto's server, its own process)
