"""Disposition codes an operator sets after a call, and the set a campaign gets when given none."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dialer.campaigns.models import DispositionKind


class DispositionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_]+$", examples=["sale"])
    label: str = Field(min_length=1, max_length=200, examples=["Продажа / Sale"])
    kind: DispositionKind = Field(
        description="final: the contact is done; retry: dial again after the retry delay; "
        "callback: dial again at the time the operator sets"
    )
    hot_lead: bool = Field(False, description="push the contact to the client's CRM at once")
    counts_as_processed: bool = Field(False, description="counts as a processed contact for billing")
    adds_to_dnc: bool = Field(False, description="put the number on the client's do-not-call list")

    @model_validator(mode="after")
    def _dnc_is_final(self) -> Self:
        if self.adds_to_dnc and self.kind is not DispositionKind.FINAL:
            raise ValueError(f"disposition {self.code!r}: a code that adds to do-not-call must be final")
        return self


def check_codes(dispositions: list[DispositionIn]) -> list[DispositionIn]:
    """Codes unique within the campaign, and at least one final code to end a contact with."""
    seen: set[str] = set()
    for disposition in dispositions:
        if disposition.code in seen:
            raise ValueError(f"disposition code {disposition.code!r} appears more than once")
        seen.add(disposition.code)
    if dispositions and not any(d.kind is DispositionKind.FINAL for d in dispositions):
        raise ValueError("at least one disposition must be final")
    return dispositions


FINAL, RETRY, CALLBACK = DispositionKind.FINAL, DispositionKind.RETRY, DispositionKind.CALLBACK

DEFAULT_DISPOSITIONS: tuple[DispositionIn, ...] = (
    DispositionIn(code="sale", label="Продажа / Sale", kind=FINAL, hot_lead=True, counts_as_processed=True),
    DispositionIn(
        code="hot_lead", label="Горячий лид / Hot lead", kind=FINAL, hot_lead=True, counts_as_processed=True
    ),
    DispositionIn(
        code="not_interested", label="Не интересно / Not interested", kind=FINAL, counts_as_processed=True
    ),
    DispositionIn(code="callback", label="Перезвонить / Call back", kind=CALLBACK),
    DispositionIn(code="try_later", label="Не смог говорить / Try again later", kind=RETRY),
    DispositionIn(
        code="wrong_number", label="Ошибочный номер / Wrong number", kind=FINAL, counts_as_processed=True
    ),
    DispositionIn(
        code="do_not_call",
        label="Не звонить / Do not call",
        kind=FINAL,
        counts_as_processed=True,
        adds_to_dnc=True,
    ),
)
