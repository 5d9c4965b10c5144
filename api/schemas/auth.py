"""Answers of the sign-in routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from dialer.auth.models import Role


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class MeOut(BaseModel):
    actor: str
    name: str
    role: Role
    client_id: int | None
    user_id: int | None
    key_id: int | None
