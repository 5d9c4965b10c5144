"""Secrets the service must read back (CRM signing secrets, S3 delivery secret keys, operators' SIP
passwords), sealed at rest.

Stored as ``sealed:v1:<Fernet token>`` (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under
the key from ``DIALER_SECRETS_KEY``, or, when that is empty, a key derived from
``DIALER_SECRET_KEY``. Several keys may be given (comma-separated): the first seals, any opens, so
a key can be rotated. A value stored before sealing existed (no prefix) is read as it is;
``dialer.db.reseal.reseal_all``, which ``dialer.db.migrate.upgrade`` runs after the migrations,
seals those and re-seals the others under the first key.

The key is installed once per process from the settings (``install``: ``load_settings`` and the
API's ``create_app`` do it); the column type reads it from there, as SQLAlchemy gives a column type
nothing else to hold it.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

PREFIX = "sealed:v1:"
DEFAULT_SECRET = "change-me"  # the shipped DIALER_SECRET_KEY, for a process that installed nothing


class UnreadableSecret(Exception):
    """A sealed value no installed key opens (the key changed without the old one kept)."""


def derived_key(secret: str) -> bytes:
    """A Fernet key from ``DIALER_SECRET_KEY``, used when no ``DIALER_SECRETS_KEY`` is set."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"dialer-secrets-at-rest\x00" + secret.encode()).digest())


class Sealer:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is needed to seal secrets")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def from_config(cls, secrets_key: str, secret_key: str) -> Sealer:
        """Keys from ``DIALER_SECRETS_KEY`` (comma-separated Fernet keys), else derived from the
        ``DIALER_SECRET_KEY``. A malformed key is refused here, at start, not at first use."""
        given = [part.strip().encode() for part in secrets_key.split(",") if part.strip()]
        try:
            return cls(given or [derived_key(secret_key)])
        except ValueError:
            raise ValueError(
                "DIALER_SECRETS_KEY: each key must be 32 url-safe base64-encoded bytes, "
                "as cryptography's Fernet.generate_key() makes"
            ) from None

    def seal(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode()).decode()

    def reseal(self, stored: str) -> str:
        """``stored`` (in clear, or sealed under any key) sealed under the first key."""
        return self.seal(self.open(stored))

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # stored before sealing existed; seal_plaintext seals it
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise UnreadableSecret(
                "a stored secret does not open with DIALER_SECRETS_KEY (or DIALER_SECRET_KEY): "
                "keep the old key after the new one while rotating"
            ) from None


_installed: Sealer | None = None


def install(sealer: Sealer) -> None:
    global _installed
    _installed = sealer


def installed() -> Sealer:
    global _installed
    if _installed is None:
        _installed = Sealer([derived_key(DEFAULT_SECRET)])
    return _installed


class SealedString(TypeDecorator[str]):
    """A string column whose values are stored sealed and read back in clear."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else installed().seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else installed().open(value)
