"""Operators as the API shows them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from api.schemas.common import Out
from dialer.softphones.settings_view import SoftphoneSettings


class OperatorOut(Out):
    id: int
    name: str
    login: str
    sip_endpoint: str
    user_id: int | None
    active: bool
    created_at: datetime


class SoftphoneOut(BaseModel):
    """What to type into the operator's softphone (the password included: the reading is audited)."""

    operator_id: int
    display_name: str
    server: str
    port: int
    transport: str
    username: str
    password: str
    codecs: list[str]
    text: str

    @classmethod
    def of(cls, found: SoftphoneSettings) -> SoftphoneOut:
        return cls(
            operator_id=found.operator_id,
            display_name=found.display_name,
            server=found.server,
            port=found.port,
            transport=found.transport,
            username=found.username,
            password=found.password,
            codecs=list(found.codecs),
            text=found.text(),
        )
