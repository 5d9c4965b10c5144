"""Retention: recordings older than their client contract's period are deleted, with a record.

:func:`plan_retention` is pure (what to delete, given the objects and the time); :func:`apply_retention`
deletes the plan from a store and returns one :class:`DeletionRecord` per key for the audit log.
A recording is expired when its age is strictly greater than the period; no period (``None``)
means the contract keeps recordings for ever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from recordings.store import RecordingStore


@dataclass(frozen=True, slots=True)
class RetentionCandidate:
    """One stored recording and the retention period its client contract sets."""

    key: str
    recorded_at: datetime
    retention_days: int | None
    policy: str = ""  # e.g. "contract C-17", for the deletion record


class DeletionOutcome(StrEnum):
    DELETED = "deleted"
    ALREADY_ABSENT = "already_absent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeletionRecord:
    key: str
    recorded_at: datetime
    deleted_at: datetime
    reason: str
    outcome: DeletionOutcome = DeletionOutcome.DELETED
    error: str = ""


CandidateLike = RetentionCandidate | tuple[str, datetime, int | None]


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment


def _candidate(item: CandidateLike) -> RetentionCandidate:
    candidate = item if isinstance(item, RetentionCandidate) else RetentionCandidate(*item)
    _aware(candidate.recorded_at, f"recorded_at of {candidate.key}")
    if candidate.retention_days is not None and candidate.retention_days < 0:
        raise ValueError(f"negative retention period for {candidate.key}")
    return candidate


def is_expired(candidate: RetentionCandidate, now: datetime) -> bool:
    if candidate.retention_days is None:
        return False
    return now - candidate.recorded_at > timedelta(days=candidate.retention_days)


def expired(objects: Iterable[CandidateLike], now: datetime) -> list[RetentionCandidate]:
    """The candidates past their period at ``now``, in input order."""
    _aware(now, "now")
    return [c for c in map(_candidate, objects) if is_expired(c, now)]


def plan_retention(objects: Iterable[CandidateLike], now: datetime) -> list[str]:
    """Keys to delete at ``now``: those whose age exceeds their contract's retention period."""
    return [candidate.key for candidate in expired(objects, now)]


def reason_for(candidate: RetentionCandidate) -> str:
    policy = f" ({candidate.policy})" if candidate.policy else ""
    return f"retention period of {candidate.retention_days} days expired{policy}"


async def apply_retention(
    store: RecordingStore,
    objects: Iterable[CandidateLike],
    now: datetime,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[DeletionRecord]:
    """Delete what :func:`plan_retention` picks; one record per key, failures included, none skipped."""
    records: list[DeletionRecord] = []
    for candidate in expired(objects, now):
        try:
            existed = await store.delete(candidate.key)
        except Exception as exc:
            outcome, error = DeletionOutcome.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            outcome, error = (DeletionOutcome.DELETED if existed else DeletionOutcome.ALREADY_ABSENT), ""
        deleted_at = _aware(clock(), "clock()").astimezone(UTC)
        records.append(
            DeletionRecord(
                candidate.key, candidate.recorded_at, deleted_at, reason_for(candidate), outcome, error
            )
        )
    return records
