"""Operators as the API shows them."""

from __future__ import annotations

from datetime import datetime

from api.schemas.common import Out


class OperatorOut(Out):
    id: int
    name: str
    login: str
    sip_endpoint: str
    user_id: int | None
    active: bool
    created_at: datetime
