"""The webhook's signature: HMAC-SHA256 of ``timestamp + "." + body`` with the client's secret.

The receiver recomputes it over the raw body and the ``X-Dialer-Timestamp`` header and compares in
constant time; the timestamp lets it refuse replays older than it accepts.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` for the ``X-Dialer-Signature`` header."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """True when ``header`` is the signature of this timestamp and body under ``secret``."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)
