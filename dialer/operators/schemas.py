"""The rules an operator's record must follow."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from dialer.db.bounds import IntId

SIP_ENDPOINT = r"^[A-Za-z0-9_.-]+$"


class OperatorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    login: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    sip_endpoint: str = Field(
        min_length=1, max_length=100, pattern=SIP_ENDPOINT, description="PJSIP endpoint of the softphone"
    )
    user_id: IntId | None = Field(None, description="the operator's user account (role operator), if any")
    active: bool = True


class OperatorUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    login: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    sip_endpoint: str | None = Field(None, min_length=1, max_length=100, pattern=SIP_ENDPOINT)
    user_id: IntId | None = None
    active: bool | None = None


class OperatorAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    operator_ids: list[IntId] = Field(
        max_length=1000, description="the campaign's operators, replacing any before"
    )
