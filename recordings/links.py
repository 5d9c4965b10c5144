"""Expiring links to one recording, scoped to one client: HMAC-signed tokens the API can verify.

For stores without presigned URLs (a local folder), and as the client scope on top of them: the
API hands out ``/recordings/link/<token>`` and, on request, checks the token before streaming.
The token carries the key, the client and the expiry; nothing is kept on the server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from recordings.store import validate_key

MIN_SECRET = 32


class LinkError(ValueError):
    """The token is malformed, forged, or for another client."""


class LinkExpired(LinkError):
    """The token was genuine but its time is up."""


@dataclass(frozen=True, slots=True)
class LinkClaim:
    key: str
    client_id: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def sign_link(secret: bytes, key: str, client_id: str, expires_at: datetime) -> str:
    """A URL-safe token granting ``client_id`` access to ``key`` until ``expires_at`` (to the second)."""
    if len(secret) < MIN_SECRET:
        raise ValueError(f"link secret must be at least {MIN_SECRET} bytes")
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be timezone-aware")
    body = {"k": validate_key(key), "c": client_id, "e": int(expires_at.timestamp())}
    payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_mac(secret, payload)}"


def verify_link(secret: bytes, token: str, now: datetime, *, client_id: str | None = None) -> LinkClaim:
    """The claim inside ``token`` if it is genuine, unexpired at ``now`` and (if given) for ``client_id``."""
    payload, dot, mac = token.partition(".")
    if not dot or not hmac.compare_digest(mac.encode(), _mac(secret, payload).encode()):
        raise LinkError("link signature does not match")
    try:
        body = json.loads(_unb64(payload))
        claim = LinkClaim(
            validate_key(str(body["k"])), str(body["c"]), datetime.fromtimestamp(int(body["e"]), UTC)
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise LinkError("link payload is malformed") from exc
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if now >= claim.expires_at:
        raise LinkExpired(f"link expired at {claim.expires_at.isoformat()}")
    if client_id is not None and not hmac.compare_digest(claim.client_id.encode(), client_id.encode()):
        raise LinkError("link belongs to another client")
    return claim
