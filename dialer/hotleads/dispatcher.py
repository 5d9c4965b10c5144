"""The worker that pushes pending hot leads to the clients' CRMs.

One ``HotLeadDispatcher`` per process (several may share one PostgreSQL): each round it raises the
deadline alerts that are due, claims the due leads (a lease per lead, so no two dispatchers send the
same one), sends them concurrently, and settles each: acknowledged, or retried after the next backoff
step, or given up after ``give_up_after``. ``wake()`` starts a round at once; the dispatcher
subscribes it to commits that enqueue a lead, so a lead set through the API goes out within
milliseconds rather than at the next poll.

A lead goes by its channel (``outbox.channel_for``): the CRM webhook, or the manager's e-mail through
``smtp`` when the client has no webhook (without ``smtp`` such a lead waits, with the reason). A lead
whose client has no delivery at all is never tried: it is stored ``not_configured`` (or set so when
claimed, if the settings were removed since) until the client's CRM settings are set.

Usage::

    dispatcher = HotLeadDispatcher(sessions, public_base_url="https://dialer.example")
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
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.db.engine import unit_of_work
from dialer.delivery import wakeup
from dialer.delivery.backoff import DEFAULT_BACKOFF, backoff_delay
from dialer.delivery.links import with_links
from dialer.delivery.smtp import SmtpConfig
from dialer.hotleads import deadlines, outbox
from dialer.hotleads.email import SmtpLeadSender
from dialer.hotleads.models import Channel
from dialer.hotleads.outbox import Claim
from dialer.hotleads.sender import DeliveryError, LeadSender, WebhookSender

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ChannelRouter:
    """Sends each lead by its channel: the CRM webhook, or the manager's e-mail when SMTP is set."""

    def __init__(self, webhook: LeadSender, email: LeadSender | None) -> None:
        self._webhook, self._email = webhook, email

    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        if claim.channel is Channel.WEBHOOK:
            await self._webhook.send(claim, payload, at)
        elif self._email is None:
            raise DeliveryError("the lead goes by e-mail and no SMTP server is configured")
        else:
            await self._email.send(claim, payload, at)


class HotLeadDispatcher:
    """The hot-lead worker of one process.

    ``public_base_url`` makes the recording links absolute; ``http_client_factory`` builds the
    webhook client (default: ``httpx`` with ``timeout``); ``sender`` replaces every channel (tests);
    ``smtp`` enables the e-mail channel; ``clock`` gives UTC now; ``backoff`` are the seconds before
    each retry (the last repeats; ``jitter`` may spread them); a lead failing past ``give_up_after``
    from the start of its handoff window (``deadlines.window_start``) is ``failed``; ``owner`` names
    the leases (one per process).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        public_base_url: str = "",
        http_client_factory: Callable[[], httpx.AsyncClient] | None = None,
        sender: LeadSender | None = None,
        smtp: SmtpConfig | None = None,
        clock: Callable[[], datetime] = _utcnow,
        poll_interval: float = 0.2,
        backoff: Sequence[float] = DEFAULT_BACKOFF,
        jitter: Callable[[float], float] = lambda delay: delay,
        timeout: float = 10.0,
        give_up_after: timedelta = timedelta(hours=24),
        batch: int = 20,
        owner: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._public_base_url = public_base_url
        self._client_factory = http_client_factory or (lambda: httpx.AsyncClient(timeout=timeout))
        self._sender = sender
        self._email: LeadSender | None = SmtpLeadSender(smtp) if smtp is not None else None
        self._clock = clock
        self._poll_interval = poll_interval
        self._backoff = tuple(backoff)
        self._jitter = jitter
        self._lease_for = timedelta(seconds=timeout + 30)
        self._give_up_after = give_up_after
        self._batch = batch
        self.owner = owner or f"hotleads-{uuid.uuid4().hex[:12]}"
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken = asyncio.Event()
        self._unsubscribe: Callable[[], None] | None = None
        self._stopping = False
        self._inflight: set[asyncio.Future[None]] = set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start the worker task (idempotent)."""
        if self.running:
            return
        self._loop = asyncio.get_running_loop()
        self._unsubscribe = wakeup.subscribe(self.wake)
        self._task = asyncio.create_task(self._run(), name=f"hot-lead dispatcher {self.owner}")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop the worker: requests in flight are abandoned (their leads keep their lease and are
        sent again, with the same lead id, once it runs out) and the round's writes finish."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._woken.set()
        for request in list(self._inflight):
            request.cancel()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        finally:
            self._stopping = False

    def wake(self) -> None:
        """Run a round now instead of at the next poll (safe from any thread)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._woken.set()
        else:
            loop.call_soon_threadsafe(self._woken.set)

    async def _run(self) -> None:
        async with self._client_factory() as client:
            sender = self._sender or ChannelRouter(WebhookSender(client), self._email)
            while not self._stopping:
                self._woken.clear()
                try:
                    busy = await self.run_once(sender)
                except Exception:
                    log.exception("hot-lead round failed; retrying at the next poll")
                    busy = False
                if busy or self._stopping:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), self._poll_interval)

    async def run_once(self, sender: LeadSender) -> bool:
        """One round: alerts, then the due leads sent and settled. True when it sent any."""
        now = self._clock()
        async with unit_of_work(self._sessions) as session:
            await deadlines.raise_alerts(session, now)
        async with unit_of_work(self._sessions) as session:
            claims = await outbox.claim_due(
                session, owner=self.owner, now=now, lease_for=self._lease_for, limit=self._batch
            )
        if not claims:
            return False
        await asyncio.gather(*(self._deliver(sender, claim) for claim in claims))
        return True

    async def _deliver(self, sender: LeadSender, claim: Claim) -> None:
        payload = with_links(claim.payload, self._public_base_url)
        request = asyncio.ensure_future(sender.send(claim, payload, self._clock()))
        self._inflight.add(request)
        try:
            await request
        except DeliveryError as exc:
            await self._failed(claim, str(exc))
            return
        except asyncio.CancelledError:
            if self._stopping:
                return  # stopped mid-request: the lease lapses and the lead goes out again
            raise
        finally:
            self._inflight.discard(request)
        async with unit_of_work(self._sessions) as session:
            await outbox.settle_delivered(session, claim.delivery_id, self._clock())
        log.info("hot lead %s delivered (attempt %d)", claim.lead_id, claim.attempt)

    async def _failed(self, claim: Claim, error: str) -> None:
        now = self._clock()
        retry_at = now + timedelta(seconds=self._jitter(backoff_delay(claim.attempt, self._backoff)))
        async with unit_of_work(self._sessions) as session:
            started = await deadlines.handoff_started_at(session, claim.delivery_id)
            give_up = started is not None and retry_at - started > self._give_up_after
            await outbox.settle_failed(
                session,
                claim.delivery_id,
                owner=self.owner,
                error=error,
                at=now,
                retry_at=retry_at,
                give_up=give_up,
            )
        log.warning("hot lead %s attempt %d failed: %s", claim.lead_id, claim.attempt, error)
