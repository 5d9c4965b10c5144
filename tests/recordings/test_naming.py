"""Keys are named by client, UTC day and call, and stay safe whatever the ids hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordings.memory_store import MemoryStore
from recordings.naming import day_prefix, recording_key
from recordings.store import validate_key


def test_named_by_client_day_and_call() -> None:
    moscow = timezone(timedelta(hours=3))
    started = datetime(2026, 11, 28, 1, 30, tzinfo=moscow)  # still the 27th in UTC
    assert recording_key(7, started, "1795755529.0") == "7/2026/11/27/call-1795755529.0.wav"
    assert recording_key("acme", started, 42, ".mp3") == "acme/2026/11/27/call-42.mp3"
    assert day_prefix("acme", started) == "acme/2026/11/27/"
    with pytest.raises(ValueError):
        recording_key("acme", datetime(2026, 1, 1), 1)
    with pytest.raises(ValueError):
        recording_key("..", started, 1)


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_any_ids_give_safe_keys_or_a_clear_refusal(client: str, call: str) -> None:
    try:
        key = recording_key(client, datetime(2026, 11, 27, tzinfo=UTC), call)
    except ValueError:
        return
    assert validate_key(key) == key and key.count("/") == 4


async def test_day_prefix_lists_one_clients_day() -> None:
    store = MemoryStore()
    day = datetime(2026, 11, 27, 10, tzinfo=UTC)
    for client, shift, call in [("a", 0, 1), ("a", 1, 2), ("a", 24, 3), ("b", 0, 4)]:
        await store.put(recording_key(client, day + timedelta(hours=shift), call), b"x")
    assert [k async for k in store.iter_keys(day_prefix("a", day))] == [
        "a/2026/11/27/call-1.wav",
        "a/2026/11/27/call-2.wav",
    ]
