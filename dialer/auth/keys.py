"""API keys for machines: ``dk_<prefix>_<secret>``, shown once, stored as a SHA-256 digest.

The prefix (12 hex characters) is stored in clear and finds the row; the digest of the whole key
is compared in constant time. SHA-256 rather than Argon2 on purpose: a slow hash protects secrets
people choose, which are guessable; a key's secret is 32 random bytes (256 bits), which no amount of
hashing speed makes guessable, and a fast digest keeps a machine calling many times a second from
paying Argon2's tens of milliseconds and memory on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_PREFIX = "dk"


@dataclass(frozen=True, slots=True)
class NewKey:
    plaintext: str
    prefix: str
    digest: str


def generate_key() -> NewKey:
    prefix = secrets.token_hex(6)
    plaintext = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(plaintext=plaintext, prefix=prefix, digest=digest(plaintext))


def digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(f"{KEY_PREFIX}_")


def parse_prefix(plaintext: str) -> str | None:
    """The lookup prefix of a well-formed key, or None."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1]


def matches(plaintext: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(plaintext), stored_digest)
