"""The routes the product serves, and the interfaces the engine implements for them.

``product_routes(engine, abandon_message=...)`` gives the ``routes`` mapping for
:class:`agi.server.FastAgiServer`: ``amd``, ``abandon`` and ``survey``.
"""

from __future__ import annotations

from agi.routes.abandon import AbandonRoute
from agi.routes.amd import AmdRoute
from agi.routes.interfaces import AbandonListener, AgiEngine, AmdListener, SurveyBackend
from agi.routes.model import (
    AmdResult,
    AmdStatus,
    CallInfo,
    RouteAction,
    RouteDecision,
    Survey,
    SurveyAnswer,
    SurveyOutcome,
    SurveyQuestion,
    SurveyReport,
)
from agi.routes.survey import SurveyRoute
from agi.server import AgiHandler

AMD = "amd"
ABANDON = "abandon"
SURVEY = "survey"


def product_routes(
    engine: AgiEngine, *, abandon_message: str, amd_decision_timeout: float = 5.0
) -> dict[str, AgiHandler]:
    return {
        AMD: AmdRoute(engine, decision_timeout=amd_decision_timeout),
        ABANDON: AbandonRoute(engine, abandon_message),
        SURVEY: SurveyRoute(engine),
    }


__all__ = [
    "ABANDON",
    "AMD",
    "SURVEY",
    "AbandonListener",
    "AbandonRoute",
    "AgiEngine",
    "AmdListener",
    "AmdResult",
    "AmdRoute",
    "AmdStatus",
    "CallInfo",
    "RouteAction",
    "RouteDecision",
    "Survey",
    "SurveyAnswer",
    "SurveyBackend",
    "SurveyOutcome",
    "SurveyQuestion",
    "SurveyReport",
    "SurveyRoute",
    "product_routes",
]
