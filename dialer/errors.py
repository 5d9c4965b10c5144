"""Errors the domain raises, one class per meaning; the API turns each into its HTTP status.

Services raise these with a message that says what went wrong and where (which resource, which
field), so the message can be shown to the caller as it is. They never carry secrets.
"""

from __future__ import annotations

from pydantic import ValidationError


class DomainError(Exception):
    """Base of every rule the domain refuses to break."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The resource does not exist, or the caller may not know that it does."""


class Forbidden(DomainError):
    """The caller is known but their role does not allow this action."""


class Conflict(DomainError):
    """The action clashes with the resource's current state or with another resource."""


class InvalidInput(DomainError):
    """The input breaks a rule that needs the database to check (unknown ids, references)."""


def from_validation(exc: ValidationError) -> InvalidInput:
    """One InvalidInput from pydantic's errors, each as ``field: message``."""
    parts = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        where = ".".join(str(part) for part in error["loc"])
        parts.append(f"{where}: {message}" if where and not message.startswith(f"{where}:") else message)
    return InvalidInput("; ".join(parts))
