"""A client with its CRM settings, a campaign, an operator, and hot-lead calls ready to be disposed."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.calls.models import Call, CallOutcome, CallState
from dialer.calls.service import set_disposition
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.clients.models import Client, ClientCrm, Contract, PricingModel
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.operators.models import Operator
from tests.hotleads.receiver import Receiver

SECRET = "whsec-test-0123456789"
SUPERVISOR = Principal(role=Role.SUPERVISOR, user_id=1)


class FakeClock:
    """A UTC clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class World:
    client_id: int
    campaign_id: int
    operator_id: int


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    crm = Receiver(SECRET)
    await crm.reserve_port()
    yield crm
    await crm.stop()


@pytest.fixture
async def world(sessions, receiver: Receiver) -> World:
    async with unit_of_work(sessions) as session:
        client = Client(name="Ромашка", country="RU")
        session.add(client)
        await session.flush()
        session.add(ClientCrm(client_id=client.id, webhook_url=receiver.url, signing_secret=SECRET))
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
            state=CampaignState.RUNNING,
            dialing_mode=DialMode.PROGRESSIVE,
            dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
        )
        operator = Operator(name="Ольга Петрова", login="olga", sip_endpoint="sip-olga")
        session.add_all([campaign, operator])
        await session.flush()
        return World(client.id, campaign.id, operator.id)


MakeCall = Callable[..., Awaitable[int]]


@pytest.fixture
def make_call(sessions, world: World) -> MakeCall:
    """``await make_call()``: a talked and ended call with its contact; answers the call's id."""
    counter = itertools.count(1)

    async def _make(at: datetime | None = None, campaign_id: int | None = None) -> int:
        n = next(counter)
        ended = at or datetime.now(UTC)
        async with unit_of_work(sessions) as session:
            contact = Contact(
                campaign_id=campaign_id or world.campaign_id,
                phone=f"+7495{n:07d}",
                name=f"Иван Сидоров {n}",
                company="ООО Ромашка",
                data={
                    "inn": "7701234567",
                    "meeting": {"date": "2026-12-01T10:00", "place": "офис", "manager": "Анна"},
                },
            )
            session.add(contact)
            await session.flush()
            call = Call(
                call_uid=f"c-{n}-{contact.id}",
                campaign_id=contact.campaign_id,
                contact_id=contact.id,
                phone=contact.phone,
                attempt=1,
                operator_id=world.operator_id,
                state=CallState.ENDED,
                outcome=CallOutcome.HUMAN_CONNECTED,
                placed_at=ended - timedelta(seconds=90),
                connected_at=ended - timedelta(seconds=70),
                ended_at=ended,
                talk_seconds=70.0,
                recording_key=f"2026/11/27/c-{n}.wav",
            )
            session.add(call)
            await session.flush()
            return call.id

    return _make


async def dispose_hot(sessions, call_id: int, at: datetime, note: str = "ждёт звонка менеджера") -> None:
    async with unit_of_work(sessions) as session:
        await set_disposition(session, SUPERVISOR, call_id, "hot_lead", note=note, at=at)
