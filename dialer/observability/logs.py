"""Log lines in text (the default) or JSON (``DIALER_LOG_FORMAT=json``, ``dialer --log-format json``).

Each line carries the call id, campaign id and HTTP request id where they are known: context
variables the engine sets per call (``bound(call_id=..., campaign_id=...)``) and the HTTP
middleware per request. Whatever the format, secrets in a line's text are masked: the token of a
shared recording link and ``token=``/``secret=``/``password=``/``key=`` query values (uvicorn's
access log shows paths), so a log file is not a way into the recordings.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]
FORMATS: tuple[LogFormat, ...] = ("text", "json")

CALL_ID: ContextVar[str | None] = ContextVar("dialer_call_id", default=None)
CAMPAIGN_ID: ContextVar[int | None] = ContextVar("dialer_campaign_id", default=None)
REQUEST_ID: ContextVar[str | None] = ContextVar("dialer_request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"

_SECRETS = (
    (re.compile(r"(/recordings/shared/)[^\s/?\"']+"), r"\1***"),
    (re.compile(r"(?i)\b((?:access_)?token|secret|password|api_key|key)=[^&\s\"']+"), r"\1=***"),
)

Context = tuple[str | None, int | None, str | None]


def current() -> Context:
    """The call id, campaign id and request id in force here (to carry them to another task)."""
    return CALL_ID.get(), CAMPAIGN_ID.get(), REQUEST_ID.get()


@contextlib.contextmanager
def bound(
    *, call_id: str | None = None, campaign_id: int | None = None, request_id: str | None = None
) -> Iterator[None]:
    """Lines logged inside carry these values (those given; the others stay as they were)."""
    resets: list[Callable[[], None]] = []
    if call_id is not None:
        call_token = CALL_ID.set(call_id)
        resets.append(lambda: CALL_ID.reset(call_token))
    if campaign_id is not None:
        campaign_token = CAMPAIGN_ID.set(campaign_id)
        resets.append(lambda: CAMPAIGN_ID.reset(campaign_token))
    if request_id is not None:
        request_token = REQUEST_ID.set(request_id)
        resets.append(lambda: REQUEST_ID.reset(request_token))
    try:
        yield
    finally:
        for reset in reversed(resets):
            reset()


@contextlib.contextmanager
def restored(context: Context) -> Iterator[None]:
    """Run with a context taken by ``current()`` elsewhere (e.g. a write queued by a fact)."""
    call_id, campaign_id, request_id = context
    with bound(call_id=call_id, campaign_id=campaign_id, request_id=request_id):
        yield


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Puts the context on every record and masks secrets in its message (formatted once here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        call_id, campaign_id, request_id = current()
        record.call_id, record.campaign_id, record.request_id = call_id, campaign_id, request_id
        parts = [
            f"{name}={value}"
            for name, value in (("call", call_id), ("campaign", campaign_id), ("request", request_id))
            if value is not None
        ]
        record.context = f" [{' '.join(parts)}]" if parts else ""
        message = record.getMessage()
        masked = redact(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the known context
    (``call_id``, ``campaign_id``, ``request_id``) and the exception's traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in ("call_id", "campaign_id", "request_id"):
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_installed: list[logging.Handler] = []


def configure_logging(level: str | int = "INFO", log_format: LogFormat = "text") -> None:
    """Send the root logger's lines to standard error in ``log_format`` (replacing the handler an
    earlier call installed, leaving others alone); uvicorn's loggers go through it too."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    while _installed:
        root.removeHandler(_installed.pop())
    root.addHandler(handler)
    _installed.append(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
