"""The mail outbox against a real SMTP server (aiosmtpd) run by the test: stored first, sent once,
retried with backoff while the server refuses, taken over after a crash, hot leads to the manager."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dialer.db.engine import unit_of_work
from dialer.delivery.smtp import SmtpConfig
from dialer.errors import InvalidInput
from dialer.mail import outbox
from dialer.mail.dispatcher import MailDispatcher
from dialer.mail.models import MailMessage, MailStatus
from dialer.mail.outbox import Attachment
from dialer.mail.transport import smtp_config
from dialer.settings import Settings
from tests.mail.smtp_server import SmtpServer

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def dispatcher_for(sessions, server: SmtpServer, clock: Clock, **kwargs) -> MailDispatcher:
    config = SmtpConfig("127.0.0.1", server.port, sender="reports@centre.example", timeout=5)
    return MailDispatcher(sessions, config, clock=clock, backoff=(10, 60), **kwargs)


async def enqueue_report(sessions, key: str = "daily:1:2026-11-26") -> int:
    async with unit_of_work(sessions) as session:
        message = await outbox.enqueue(
            session,
            key=key,
            kind="daily_report",
            to=["boss@romashka.ru", "ops@romashka.ru"],
            at=T0,
            subject="Отчёт за 26.11.2026",
            text="Звонков: 120",
            html="<p>Звонков: <b>120</b></p>",
            attachments=[Attachment("report.csv", "text/csv", b"a;b\n1;2\n")],
        )
        return message.id


async def row(sessions, message_id: int) -> MailMessage:
    async with sessions() as session:
        found = await session.get(MailMessage, message_id)
        assert found is not None
        return found


async def test_a_stored_message_reaches_every_recipient_with_its_html_and_attachment(sessions, smtp):
    message_id = await enqueue_report(sessions)
    sent = await dispatcher_for(sessions, smtp, Clock()).run_once()
    assert sent == 1
    (message,) = smtp.messages
    assert smtp.envelopes == [("reports@centre.example", ["boss@romashka.ru", "ops@romashka.ru"])]
    assert message["Subject"] == "Отчёт за 26.11.2026"
    assert message["Message-ID"] == f"<mail-{message_id}@dialer>"
    assert message.get_body(("plain",)).get_content().strip() == "Звонков: 120"  # type: ignore[union-attr]
    assert "<b>120</b>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "report.csv"
    assert attachment.get_content() == "a;b\n1;2\n"
    stored = await row(sessions, message_id)
    assert (stored.status, stored.attempts, stored.sent_at) == (MailStatus.SENT, 1, T0)
    assert await dispatcher_for(sessions, smtp, Clock()).run_once() == 0  # never sent twice


async def test_enqueueing_the_same_key_twice_stores_one_message(sessions):
    assert await enqueue_report(sessions) == await enqueue_report(sessions)
    async with sessions() as session:
        assert len((await session.scalars(select(MailMessage))).all()) == 1


async def test_a_bad_address_is_refused_saying_which(sessions):
    async with unit_of_work(sessions) as session:
        with pytest.raises(InvalidInput, match=r"recipients\[1\]: 'not an address'"):
            await outbox.enqueue(session, key="k", kind="x", to=["a@b.ru", "not an address"], at=T0)


async def test_a_refusing_server_gets_the_message_again_after_the_backoff_and_once(sessions, smtp):
    message_id = await enqueue_report(sessions)
    clock = Clock()
    dispatcher = dispatcher_for(sessions, smtp, clock)
    smtp.refuse = True
    assert await dispatcher.run_once() == 1
    stored = await row(sessions, message_id)
    assert stored.status is MailStatus.PENDING and "451" in (stored.last_error or "")
    assert stored.next_attempt_at == T0 + timedelta(seconds=10)
    clock.now += timedelta(seconds=9)
    assert await dispatcher.run_once() == 0  # not before its time
    clock.now += timedelta(seconds=1)
    assert await dispatcher.run_once() == 1  # refused again: next step is 60 s
    assert (await row(sessions, message_id)).next_attempt_at == clock.now + timedelta(seconds=60)
    smtp.refuse = False
    clock.now += timedelta(seconds=60)
    assert await dispatcher.run_once() == 1
    stored = await row(sessions, message_id)
    assert (stored.status, stored.attempts, stored.last_error) == (MailStatus.SENT, 3, None)
    assert len(smtp.messages) == 1


async def test_a_message_is_given_up_after_its_time_and_kept_with_the_reason(sessions):
    message_id = await enqueue_report(sessions)
    clock = Clock()
    dead = SmtpConfig("127.0.0.1", 1, timeout=2)  # nothing listens on port 1
    dispatcher = MailDispatcher(
        sessions, dead, clock=clock, backoff=(10,), give_up_after=timedelta(seconds=25)
    )
    for _ in range(2):
        await dispatcher.run_once()
        clock.now += timedelta(seconds=10)
    assert (await row(sessions, message_id)).status is MailStatus.PENDING
    await dispatcher.run_once()  # the retry would come 30 s after it was stored: past 25 s
    stored = await row(sessions, message_id)
    assert stored.status is MailStatus.FAILED and "SMTP" in (stored.last_error or "")


async def test_a_message_held_by_a_crashed_process_is_sent_by_another_once_its_lease_lapses(sessions, smtp):
    message_id = await enqueue_report(sessions)
    async with unit_of_work(sessions) as session:  # a process claims it and dies before sending
        assert await outbox.claim_due(session, owner="dead", now=T0, lease_for=timedelta(seconds=60)) == [
            message_id
        ]
    clock = Clock()
    survivor = dispatcher_for(sessions, smtp, clock)
    assert await survivor.run_once() == 0
    clock.now += timedelta(seconds=61)
    assert await survivor.run_once() == 1
    assert len(smtp.messages) == 1
    assert (await row(sessions, message_id)).status is MailStatus.SENT


async def test_the_worker_started_in_the_background_sends_what_is_stored(sessions, smtp):
    await enqueue_report(sessions)
    dispatcher = dispatcher_for(sessions, smtp, Clock(), poll_interval=0.05)
    await dispatcher.start()
    try:
        for _ in range(200):
            if smtp.messages:
                break
            await asyncio.sleep(0.02)
    finally:
        await dispatcher.stop()
    assert len(smtp.messages) == 1


def test_the_smtp_settings_become_the_senders_config_and_none_without_a_host():
    assert smtp_config(Settings()) is None
    settings = Settings(
        smtp_host="mail.example", smtp_port=587, smtp_user="u", smtp_password="p", smtp_starttls=True
    )
    config = smtp_config(settings)
    assert config is not None
    assert (config.host, config.port, config.username, config.password, config.starttls) == (
        "mail.example",
        587,
        "u",
        "p",
        True,
    )
