"""A signed webhook: the JSON body, and HMAC-SHA256 of ``timestamp + "." + body`` with the client's secret.

The receiver recomputes the signature over the raw body and the ``X-Dialer-Timestamp`` header and
compares in constant time; the timestamp lets it refuse replays older than it accepts. Each kind of
message adds its own idempotency header (``X-Dialer-Lead-Id``, ``X-Dialer-Event-Id``, ...).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

PREFIX = "sha256="


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` for the ``X-Dialer-Signature`` header."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """True when ``header`` is the signature of this timestamp and body under ``secret``."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def encode(payload: Mapping[str, Any]) -> bytes:
    """The body as sent: compact UTF-8 JSON with sorted keys (the bytes that are signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signed_headers(secret: str, body: bytes, at: datetime, identity: Mapping[str, str]) -> dict[str, str]:
    """The request's headers: JSON content type, ``identity`` (the message's own ids), then the
    timestamp (``at`` in whole seconds) and the signature over it and ``body``."""
    timestamp = str(int(at.timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        **identity,
        "X-Dialer-Timestamp": timestamp,
        "X-Dialer-Signature": signature(secret, timestamp, body),
    }
