"""An in-memory engine behind the route interfaces, for tests only: scripted decisions, and a
record of everything the routes told it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from agi.routes import (
    AmdResult,
    AmdStatus,
    CallInfo,
    RouteDecision,
    Survey,
    SurveyOutcome,
    SurveyReport,
)


@dataclass
class InMemoryEngine:
    amd_decisions: dict[AmdStatus, RouteDecision] = field(default_factory=dict)
    surveys: dict[str, Survey] = field(default_factory=dict)
    transfer_decision: RouteDecision | None = None
    delay: float = 0.0
    fail: bool = False
    amd_results: list[tuple[CallInfo, AmdResult]] = field(default_factory=list)
    abandoned: list[tuple[CallInfo, str]] = field(default_factory=list)
    reports: list[tuple[CallInfo, SurveyReport]] = field(default_factory=list)

    async def _work(self) -> None:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("engine down")

    async def on_amd_result(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        self.amd_results.append((call, result))
        await self._work()
        return self.amd_decisions.get(result.status, RouteDecision.hangup())

    async def on_abandoned(self, call: CallInfo, message: str) -> None:
        await self._work()
        self.abandoned.append((call, message))

    async def survey_for(self, call: CallInfo, survey_id: str | None) -> Survey | None:
        return self.surveys.get(survey_id or call.campaign_id or "")

    async def on_survey_finished(self, call: CallInfo, report: SurveyReport) -> RouteDecision | None:
        await self._work()
        self.reports.append((call, report))
        return self.transfer_decision if report.outcome is SurveyOutcome.TRANSFER else None
