"""Bearer tokens for people: ``dt1.<payload>.<signature>``, signed with HMAC-SHA256, never stored.

The payload holds the user's id, when it was issued, the expiry and a fingerprint of the user's
password hash, so a token dies when it expires, when the password changes, or (checked on use) when
it was signed out or issued before the user was last deactivated. Nothing secret is in the payload;
it is only base64, not encrypted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

TOKEN_VERSION = "dt1"
DEFAULT_TOKEN_TTL = timedelta(hours=12)  # one long shift


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    issued_at: datetime
    expires_at: datetime
    password_fingerprint: str


def token_digest(token: str) -> str:
    """How a signed-out token is remembered: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks tokens with one secret key."""

    def __init__(self, key: bytes, ttl: timedelta = DEFAULT_TOKEN_TTL) -> None:
        if len(key) < 16:
            raise ValueError("token signing key must be at least 16 bytes")
        self._key = hashlib.sha256(b"dialer-token\x00" + key).digest()
        self.ttl = ttl

    def _sign(self, message: str) -> str:
        return _b64(hmac.new(self._key, message.encode(), hashlib.sha256).digest())

    def issue(self, user_id: int, password_hash: str, now: datetime | None = None) -> tuple[str, datetime]:
        issued_at = now or datetime.now(UTC)
        expires_at = issued_at + self.ttl
        payload = {
            "sub": user_id,
            "iat": round(issued_at.timestamp(), 3),
            "exp": int(expires_at.timestamp()),
            "pwd": password_fingerprint(password_hash),
        }
        body = f"{TOKEN_VERSION}.{_b64(json.dumps(payload, separators=(',', ':')).encode())}"
        return f"{body}.{self._sign(body)}", expires_at.replace(microsecond=0)

    def verify(self, token: str, now: datetime | None = None) -> TokenClaims | None:
        """The token's claims if its signature is good and it has not expired, else None."""
        version, _, rest = token.partition(".")
        payload_b64, _, signature = rest.partition(".")
        if version != TOKEN_VERSION or not payload_b64 or not signature:
            return None
        if not hmac.compare_digest(self._sign(f"{version}.{payload_b64}"), signature):
            return None
        try:
            payload = json.loads(_unb64(payload_b64))
            expires_at = datetime.fromtimestamp(int(payload["exp"]), UTC)
            issued = payload.get("iat")  # tokens from before "iat" existed: their expiry less the ttl
            issued_at = datetime.fromtimestamp(float(issued), UTC) if issued else expires_at - self.ttl
            claims = TokenClaims(
                user_id=int(payload["sub"]),
                issued_at=issued_at,
                expires_at=expires_at,
                password_fingerprint=str(payload["pwd"]),
            )
        except (ValueError, KeyError, TypeError, OverflowError, OSError):
            return None
        if claims.expires_at <= (now or datetime.now(UTC)):
            return None
        return claims
