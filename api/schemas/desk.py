"""The operator's desk as the operator's page loads it (``GET /desk``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.calls import OperatorSessionOut
from api.schemas.common import Out


class DeskOperatorOut(Out):
    id: int
    name: str
    login: str
    sip_endpoint: str


class DeskOut(BaseModel):
    operator: DeskOperatorOut
    session: OperatorSessionOut
    campaigns: list[dict[str, Any]] = Field(
        description="the campaigns the operator is assigned to: id, name, mode, state, wrap_up_s, "
        "dispositions"
    )
    call: dict[str, Any] | None = Field(
        description="the call in hand (as the call_connected event carries it: contact card, filled "
        "script, codes, survey answers), or null"
    )
    event_id: int = Field(description="follow GET /events after this id: nothing since this read is missed")
    now: datetime
