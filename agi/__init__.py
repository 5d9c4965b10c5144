"""FastAGI: the server Asterisk asks for per-call decisions, and the routes the product needs.

The wire format (:mod:`agi.wire`) is pure; :mod:`agi.connection` and :mod:`agi.server` do the I/O;
:mod:`agi.session` offers typed commands to route handlers; :mod:`agi.routes` holds the product's
routes and the interfaces the engine implements for them.
"""

from agi.errors import (
    AgiCommandError,
    AgiCommandFailed,
    AgiDisconnected,
    AgiError,
    AgiHangup,
    AgiProtocolError,
    AgiTimeout,
    AgiUnknownCommand,
    AgiUsageError,
)
from agi.request import AgiRequest
from agi.server import AgiHandler, AgiLimits, FastAgiServer
from agi.session import AgiSession, ChannelStatus, DigitsResult, SessionTimeouts, StreamResult

__all__ = [
    "AgiCommandError",
    "AgiCommandFailed",
    "AgiDisconnected",
    "AgiError",
    "AgiHandler",
    "AgiHangup",
    "AgiLimits",
    "AgiProtocolError",
    "AgiRequest",
    "AgiSession",
    "AgiTimeout",
    "AgiUnknownCommand",
    "AgiUsageError",
    "ChannelStatus",
    "DigitsResult",
    "FastAgiServer",
    "SessionTimeouts",
    "StreamResult",
]
