"""The worker that sends the outbox's messages through the SMTP server.

Each round claims the due messages (a lease each, so several processes may share one PostgreSQL),
composes and sends them one by one, and settles each: sent, retried after the next backoff step, or
given up after ``give_up_after`` from when it was stored. A message is stored before this worker
sees it and only marked sent after the server took it, so a crash loses none (a crash between the
two sends it again, with the same Message-ID). It wakes at once when a hot lead is committed.

Usage::

    dispatcher = MailDispatcher(sessions, smtp_config(settings), public_url=settings.effective_public_url)
    await dispatcher.start()
    ...
    await dispatcher.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.db.engine import unit_of_work
from dialer.delivery import wakeup
from dialer.delivery.backoff import DEFAULT_BACKOFF, backoff_delay
from dialer.delivery.smtp import SmtpConfig
from dialer.mail import outbox, transport
from dialer.mail.compose import compose
from dialer.mail.models import MailMessage

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MailDispatcher:
    """The outbox's sender in one process; ``clock`` gives UTC now, ``backoff`` the seconds before
    each retry (the last repeats)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        smtp: SmtpConfig,
        *,
        public_url: str = "",
        clock: Callable[[], datetime] = _utcnow,
        poll_interval: float = 1.0,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        give_up_after: timedelta = timedelta(days=3),
        batch: int = 20,
        owner: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._smtp = smtp
        self._public_url = public_url
        self._clock = clock
        self._poll_interval = poll_interval
        self._backoff = tuple(backoff)
        self._give_up_after = give_up_after
        self._batch = batch
        self._lease_for = timedelta(seconds=smtp.timeout * 3 + 30)
        self.owner = owner or f"mail-{uuid.uuid4().hex[:12]}"
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken = asyncio.Event()
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = wakeup.subscribe(self.wake)
        self._task = asyncio.create_task(self._run(), name=f"mail dispatcher {self.owner}")

    async def stop(self) -> None:
        """Stop at once: a message being sent keeps its lease and goes again once it runs out."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Run a round now (safe from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._woken.set)

    async def _run(self) -> None:
        while True:
            self._woken.clear()
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("mail round failed; retrying at the next poll")
                busy = False
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), self._poll_interval)

    async def run_once(self) -> int:
        """One round: the due messages sent and settled; how many were tried."""
        async with unit_of_work(self._sessions) as session:
            ids = await outbox.claim_due(
                session, owner=self.owner, now=self._clock(), lease_for=self._lease_for, limit=self._batch
            )
        for message_id in ids:
            await self._deliver(message_id)
        return len(ids)

    async def _deliver(self, message_id: int) -> None:
        async with self._sessions() as session:
            row = await session.get(MailMessage, message_id)
            if row is None:
                return
            created_at, kind = row.created_at, row.kind
            email = await compose(
                session, row, sender=self._smtp.sender, public_url=self._public_url, at=self._clock()
            )
            attempt = row.attempts
        try:
            await transport.send(self._smtp, email)
        except transport.SendError as exc:
            now = self._clock()
            retry_at = now + timedelta(seconds=backoff_delay(attempt, self._backoff))
            async with unit_of_work(self._sessions) as session:
                await outbox.settle_failed(
                    session,
                    message_id,
                    owner=self.owner,
                    error=str(exc),
                    retry_at=retry_at,
                    give_up=retry_at - created_at > self._give_up_after,
                )
            log.warning("mail %d (%s) attempt %d failed: %s", message_id, kind, attempt, exc)
            return
        async with unit_of_work(self._sessions) as session:
            await outbox.settle_sent(session, message_id, owner=self.owner, at=self._clock())
        log.info("mail %d (%s) sent", message_id, kind)
