"""The facts the routes hand to the engine and the decisions they get back. Plain values, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class CallInfo:
    """Which call the AGI request is about: the product's call id and what the channel carries."""

    call_id: str
    campaign_id: str | None
    lead_id: str | None
    uniqueid: str
    channel: str
    query: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    args: tuple[str, ...] = ()


class RouteAction(StrEnum):
    """Where the dialplan sends the call next (the value of ``AGI_ROUTE``)."""

    OPERATOR = "operator"
    QUEUE = "queue"
    MESSAGE = "message"
    ABANDON = "abandon"
    HANGUP = "hangup"
    SURVEY = "survey"  # the IVR survey (route ``survey``): a survey campaign's answered person


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """The engine's answer: the action and its target (operator and/or bridge, queue, message)."""

    action: RouteAction
    operator: str | None = None
    bridge: str | None = None
    queue: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if self.action is RouteAction.OPERATOR and not (self.operator or self.bridge):
            raise ValueError("an operator decision needs an operator or a bridge")
        if self.action is RouteAction.QUEUE and not self.queue:
            raise ValueError("a queue decision needs a queue")
        if self.action is RouteAction.MESSAGE and not self.message:
            raise ValueError("a message decision needs a message")

    @classmethod
    def hangup(cls) -> RouteDecision:
        return cls(RouteAction.HANGUP)

    @classmethod
    def abandon(cls, message: str | None = None) -> RouteDecision:
        return cls(RouteAction.ABANDON, message=message)

    @classmethod
    def survey(cls) -> RouteDecision:
        return cls(RouteAction.SURVEY)

    @classmethod
    def to_operator(cls, operator: str | None = None, bridge: str | None = None) -> RouteDecision:
        return cls(RouteAction.OPERATOR, operator=operator, bridge=bridge)


class AmdStatus(StrEnum):
    """AMDSTATUS as app_amd sets it; ``UNKNOWN`` when unset (AMD did not run) or unrecognised."""

    HUMAN = "HUMAN"
    MACHINE = "MACHINE"
    NOTSURE = "NOTSURE"
    HANGUP = "HANGUP"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: str | None) -> AmdStatus:
        try:
            return cls((value or "").strip().upper())
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class AmdResult:
    """The AMD verdict and its cause as Asterisk wrote them (``INITIALSILENCE-2500-2500``)."""

    status: AmdStatus
    cause: str

    @property
    def cause_kind(self) -> str:
        """The cause without its numbers: ``INITIALSILENCE``, ``TOOLONG``, ``HUMAN``..."""
        return self.cause.split("-", 1)[0]


@dataclass(frozen=True, slots=True)
class SurveyQuestion:
    """One recorded question: played by GET DATA, answered by DTMF.

    ``choices`` are the accepted answers (empty: any input); an invalid or missing answer is asked
    again up to ``attempts`` times, after ``retry_prompt`` if given. An answer in ``transfer_on``
    ("press 1 to talk to us") ends the survey with a transfer to an operator.
    """

    key: str
    prompt: str
    choices: tuple[str, ...] = ()
    digit_timeout: float = 5.0
    max_digits: int = 1
    attempts: int = 2
    retry_prompt: str | None = None
    transfer_on: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Survey:
    survey_id: str
    questions: tuple[SurveyQuestion, ...]
    intro: str | None = None
    goodbye: str | None = None


@dataclass(frozen=True, slots=True)
class SurveyAnswer:
    """``digits`` is ``None`` when no valid answer came within the attempts."""

    question: str
    digits: str | None
    attempts: int


class SurveyOutcome(StrEnum):
    COMPLETED = "completed"
    TRANSFER = "transfer"  # the customer asked to talk to an operator
    HUNG_UP = "hung_up"


@dataclass(frozen=True, slots=True)
class SurveyReport:
    survey_id: str
    answers: tuple[SurveyAnswer, ...]
    outcome: SurveyOutcome
