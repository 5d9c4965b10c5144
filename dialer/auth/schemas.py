"""The rules a user or an API key must follow before it is stored."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from dialer.auth.models import Role
from dialer.db.bounds import IntId

Username = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")]


def check_role_client(role: Role | None, client_id: int | None) -> None:
    """A client's controller belongs to exactly one client; no other role belongs to one."""
    if role is Role.CONTROLLER and client_id is None:
        raise ValueError("client_id: a controller must belong to a client")
    if role is not None and role is not Role.CONTROLLER and client_id is not None:
        raise ValueError(f"client_id: only a controller belongs to a client, not a {role.value}")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: SecretStr
    role: Role
    full_name: str = Field("", max_length=200)
    client_id: IntId | None = None

    @model_validator(mode="after")
    def _role_client(self) -> Self:
        check_role_client(self.role, self.client_id)
        return self


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: SecretStr | None = None
    role: Role | None = None
    full_name: str | None = Field(None, max_length=200)
    client_id: IntId | None = None
    is_active: bool | None = None


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Role
    client_id: IntId | None = None

    @model_validator(mode="after")
    def _role_client(self) -> Self:
        check_role_client(self.role, self.client_id)
        return self
