"""The e-mail channel: a client with a manager's e-mail and no webhook gets its leads by e-mail,
sent with ``smtplib`` to an SMTP server the test runs on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email
from datetime import UTC, datetime
from email.message import Message

from dialer.clients.models import ClientCrm
from dialer.db.engine import unit_of_work
from dialer.delivery.smtp import SmtpConfig
from dialer.hotleads.dispatcher import HotLeadDispatcher
from dialer.hotleads.models import Channel, DeliveryStatus
from tests.hotleads.conftest import dispose_hot
from tests.hotleads.test_delivery import delivery_of, until


class FakeSmtp:
    """Just enough SMTP (RFC 5321) to take messages: greeting, EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 fake ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(b"250-fake\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 end with <CRLF>.<CRLF>\r\n")
                    await writer.drain()
                    data = await reader.readuntil(b"\r\n.\r\n")
                    self.messages.append(email.message_from_bytes(data[:-5].replace(b"\r\n..", b"\r\n.")))
                    writer.write(b"250 queued\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    break
                else:
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        finally:
            writer.close()


async def _email_only(sessions, client_id: int) -> None:
    async with unit_of_work(sessions) as session:
        crm = await session.get(ClientCrm, client_id)
        assert crm is not None
        crm.webhook_url, crm.manager_email = None, "manager@romashka.ru"


async def test_a_lead_goes_to_the_managers_mailbox_when_the_client_has_no_webhook(sessions, world, make_call):
    await _email_only(sessions, world.client_id)
    smtp = FakeSmtp()
    await smtp.start()
    call_id = await make_call()
    dispatcher = HotLeadDispatcher(
        sessions,
        public_base_url="https://dialer.example",
        smtp=SmtpConfig("127.0.0.1", smtp.port),
        poll_interval=30,
    )
    await dispatcher.start()
    try:
        await dispose_hot(sessions, call_id, datetime.now(UTC))
        await until(lambda: _status(sessions, call_id, DeliveryStatus.DELIVERED))
    finally:
        await dispatcher.stop()
        await smtp.stop()
    delivery = await delivery_of(sessions, call_id)
    assert delivery.channel is Channel.EMAIL
    (message,) = smtp.messages
    assert message["To"] == "manager@romashka.ru"
    assert message["X-Dialer-Lead-Id"] == delivery.lead_id
    text = message.get_payload(decode=True).decode()
    assert "ждёт звонка менеджера" in text and "+7495" in text
    assert f"https://dialer.example/recordings/{call_id}/audio" in text


async def _status(sessions, call_id: int, status: DeliveryStatus) -> bool:
    return (await delivery_of(sessions, call_id)).status is status


async def test_without_an_smtp_server_an_email_lead_waits_with_the_reason(sessions, world, make_call):
    await _email_only(sessions, world.client_id)
    call_id = await make_call()
    dispatcher = HotLeadDispatcher(sessions, poll_interval=0.02)
    await dispatcher.start()
    try:
        await dispose_hot(sessions, call_id, datetime.now(UTC))
        await until(lambda: _errored(sessions, call_id))
    finally:
        await dispatcher.stop()
    delivery = await delivery_of(sessions, call_id)
    assert delivery.status is DeliveryStatus.PENDING
    assert delivery.last_error == "the lead goes by e-mail and no SMTP server is configured"


async def _errored(sessions, call_id: int) -> bool:
    return (await delivery_of(sessions, call_id)).last_error is not None
