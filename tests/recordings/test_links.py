"""Expiring, client-scoped links: genuine ones open one recording, nothing else gets through."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordings.links import LinkClaim, LinkError, LinkExpired, sign_link, verify_link

SECRET = b"k" * 32
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=24)


def test_round_trip_and_scope() -> None:
    token = sign_link(SECRET, "client-7/2026/11/27/call-42.mp3", "client-7", LATER)
    claim = verify_link(SECRET, token, NOW, client_id="client-7")
    assert claim == LinkClaim("client-7/2026/11/27/call-42.mp3", "client-7", LATER)
    with pytest.raises(LinkError, match="another client"):
        verify_link(SECRET, token, NOW, client_id="client-8")
    with pytest.raises(LinkExpired):
        verify_link(SECRET, token, LATER)
    with pytest.raises(LinkError, match="signature"):
        verify_link(b"x" * 32, token, NOW)


def test_tampering_is_caught() -> None:
    token = sign_link(SECRET, "a.mp3", "client-7", LATER)
    payload, mac = token.split(".")
    forged = sign_link(b"z" * 32, "b.mp3", "client-7", LATER).split(".")[0]
    for bad in (f"{forged}.{mac}", f"{payload}.{mac[:-2]}", payload, "", f"{payload}x.{mac}"):
        with pytest.raises(LinkError):
            verify_link(SECRET, bad, NOW)


def test_refuses_weak_secret_unsafe_key_and_naive_time() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign_link(b"short", "a.mp3", "c", LATER)
    with pytest.raises(ValueError):
        sign_link(SECRET, "../etc/passwd", "c", LATER)
    with pytest.raises(ValueError, match="aware"):
        sign_link(SECRET, "a.mp3", "c", datetime(2026, 1, 1))


@given(
    st.from_regex(r"[A-Za-z0-9_\-]{1,20}(/[A-Za-zА-я0-9_\- ]{1,20}){0,3}", fullmatch=True),
    st.text(min_size=1, max_size=30),
    st.integers(min_value=1, max_value=10**7),
)
def test_any_key_and_client_round_trip(key: str, client: str, seconds: int) -> None:
    expires = NOW + timedelta(seconds=seconds)
    token = sign_link(SECRET, key, client, expires)
    assert verify_link(SECRET, token, NOW, client_id=client) == LinkClaim(key, client, expires)
    assert all(ch.isalnum() or ch in "-_." for ch in token)  # safe in a URL path as it is
