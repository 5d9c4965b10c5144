"""What can go wrong in a FastAGI session, as exceptions a route handler can catch one by one."""

from __future__ import annotations


class AgiError(Exception):
    """Base of every FastAGI error."""


class AgiProtocolError(AgiError):
    """The peer broke the protocol: malformed or oversized environment or reply, unexpected bytes."""


class AgiHangup(AgiError):
    """The caller hung up (a ``HANGUP`` line, a ``511`` reply, or the peer closed the connection).

    A normal end of a call, not a fault: the server logs it at info level.
    """


class AgiDisconnected(AgiHangup):
    """The connection to Asterisk closed while the session still wanted to talk."""


class AgiTimeout(AgiError):
    """Asterisk did not answer a command in time; the connection is closed, it cannot be trusted."""


class AgiCommandError(AgiError):
    """Asterisk answered a command with an error or a failure result.

    ``code`` is the reply code (200, 510, 520...), ``result`` the ``result=`` value if any.
    """

    def __init__(self, command: str, code: int, result: str | None, text: str) -> None:
        super().__init__(f"{command!r} -> {code} {text}")
        self.command = command
        self.code = code
        self.result = result
        self.text = text


class AgiCommandFailed(AgiCommandError):
    """A ``200`` reply whose result says the command failed (``result=-1`` on a live channel: a
    missing sound file, for example; ``result=-2`` for EXEC of an application that does not exist)."""


class AgiUnknownCommand(AgiCommandError):
    """``510 Invalid or unknown command``."""


class AgiUsageError(AgiCommandError):
    """``520`` invalid command syntax; ``text`` holds the usage Asterisk sent back."""
