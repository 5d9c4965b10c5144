"""Users as the API shows them: never with their password hash."""

from __future__ import annotations

from datetime import datetime

from api.schemas.common import Out
from dialer.auth.models import Role


class UserOut(Out):
    id: int
    username: str
    full_name: str
    role: Role
    client_id: int | None
    is_active: bool
    created_at: datetime
    failed_sign_ins: int
    locked_at: datetime | None
