"""The ``Engine``: runs the campaigns this process owns, tick by tick, and stops without losing a call.

``start()`` reconciles what an earlier process left (``dialer.engine.reconcile``), then ticks every
``tick_s`` of engine time, and at once when told of a change (``wake``: a campaign started or paused,
an operator's state, a preview click; see ``dialer.live.engine_wake``). With ``poll_s`` set, storage's
campaigns, operator sessions and preview requests are read when told of them, and every ``poll_s``
as a safety net; without it, at every tick.
At each tick the running campaigns (claimed for this process) each get a pacing tick
(and, every ``finish_check_s`` while none of their calls is live, a check that finishes a campaign
whose every contact is final: ``dialer.campaigns.exhaustion``);
operators are followed; wrap-ups end; supervisors' spy requests are placed; leases of contacts on
live calls are renewed. A campaign that
is paused or stopped is simply no longer ticked: nothing new is placed, and its live calls finish.
``stop(grace_s)`` does the same for every campaign, waits for the live calls to end (at most
``grace_s``), lets the operators' legs go and flushes the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from dialer.engine.clock import EngineClock
from dialer.engine.floor import Floor
from dialer.engine.limits import Limits
from dialer.engine.lost import LostCalls
from dialer.engine.operators import OperatorConnector
from dialer.engine.plan import Plan
from dialer.engine.ports import CallStore, PbxPort
from dialer.engine.preview import PreviewDialer
from dialer.engine.reconcile import Reconciled, put_back, reconcile
from dialer.engine.runner import CampaignRunner, RunnerSettings
from dialer.engine.spy import SpyDialer
from dialer.engine.wakeups import ANYTHING, Wakeups
from dialer.engine.writer import OrderedWriter
from dialer.live.engine_wake import Topic

log = logging.getLogger(__name__)

HANGUP_WAIT_S = 10.0  # engine seconds for hung-up calls' facts to arrive


@dataclass(frozen=True, slots=True)
class EngineSettings:
    tick_s: float = 1.0
    lease_renew_s: float = 30.0
    relogin_after_s: float = 10.0
    finish_check_s: float = 30.0  # how often a campaign with no live call is checked for exhaustion
    abandon_refresh_s: float = 30.0  # how often a campaign's abandon figures are read again from storage
    poll_s: float | None = None  # None: campaigns, sessions and preview requests read at every tick
    heartbeat_s: float | None = None  # campaigns read (claimed, owner heartbeat) at least this often
    runner: RunnerSettings = field(default_factory=RunnerSettings)


class Engine:
    def __init__(
        self,
        *,
        store: CallStore,
        pbx: PbxPort,
        floor: Floor,
        writer: OrderedWriter,
        plans: dict[int, Plan],
        limits: Limits,
        clock: EngineClock,
        settings: EngineSettings = EngineSettings(),
        lost: LostCalls | None = None,
        spies: SpyDialer | None = None,
    ) -> None:
        self.store = store
        self.pbx = pbx
        self.floor = floor
        self.writer = writer
        self.plans = plans
        self.limits = limits
        self.clock = clock
        self.settings = settings
        self.lost = lost
        self.operators = OperatorConnector(
            floor, store, pbx, writer, plans, relogin_after=settings.relogin_after_s
        )
        self.runners: dict[int, CampaignRunner] = {}
        self.previews = PreviewDialer(floor, store, pbx, limits)
        self.spies = spies  # supervisors' listen / whisper / barge requests
        self.accepting = False
        self._task: asyncio.Task[None] | None = None
        self._renewed_at: datetime | None = None
        self._exhaustion_checked: dict[int, datetime] = {}
        self._abandons_read: dict[int, tuple[CampaignRunner, datetime]] = {}
        self.ticks = 0
        self._ticked_at: float | None = None  # monotonic time the last tick ended well
        self.wakeups = Wakeups()
        self._read_at: dict[Topic, datetime] = {}  # with poll_s: when each topic was last read

    def wake(self, topic: str) -> None:
        """A change of ``topic`` (``dialer.live.engine_wake.Topic``; "" for anything) was committed:
        tick now. Callable from any thread."""
        self.wakeups.tell(topic)

    async def reconcile(self) -> Reconciled:
        """Before the PBX connection starts: so its first resync settles the calls left open."""
        self.writer.start()
        return await reconcile(self.store, self.pbx, self.floor, self.clock.now(), self.lost)

    def start(self) -> None:
        self.writer.start()
        self.accepting = True
        if self._task is None or self._task.done():
            self._ticked_at = time.monotonic()  # the first tick's age counts from the start
            self.wakeups.bind(asyncio.get_running_loop())
            self._task = asyncio.create_task(self._loop(), name="engine")

    def tick_age(self) -> float | None:
        """Real seconds since the last tick ended without failing (None: not started)."""
        return None if self._ticked_at is None else time.monotonic() - self._ticked_at

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick(self.wakeups.take())
                self._ticked_at = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("engine tick failed; going on")
            await self._pause()

    async def _pause(self) -> None:
        """Until the next tick is due, or a change is told before."""
        sleeper = asyncio.ensure_future(self.clock.sleep(self.settings.tick_s))
        waker = asyncio.ensure_future(self.wakeups.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)

    def _to_read(self, now: datetime, told: set[str] | None) -> set[Topic]:
        """The topics to read from storage now: all without ``poll_s``; else those told, and those
        whose safety poll is due."""
        poll_s = self.settings.poll_s
        if poll_s is None or told is None or ANYTHING in told:
            due = set(Topic)
        else:
            due = {t for t in Topic if t.value in told}
            for topic in Topic:
                read_at = self._read_at.get(topic)
                if read_at is None or (now - read_at).total_seconds() >= self._poll_of(topic, poll_s):
                    due.add(topic)
        for topic in due:
            self._read_at[topic] = now
        return due

    def _poll_of(self, topic: Topic, poll_s: float) -> float:
        """Campaigns are read often enough that the owner's heartbeat never goes stale while alive."""
        heartbeat_s = self.settings.heartbeat_s
        if topic is Topic.CAMPAIGNS and heartbeat_s is not None:
            return min(poll_s, heartbeat_s)
        return poll_s

    async def tick(self, told: set[str] | None = None) -> None:
        """One round; ``told``: the topics the engine was told of since the last (None: read all)."""
        now = self.clock.now()
        to_read = self._to_read(now, told)
        if Topic.CAMPAIGNS in to_read or not self.accepting:
            await self._follow_campaigns(now)
        await self.operators.sync(now, read=Topic.OPERATORS in to_read)
        await self.operators.end_wraps(now)
        try:
            await self._hang_up_asked()
        except Exception:
            log.exception("hang-up requests: tick failed")
        if self.accepting:
            try:  # before pacing: an operator reserved for a preview call is nobody else's
                if Topic.PREVIEWS in to_read:
                    await self.previews.tick({c: r.plan for c, r in self.runners.items()}, now)
            except Exception:
                log.exception("preview requests: tick failed")
            for runner in list(self.runners.values()):
                try:
                    await runner.tick(now)
                except Exception:  # one campaign's failure must not stop the others
                    log.exception("campaign %s: pacing tick failed", runner.plan.campaign_id)
            await self._finish_exhausted(now)
            await self._refresh_abandons(now)
        if self.spies is not None:
            try:
                await self.spies.tick(now)
            except Exception:
                log.exception("spy requests: tick failed")
        await self._renew(now)
        self.ticks += 1

    async def _hang_up_asked(self) -> None:
        """Hang up the calls put through that someone asked to hang up from a page (once each)."""
        talking = [
            uid for uid, call in self.floor.calls.items() if call.connected_at and not call.hangup_sent
        ]
        if not talking:
            return
        for uid in await self.store.hangup_requests(talking):
            call = self.floor.calls.get(uid)
            if call is None:
                continue
            call.hangup_sent = True
            log.info("call %s: hung up as asked from the operator's page", uid)
            await self.pbx.hangup(uid)

    async def _follow_campaigns(self, now: datetime) -> None:
        plans = {p.campaign_id: p for p in await self.store.running_campaigns(now)} if self.accepting else {}
        for campaign_id in [c for c in self.runners if c not in plans]:
            log.info("campaign %s: no longer running here; its live calls finish", campaign_id)
            del self.runners[campaign_id]
        for campaign_id, plan in plans.items():
            self.plans[campaign_id] = plan
            runner = self.runners.get(campaign_id)
            if runner is None:
                if self.ticks:  # taken over while running: its dead engine's calls are ours now
                    await self._adopt_calls(campaign_id, now)
                base = await self.store.abandon_counts(plan, now)
                self.floor.tally(campaign_id)  # counts since this process started come on top
                self.runners[campaign_id] = CampaignRunner(
                    plan,
                    floor=self.floor,
                    store=self.store,
                    pbx=self.pbx,
                    limits=self.limits,
                    settings=self.settings.runner,
                    base_abandon=base,
                )
                log.info("campaign %s: dialing (%s)", campaign_id, plan.mode.value)
            else:
                runner.plan = plan

    async def _adopt_calls(self, campaign_id: int, now: datetime) -> None:
        """The open calls of a campaign this engine just took over that are not on its floor (placed
        by an engine that died): back on the floor, their record read, listed by their servers."""
        open_calls = await self.store.open_calls(now, campaign_id)
        calls = [c for c in open_calls if c.call_uid not in self.floor.calls]
        if not calls:
            return
        log.warning("campaign %s: following %d call(s) an engine that stopped left", campaign_id, len(calls))
        put_back(self.floor, calls)
        if self.lost is not None:
            await self.lost.prefetch([c.call_uid for c in calls])
        await self.pbx.adopt({c.call_uid: c.server for c in calls})

    async def _finish_exhausted(self, now: datetime) -> None:
        """A campaign with no live call is checked now and then; exhausted, storage finishes it."""
        for campaign_id, runner in list(self.runners.items()):
            checked = self._exhaustion_checked.get(campaign_id)
            if checked is not None and (now - checked).total_seconds() < self.settings.finish_check_s:
                continue
            self._exhaustion_checked[campaign_id] = now
            if self.floor.campaign_calls(campaign_id):
                continue
            try:
                reason = await self.store.finish_if_exhausted(runner.plan, now)
            except Exception:
                log.exception("campaign %s: exhaustion check failed", campaign_id)
                continue
            if reason is not None:
                log.info("campaign %s finished by itself: %s", campaign_id, reason)
                self.runners.pop(campaign_id, None)
                self._exhaustion_checked.pop(campaign_id, None)
                self._abandons_read.pop(campaign_id, None)

    async def _refresh_abandons(self, now: datetime) -> None:
        """Read each campaign's abandon figures again every ``abandon_refresh_s``: the window rolls,
        and storage learns what this process cannot see (an AMD false positive reviewed through
        the API). Only while the writer is idle, so storage holds every call this process counted
        so far; what it counts afterwards comes on top (a call counted during the read may count
        twice for a while: the safe side of the cap)."""
        if not self.writer.idle:
            return
        for campaign_id, runner in list(self.runners.items()):
            read = self._abandons_read.get(campaign_id)
            if (
                read is not None
                and read[0] is runner  # a campaign resumed has a new runner: read at once
                and (now - read[1]).total_seconds() < self.settings.abandon_refresh_s
            ):
                continue
            self._abandons_read[campaign_id] = (runner, now)
            tally = self.floor.tally(campaign_id)
            seen = (tally.answered, tally.abandoned)
            try:
                answered, abandoned = await self.store.abandon_counts(runner.plan, now)
            except Exception:
                log.exception("campaign %s: reading the abandon figures failed", campaign_id)
                continue
            runner.base_abandon = (answered - seen[0], abandoned - seen[1])

    async def _renew(self, now: datetime) -> None:
        due = (
            self._renewed_at is None
            or (now - self._renewed_at).total_seconds() >= self.settings.lease_renew_s
        )
        if not due:
            return
        self._renewed_at = now
        if self.floor.calls:
            await self.store.renew_leases([c.contact_id for c in self.floor.calls.values()], now)
            # Alive as far as a connected tracker follows them: the proven end if they are lost.
            followed = [c for c in self.floor.calls.values() if self.pbx.server_ready(c.server)]
            for call in followed:
                call.seen_alive_at = now
            await self.store.seen_alive([c.call_uid for c in followed], now)
        # Ours renewed first; then the leases nobody renewed (a dead engine's) come back to the queue:
        # the start returns only those expired by then.
        returned = await self.store.expire_leases(now, holds=False)
        if returned:
            log.warning("%d contact lease(s) ran out unrenewed (a dead engine's?): returned", returned)

    async def _drain(self, within_s: float) -> None:
        """Wait until no call is live, for ``within_s`` of engine time at most."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.clock.real(within_s)
        while self.floor.calls and loop.time() < deadline:
            self.floor.call_ended.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(deadline - loop.time()):
                    await self.floor.call_ended.wait()

    async def kill(self) -> None:
        """Stop at once, as a killed process would: no waiting, nothing hung up, queued writes lost."""
        self.accepting = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.writer.abandon()

    async def stop(self, grace_s: float = 60.0, *, hang_up: bool = False) -> None:
        """No new calls; live calls finish (up to ``grace_s`` of engine time); then stop.

        ``hang_up``: calls still live after the grace are hung up (and recorded) rather than left to
        the next start's reconciliation.
        """
        self.accepting = False
        self.runners.clear()
        await self._drain(grace_s)
        if self.floor.calls and hang_up:
            log.info("hanging up %d call(s) still live after the grace, as asked", len(self.floor.calls))
            for call_uid in list(self.floor.calls):
                await self.pbx.hangup(call_uid)
            await self._drain(HANGUP_WAIT_S)
        if self.floor.calls:
            log.warning(
                "stopping with %d call(s) still live: the next start reconciles them", len(self.floor.calls)
            )
        await self.operators.end_wraps(self.clock.now())
        await self.operators.hang_up_legs()
        await self.store.release_campaigns(sorted(self.plans))
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.writer.stop()
