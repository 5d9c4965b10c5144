"""Errors the AMI client raises. Each says what failed in words a support engineer can act on."""

from __future__ import annotations


class AmiError(Exception):
    """Base of every AMI client error."""


class NotConnected(AmiError):
    """An action was sent while there is no logged-in connection; raised at once, never hangs."""


class ConnectionLost(AmiError):
    """The connection closed while an action waited for its answer (the action may or may not have run)."""


class LoginRefused(AmiError):
    """Asterisk answered the Login with an error (wrong secret or unknown user look the same)."""


class ActionTimeout(AmiError):
    """No answer within the action's timeout."""


class ActionFailed(AmiError):
    """Asterisk answered ``Response: Error`` (e.g. ``No such channel``)."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(f"{action} failed: {message}")
        self.action = action
        self.message = message
