"""What the routes need from the engine: small interfaces the engine implements (``dialer/``).

``agi/`` never imports the engine; the engine passes an object with these methods to the routes.
Each method is awaited inside the call's AGI session, so it should answer quickly (the AMD route
bounds the wait, see :class:`agi.routes.amd.AmdRoute`).
"""

from __future__ import annotations

from typing import Protocol

from agi.routes.model import AmdResult, CallInfo, RouteDecision, Survey, SurveyReport


class AmdListener(Protocol):
    async def on_amd_result(self, call: CallInfo, result: AmdResult) -> RouteDecision:
        """AMD has a verdict for an answered call: where should the call go?"""
        ...


class AbandonListener(Protocol):
    async def on_abandoned(self, call: CallInfo, message: str) -> None:
        """The call is abandoned (no operator in time): it hears ``message`` and is hung up."""
        ...


class SurveyBackend(Protocol):
    async def survey_for(self, call: CallInfo, survey_id: str | None) -> Survey | None:
        """The survey to run (``survey_id`` from the AGI query, ``None``: the campaign's own)."""
        ...

    async def on_survey_finished(self, call: CallInfo, report: SurveyReport) -> RouteDecision | None:
        """The answers collected. For ``TRANSFER`` return where to send the caller (operator, or
        abandon if none is free); ``None`` means hang up. Ignored after ``HUNG_UP``."""
        ...


class AgiEngine(AmdListener, AbandonListener, SurveyBackend, Protocol):
    """Everything the product's routes need, for an engine that serves them all."""
