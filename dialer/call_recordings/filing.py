"""A call's recording as the call record keeps it: whether the policy wanted one, and what filing found.

Pure rules (``recording_wanted``) and short transactions over the call record; the files themselves
are handled by ``dialer.engine.recording_filer``. A call that ends is marked ``pending`` (or, when
its policy wanted no file, ``not_recorded_by_policy``) in the same transaction that ends it
(``mark_pending``), so a crash before filing loses nothing: the pending calls are found again
(``pending_call_uids``) at start and periodically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call, RecordingStatus
from dialer.campaigns.models import Campaign, RecordingPolicy
from dialer.errors import NotFound
from recordings.intake import IntakeStatus

INTAKE_STATUS = {
    IntakeStatus.MISSING: RecordingStatus.MISSING,
    IntakeStatus.EMPTY: RecordingStatus.EMPTY,
    IntakeStatus.CORRUPT: RecordingStatus.CORRUPT,
}


def recording_wanted(policy: RecordingPolicy, *, answered: bool, connected: bool) -> bool:
    """Whether the dialplan was told to record this call (``all``: from the answer; ``connected``:
    from the moment the customer was put through; ``none``: never)."""
    if policy is RecordingPolicy.ALL:
        return answered or connected
    if policy is RecordingPolicy.CONNECTED:
        return connected
    return False


@dataclass(frozen=True, slots=True)
class CallToFile:
    """What filing needs to know of one ended call."""

    call_id: int
    call_uid: str
    client_id: int
    placed_at: datetime
    policy: RecordingPolicy  # as the call was placed
    wanted: bool


@dataclass(frozen=True, slots=True)
class FilingResult:
    """What filing found: ``key`` and the facts when filed, the reason when not."""

    status: RecordingStatus
    problem: str = ""
    key: str | None = None
    seconds: float | None = None
    size: int | None = None
    sha256: str | None = None
    format: str | None = None


LEGACY_POLICY = RecordingPolicy.CONNECTED
"""The policy of a call placed before calls kept theirs (migration 0008): every campaign's then."""


def policy_of(call: Call) -> RecordingPolicy:
    """The recording policy ``call`` was placed under, as its creation stored it (what the dialplan
    was told); a call placed before migration 0008 has none and was placed under ``connected``."""
    return RecordingPolicy(call.recording_policy) if call.recording_policy else LEGACY_POLICY


def mark_pending(call: Call) -> bool:
    """A call just ended: its recording is to be filed if the policy it was placed under wanted one
    (True), else it is settled as not recorded at once. Nothing changes if it was settled before."""
    if call.recording_status is not None:
        return False
    policy = policy_of(call)
    if recording_wanted(
        policy, answered=call.answered_at is not None, connected=call.connected_at is not None
    ):
        call.recording_status = RecordingStatus.PENDING
        return True
    call.recording_status = RecordingStatus.NOT_RECORDED_BY_POLICY
    call.recording_problem = f"policy {policy.value}"
    return False


async def call_to_file(session: AsyncSession, call_uid: str) -> CallToFile | None:
    """The call ``call_uid`` if it still waits for filing (None when it was settled meanwhile)."""
    row = (
        await session.execute(
            select(Call, Campaign.client_id)
            .join(Campaign, Campaign.id == Call.campaign_id)
            .where(Call.call_uid == call_uid)
        )
    ).first()
    if row is None:
        raise NotFound(f"no call {call_uid}")
    call, client_id = row
    if call.recording_status is not RecordingStatus.PENDING:
        return None
    policy = policy_of(call)
    wanted = recording_wanted(
        policy, answered=call.answered_at is not None, connected=call.connected_at is not None
    )
    return CallToFile(call.id, call.call_uid, client_id, call.placed_at, policy, wanted)


async def record_result(session: AsyncSession, call_uid: str, result: FilingResult, at: datetime) -> bool:
    """Write ``result`` on the call if it is still pending; False when another filer was first."""
    call = await session.scalar(select(Call).where(Call.call_uid == call_uid).with_for_update())
    if call is None:
        raise NotFound(f"no call {call_uid}")
    if call.recording_status is not RecordingStatus.PENDING:
        return False
    call.recording_status = result.status
    call.recording_problem = result.problem[:500] or None
    call.recording_key = result.key
    call.recording_seconds = result.seconds
    call.recording_bytes = result.size
    call.recording_sha256 = result.sha256
    call.recording_format = result.format
    call.recording_filed_at = at
    return True


async def pending_call_uids(session: AsyncSession, *, limit: int = 500) -> list[str]:
    """Ended calls whose recording is still to be filed, oldest first."""
    query = (
        select(Call.call_uid)
        .where(Call.recording_status == RecordingStatus.PENDING)
        .order_by(Call.ended_at, Call.id)
        .limit(limit)
    )
    return list(await session.scalars(query))
