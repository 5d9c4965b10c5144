"""The FastAGI decisions: where an answered call goes (``agi.routes.interfaces.AgiEngine``).

After AMD, a machine is hung up (or left the campaign's message, else the global one); a person
(or AMD not sure) goes to the campaign's available operator idle the longest (a callback to the
operator who asked for it): into that operator's held bridge (nailed-up) or to ring their phone
(ringing). With nobody available, the call waits for one up to the campaign's connect limit from
the verdict; after that it is abandoned: it hears the identification message (the campaign's, else
the global one) and counts against the cap.

A survey campaign's person goes to the IVR survey instead (``survey`` route): its answers are stored
per call and contact, and the transfer key ("press 1 to talk to us") puts the caller through as
above, the connect limit counted from the key press.

A preview call (placed for the operator who clicked to call) skips AMD and goes straight to that
operator, reserved for it since it was placed: no connect limit, no abandon.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping

from agi.routes.model import (
    AmdResult,
    AmdStatus,
    CallInfo,
    RouteAction,
    RouteDecision,
    Survey,
    SurveyOutcome,
    SurveyReport,
)
from dialer.engine.clock import EngineClock
from dialer.engine.floor import Floor, LiveCall, LiveOperator
from dialer.engine.plan import Plan, bridge_of
from dialer.engine.ports import CallStore
from dialer.engine.surveys import SurveyPort
from dialer.engine.writer import OrderedWriter
from dialer.observability import logs, metrics

log = logging.getLogger(__name__)

PERSON = (AmdStatus.HUMAN, AmdStatus.NOTSURE, AmdStatus.UNKNOWN)


class EngineAgi:
    def __init__(
        self,
        floor: Floor,
        plans: Mapping[int, Plan],
        store: CallStore,
        writer: OrderedWriter,
        clock: EngineClock,
        *,
        abandon_message: str,
        machine_message: str = "",
        surveys: SurveyPort | None = None,
    ) -> None:
        self.floor = floor
        self.plans = plans
        self.store = store
        self.writer = writer
        self.clock = clock
        self.abandon_message = abandon_message
        self.machine_message = machine_message
        self.surveys = surveys

    async def on_amd_result(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        started = time.perf_counter()
        try:
            return await self._amd_decision(call, result)
        finally:
            metrics.AGI_DECISION.labels("amd").observe(time.perf_counter() - started)

    async def _amd_decision(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        live = self._bind(call)
        plan = self.plans.get(live.campaign_id) if live is not None else None
        if live is None or plan is None:
            log.warning("AMD for call %s that this engine does not drive: hanging up", call.call_id)
            return RouteDecision.hangup()
        live.amd_status = live.amd_status or result.status.value
        machine_message = plan.machine_message or self.machine_message
        if result.status is AmdStatus.MACHINE and machine_message:
            return RouteDecision(RouteAction.MESSAGE, message=machine_message)
        if result.status not in PERSON:
            return RouteDecision.hangup()
        if plan.traits.ivr_survey and self.surveys is not None:
            return RouteDecision.survey()  # no operator waits: the survey asks, "press 1" transfers
        return await self._put_through(live, plan)

    async def _put_through(self, live: LiveCall, plan: Plan) -> RouteDecision:
        """A person waits for an operator from now: the first available within the connect limit,
        else the abandon message (counted)."""
        now = self.clock.now()
        live.human_at = live.human_at or now
        if live.preview and (reserved := self._reserved_for(live)) is not None:
            bridge = bridge_of(reserved.endpoint) if plan.nailed_up else None
            return RouteDecision.to_operator(operator=reserved.endpoint, bridge=bridge)
        op = await self._operator_within(live, plan, plan.connect_limit_s)
        if live.call_uid not in self.floor.calls:  # the person hung up while waiting
            return RouteDecision.hangup()
        if op is None:
            self._abandon(live)
            return RouteDecision.abandon(plan.abandon_message or self.abandon_message)
        self.floor.reserve(op, live, self.clock.now())
        if plan.nailed_up:
            return RouteDecision.to_operator(operator=op.endpoint, bridge=bridge_of(op.endpoint))
        return RouteDecision.to_operator(operator=op.endpoint)

    def _bind(self, call: CallInfo) -> LiveCall | None:
        """The live call, its ids set on this FastAGI session's log lines (one task per session)."""
        live = self.floor.calls.get(call.call_id)
        logs.CALL_ID.set(call.call_id)
        if live is not None:
            logs.CAMPAIGN_ID.set(live.campaign_id)
        return live

    def _reserved_for(self, call: LiveCall) -> LiveOperator | None:
        """The operator a preview call was placed for, if still reserved for it."""
        op = self.floor.operator_by_id(call.preferred_operator) if call.preferred_operator else None
        return op if op is not None and op.call_uid == call.call_uid else None

    async def _operator_within(self, call: LiveCall, plan: Plan, limit_s: float) -> LiveOperator | None:
        """An available operator now, or the first one freed within ``limit_s`` of engine time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.clock.real(limit_s)
        while True:
            self.floor.changed.clear()  # before looking, so a release right after is not missed
            op = self.floor.pick_operator(
                plan.campaign_id, nailed_up=plan.nailed_up, preferred=call.preferred_operator
            )
            if op is not None or call.call_uid not in self.floor.calls:
                return op  # (the caller checks the call is still there)
            left = deadline - loop.time()
            if left <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self.floor.changed.wait()

    def _abandon(self, call: LiveCall) -> None:
        if call.abandoned:
            return
        call.abandoned = True
        metrics.CALLS.labels(str(call.campaign_id), "abandoned").inc()
        store, uid, at = self.store, call.call_uid, self.clock.now()
        self.writer.submit_call(
            f"abandon of call {uid}", uid, lambda held: store.mark_abandoned(uid, at, held)
        )

    async def on_abandoned(self, call: CallInfo, message: str) -> None:
        """The dialplan abandoned the call (this engine's decision, or its fallback)."""
        live = self._bind(call)
        if live is not None:
            self._abandon(live)

    async def survey_for(self, call: CallInfo, survey_id: str | None) -> Survey | None:
        """The call's campaign's survey (``survey_id`` from the dialplan is not used: a campaign has
        one); from here on the call ends as ``surveyed`` unless it reaches an operator."""
        live = self._bind(call)
        if live is None or self.surveys is None:
            log.warning("survey asked for call %s that this engine does not drive", call.call_id)
            return None
        survey = await self.surveys.survey_of(live.campaign_id)
        if survey is None:
            log.error("campaign %s dials in survey mode but has no survey: hanging up", live.campaign_id)
            return None
        live.surveyed = True
        return survey

    async def on_survey_finished(self, call: CallInfo, report: SurveyReport) -> RouteDecision | None:
        """Store the answers (complete, or partial after a hang-up); on the transfer key put the
        caller through to an operator as an answered call, or abandon it if none is free in time."""
        if self.surveys is not None:
            surveys, uid, at = self.surveys, call.call_id, self.clock.now()
            self.writer.submit(f"survey answers of call {uid}", lambda: surveys.record(uid, report, at))
        if report.outcome is not SurveyOutcome.TRANSFER:
            return None
        live = self._bind(call)
        plan = self.plans.get(live.campaign_id) if live is not None else None
        if live is None or plan is None:
            return RouteDecision.hangup()
        started = time.perf_counter()
        try:
            return await self._put_through(live, plan)
        finally:
            metrics.AGI_DECISION.labels("survey_transfer").observe(time.perf_counter() - started)
