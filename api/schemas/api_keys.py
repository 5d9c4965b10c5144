"""API keys as the API shows them: the key itself only once, in the answer that creates it."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from api.schemas.common import Out
from dialer.auth.models import Role


class ApiKeyOut(Out):
    id: int
    name: str
    prefix: str
    role: Role
    client_id: int | None
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="the key; shown this once and never again, so store it now")
