"""Fixtures for contact-base tests: a client with a contract and two campaigns, files as bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest

from dialer.campaigns.models import Campaign
from dialer.clients.models import Client, Contract, PricingModel
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.settings import Settings


@dataclass
class World:
    client_id: int
    other_client_id: int
    campaign_id: int
    second_campaign_id: int
    other_campaign_id: int


async def _campaign(session, client: Client, name: str) -> Campaign:
    contract = Contract(
        client_id=client.id,
        number=f"{name}-1",
        pricing_model=PricingModel.PER_TALK_MINUTE,
        period_start=date(2026, 1, 1),
    )
    session.add(contract)
    await session.flush()
    campaign = Campaign(
        contract_id=contract.id,
        client_id=client.id,
        name=name,
        dialing_mode=DialMode.PROGRESSIVE,
        default_country="RU",
    )
    session.add(campaign)
    await session.flush()
    return campaign


@pytest.fixture
async def world(sessions) -> World:
    async with unit_of_work(sessions) as session:
        client = Client(name="Ромашка", country="RU")
        other = Client(name="Василёк", country="RU")
        session.add_all([client, other])
        await session.flush()
        first = await _campaign(session, client, "Кредитки")
        second = await _campaign(session, client, "Вклады")
        foreign = await _campaign(session, other, "Чужая")
        return World(client.id, other.id, first.id, second.id, foreign.id)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, import_batch_rows=3)


def csv_bytes(lines: list[str], *, encoding: str = "utf-8", sep: str = ";") -> bytes:
    return ("\r\n".join(line.replace("|", sep) for line in lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
