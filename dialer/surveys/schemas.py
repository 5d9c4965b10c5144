"""A survey as the API takes and gives it: ordered questions, each a recorded prompt with its keys.

Validation is here (pydantic, on the rules of :mod:`dialer.surveys.rules`): every error names the
question (by its place and key) and the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from dialer.campaigns.sounds import check_sound_name
from dialer.surveys.models import ResponseOutcome
from dialer.surveys.rules import check_answer_digits, check_question_key, duplicates, transfer_problem

MAX_QUESTIONS = 20
MAX_CHOICES = 12


def _required_sound(value: str) -> str:
    if not value:
        raise ValueError("a prompt is required: the Asterisk sound name of the recorded question")
    return check_sound_name(value)


Prompt = Annotated[
    str,
    AfterValidator(_required_sound),
    Field(max_length=200, description="Asterisk sound name of the recorded question (e.g. survey/q1)"),
]
OptionalSound = Annotated[
    str,
    AfterValidator(check_sound_name),
    Field(max_length=200, description="Asterisk sound name; empty: none"),
]
Digits = Annotated[str, AfterValidator(check_answer_digits), Field(description="DTMF keys: 0-9 and *")]


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    digit: Digits
    meaning: Annotated[str, Field(min_length=1, max_length=200, description="what pressing it means")]


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, AfterValidator(check_question_key), Field(description="names the question")]
    prompt: Prompt
    choices: Annotated[list[Choice], Field(min_length=1, max_length=MAX_CHOICES)]
    timeout_s: Annotated[float, Field(ge=1, le=30, description="seconds to wait for the keys")] = 5.0
    attempts: Annotated[int, Field(ge=1, le=5, description="times asked before no answer is kept")] = 2
    transfer_digit: Digits | None = Field(
        None, description='one of the choices: pressing it puts the caller through to an operator ("press 1")'
    )

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        twice = duplicates(c.digit for c in self.choices)
        if twice:
            raise ValueError(f"choices: digit {', '.join(twice)} given more than once")
        if problem := transfer_problem(self.meanings, self.transfer_digit):
            raise ValueError(problem)
        return self

    @property
    def meanings(self) -> dict[str, str]:
        return {c.digit: c.meaning for c in self.choices}

    @property
    def max_digits(self) -> int:
        return max(len(c.digit) for c in self.choices)


class SurveyIn(BaseModel):
    """The whole survey; ``PUT`` replaces the one the campaign had."""

    model_config = ConfigDict(extra="forbid")

    intro: OptionalSound = ""
    goodbye: OptionalSound = ""
    retry_prompt: OptionalSound = Field("", description="played before a question is asked again")
    questions: Annotated[list[Question], Field(min_length=1, max_length=MAX_QUESTIONS)]

    @model_validator(mode="after")
    def _unique_keys(self) -> SurveyIn:
        twice = duplicates(q.key for q in self.questions)
        if twice:
            raise ValueError(f"questions: key {', '.join(repr(k) for k in twice)} used more than once")
        return self


class SurveyOut(SurveyIn):
    campaign_id: int
    updated_at: datetime
    updated_by: str


class AnswerOut(BaseModel):
    position: int
    question: str
    digits: str | None
    meaning: str | None
    attempts: int
    recorded_at: datetime


class ResponseOut(BaseModel):
    """One surveyed call's answers (partial when ``outcome`` is ``hung_up``)."""

    call_id: int
    contact_id: int
    phone: str
    outcome: ResponseOutcome
    complete: bool
    finished_at: datetime
    answers: list[AnswerOut]
