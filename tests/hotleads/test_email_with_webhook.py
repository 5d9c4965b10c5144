"""A client with a CRM webhook and a manager's e-mail gets both: the signed webhook, and an e-mail to
the manager through the mail outbox (contact, operator's comment, meeting, recording link), sent to a
real SMTP server the test runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from dialer.calls.service import set_disposition
from dialer.clients.models import ClientCrm
from dialer.db.engine import unit_of_work
from dialer.delivery.smtp import SmtpConfig
from dialer.hotleads.dispatcher import HotLeadDispatcher
from dialer.hotleads.models import Channel, DeliveryStatus
from dialer.hotleads.outbox import attach_meeting
from dialer.mail.dispatcher import MailDispatcher
from dialer.mail.models import MailMessage, MailStatus
from tests.hotleads.conftest import SUPERVISOR
from tests.hotleads.test_delivery import delivery_of, until
from tests.mail.smtp_server import SmtpServer

MEETING = {"date": "2026-12-02T11:00", "place": "Москва, Тверская 1", "manager": "Анна Смирнова"}


async def test_the_manager_gets_the_lead_by_email_as_well_as_the_crm_by_webhook(
    sessions, world, receiver, make_call
):
    async with unit_of_work(sessions) as session:
        crm = await session.get(ClientCrm, world.client_id)
        assert crm is not None
        crm.manager_email = "manager@romashka.ru"
    await receiver.start()
    smtp = SmtpServer()
    smtp.start()
    call_id = await make_call()
    leads = HotLeadDispatcher(sessions, public_base_url="https://dialer.example", poll_interval=30)
    mail = MailDispatcher(
        sessions, SmtpConfig("127.0.0.1", smtp.port), public_url="https://dialer.example", poll_interval=30
    )
    await leads.start()
    await mail.start()
    try:
        await asyncio.sleep(0.05)
        async with unit_of_work(sessions) as session:
            call = await set_disposition(
                session,
                SUPERVISOR,
                call_id,
                "hot_lead",
                note="просит перезвонить в 15:00",
                at=datetime.now(UTC),
            )
            await attach_meeting(session, call, MEETING)
        await receiver.wait_for(1, within=30)
        await until(lambda: _sent(sessions))  # woken by the commit, not by the 30 s poll
    finally:
        await mail.stop()
        await leads.stop()
        smtp.stop()
    delivery = await delivery_of(sessions, call_id)
    assert delivery.channel is Channel.WEBHOOK and delivery.status is DeliveryStatus.DELIVERED
    (message,) = smtp.messages
    assert message["To"] == "manager@romashka.ru"
    assert message["X-Dialer-Lead-Id"] == delivery.lead_id
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    for expected in (
        "просит перезвонить в 15:00",
        "Ольга Петрова",
        "ООО Ромашка",
        "+7495",
        "Москва, Тверская 1",
        "Анна Смирнова",
        f"https://dialer.example/recordings/{call_id}/audio",
    ):
        assert expected in text, expected


async def test_a_client_without_a_manager_email_gets_no_email(sessions, world, make_call):
    call_id = await make_call()
    async with unit_of_work(sessions) as session:
        await set_disposition(session, SUPERVISOR, call_id, "hot_lead", note="", at=datetime.now(UTC))
    async with sessions() as session:
        assert (await session.scalars(select(MailMessage))).all() == []


async def _sent(sessions) -> bool:
    async with sessions() as session:
        rows = (await session.scalars(select(MailMessage))).all()
    return len(rows) == 1 and rows[0].status is MailStatus.SENT
