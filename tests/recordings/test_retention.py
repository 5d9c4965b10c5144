"""Retention deletes exactly what is past its contract's period, and records every deletion."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recordings.memory_store import MemoryStore
from recordings.retention import (
    DeletionOutcome,
    RetentionCandidate,
    apply_retention,
    plan_retention,
)

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)

moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
periods = st.one_of(st.none(), st.integers(min_value=0, max_value=1000))
candidates = st.lists(
    st.builds(
        RetentionCandidate,
        key=st.uuids().map(lambda u: f"rec/{u.hex}.mp3"),
        recorded_at=moments,
        retention_days=periods,
    ),
    max_size=60,
    unique_by=lambda c: c.key,
)


def test_examples() -> None:
    objects = [
        ("old.mp3", NOW - timedelta(days=91), 90),
        ("edge.mp3", NOW - timedelta(days=90), 90),  # exactly the period: kept
        ("just-past.mp3", NOW - timedelta(days=90, seconds=1), 90),
        ("young.mp3", NOW - timedelta(days=3), 90),
        ("forever.mp3", NOW - timedelta(days=5000), None),
        ("zero.mp3", NOW - timedelta(seconds=1), 0),
        ("future.mp3", NOW + timedelta(days=1), 0),
        ("moscow.mp3", datetime(2026, 8, 28, 5, 59, tzinfo=timezone(timedelta(hours=3))), 90),
    ]
    assert plan_retention(objects, NOW) == ["old.mp3", "just-past.mp3", "zero.mp3", "moscow.mp3"]


def test_naive_times_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        plan_retention([("a", datetime(2026, 1, 1), 1)], NOW)
    with pytest.raises(ValueError, match="aware"):
        plan_retention([], datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="negative"):
        plan_retention([("a", NOW, -1)], NOW)


@given(candidates, moments)
def test_plan_is_exactly_the_expired(objects: list[RetentionCandidate], now: datetime) -> None:
    planned = plan_retention(objects, now)
    expected = [
        c.key
        for c in objects
        if c.retention_days is not None and (now - c.recorded_at).total_seconds() > c.retention_days * 86400
    ]
    assert planned == expected
    assert all(c.retention_days is not None and c.recorded_at < now for c in objects if c.key in planned)


@given(candidates, moments, st.integers(min_value=0, max_value=10**8))
def test_later_never_keeps_what_earlier_deleted(
    objects: list[RetentionCandidate], now: datetime, later_s: int
) -> None:
    assert set(plan_retention(objects, now)) <= set(plan_retention(objects, now + timedelta(seconds=later_s)))


@settings(max_examples=60)
@given(candidates, st.lists(st.text("abcdef", min_size=1, max_size=8), max_size=10, unique=True), moments)
def test_executor_deletes_what_it_should_and_nothing_else(
    objects: list[RetentionCandidate], unrelated: list[str], now: datetime
) -> None:
    async def scenario() -> None:
        store = MemoryStore()
        for c in objects:
            await store.put(c.key, c.key.encode())
        for name in unrelated:  # objects retention was not asked about
            await store.put(f"other/{name}", b"x")
        before = set(store.objects)
        ticks = iter(range(10**6))
        records = await apply_retention(
            store, objects, now, clock=lambda: now + timedelta(microseconds=next(ticks))
        )
        planned = plan_retention(objects, now)
        assert [r.key for r in records] == planned
        assert set(store.objects) == before - set(planned)
        by_key = {c.key: c for c in objects}
        for record in records:
            assert record.outcome is DeletionOutcome.DELETED
            assert record.recorded_at == by_key[record.key].recorded_at
            assert record.deleted_at.tzinfo is UTC and record.deleted_at >= now
            assert f"{by_key[record.key].retention_days} days" in record.reason

    asyncio.run(scenario())


async def test_records_absent_and_failed_deletions() -> None:
    class FlakyStore(MemoryStore):
        async def delete(self, key: str) -> bool:
            if key == "broken.mp3":
                raise ConnectionError("storage unreachable")
            return await super().delete(key)

    store = FlakyStore()
    await store.put("present.mp3", b"1")
    await store.put("broken.mp3", b"2")
    old = NOW - timedelta(days=400)
    objects = [
        RetentionCandidate("present.mp3", old, 365, "contract C-17"),
        RetentionCandidate("gone.mp3", old, 365),
        RetentionCandidate("broken.mp3", old, 365),
    ]
    records = await apply_retention(store, objects, NOW)
    assert [(r.key, r.outcome) for r in records] == [
        ("present.mp3", DeletionOutcome.DELETED),
        ("gone.mp3", DeletionOutcome.ALREADY_ABSENT),
        ("broken.mp3", DeletionOutcome.FAILED),
    ]
    assert records[0].reason == "retention period of 365 days expired (contract C-17)"
    assert "storage unreachable" in records[2].error
    assert await store.exists("broken.mp3")
