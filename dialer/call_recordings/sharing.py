"""Expiring links to one recording, scoped to its client (``recordings.links`` signs them).

The signing key is derived from the service's secret, so a link stays valid across restarts and
cannot be confused with a sign-in token. A link holder is audited as ``link:<hash prefix>``: the
same link always shows the same label, and the token itself is never stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialer.audit.service import Actor
from dialer.errors import InvalidInput, NotFound
from dialer.settings import Settings
from recordings.links import LinkClaim, LinkError, sign_link, verify_link

MAX_LINK_LIFETIME = timedelta(days=7)


def link_secret(service_secret: bytes) -> bytes:
    """A 32-byte key for recording links, derived from (never equal to) the service secret."""
    return hashlib.sha256(b"dialer recording links\x00" + service_secret).digest()


def recording_link_secret(settings: Settings) -> bytes:
    """The key this process signs links with: from ``DIALER_SECRET_KEY`` in production (links outlive
    a restart and work on every API process), else random per process."""
    if settings.production:
        return link_secret(settings.secret_key.get_secret_value().encode())
    return secrets.token_bytes(32)


def link_actor(token: str) -> Actor:
    return Actor(f"link:{hashlib.sha256(token.encode()).hexdigest()[:16]}", "link")


@dataclass(frozen=True, slots=True)
class SharedLink:
    token: str
    expires_at: datetime


def make_link(secret: bytes, key: str, client_id: int, now: datetime, lifetime: timedelta) -> SharedLink:
    """A token for ``key`` valid for ``lifetime`` (at most seven days) to ``client_id``."""
    if lifetime <= timedelta(0) or lifetime > MAX_LINK_LIFETIME:
        raise InvalidInput("a link lasts from one second to seven days")
    expires_at = (now + lifetime).replace(microsecond=0)
    return SharedLink(sign_link(secret, key, str(client_id), expires_at), expires_at)


def open_link(secret: bytes, token: str, now: datetime) -> LinkClaim:
    """The claim of a genuine, unexpired token; ``NotFound`` otherwise (a link says nothing more)."""
    try:
        return verify_link(secret, token, now)
    except LinkError as exc:
        raise NotFound(f"this link is not valid: {exc}") from exc
