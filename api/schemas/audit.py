"""Audit events as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.schemas.common import Out
from dialer.audit.models import AuditAction


class AuditEventOut(Out):
    id: int
    at: datetime
    actor: str
    role: str
    client_id: int | None
    action: AuditAction
    object_type: str
    object_id: str | None
    detail: dict[str, Any]
    remote_addr: str | None
    forwarded_for: str | None
    user_agent: str | None
