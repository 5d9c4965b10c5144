"""Who is calling: a person (user) or a machine (API key), with its role and, for a client's
controller, the one client it may see. Every service takes one and checks it before acting."""

from __future__ import annotations

from dataclasses import dataclass

from dialer.auth.models import Role
from dialer.auth.permissions import Permission, allows
from dialer.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    user_id: int | None = None
    key_id: int | None = None
    client_id: int | None = None
    name: str = ""

    @property
    def actor(self) -> str:
        """A stable label for logs and, later, the audit log: ``user:3`` or ``key:7``."""
        return f"user:{self.user_id}" if self.user_id is not None else f"key:{self.key_id}"

    @property
    def client_scoped(self) -> bool:
        """True when the caller sees one client's data only."""
        return self.role is Role.CONTROLLER

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"role {self.role.value!r} may not {_describe(permission)}")


def _describe(permission: Permission) -> str:
    resource, action = permission.value.split(":")
    verbs = {
        "read": "read",
        "write": "change",
        "control": "start or stop",
        "manage": "manage",
        "export": "export",
        "delete": "delete",
        "review": "review",
        "issue": "issue",
        "sign": "sign or dispute",
        "close": "close months of",
        "supervise": "supervise",
    }
    return f"{verbs[action]} {resource}"
