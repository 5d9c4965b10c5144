"""Deleting one recording: the file leaves the store and the call forgets its key, audited with
the reason in the same transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit.models import AuditAction
from dialer.audit.service import Remote, record
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.call_recordings.access import recorded_call
from dialer.calls.models import RecordingStatus
from recordings.store import RecordingStore


async def delete_recording(
    session: AsyncSession,
    principal: Principal,
    store: RecordingStore,
    call_id: int,
    *,
    reason: str,
    remote: Remote | None = None,
) -> bool:
    """Delete the call's recording; True if a file was removed (False: it was already missing).

    The database change is flushed before the file goes, so a refused write leaves the file; the
    caller's commit then makes both final.
    """
    row = await recorded_call(session, principal, call_id, Permission.RECORDINGS_DELETE, lock=True)
    key = row.call.recording_key
    assert key is not None
    row.call.recording_key = None
    row.call.recording_status = RecordingStatus.DELETED
    await record(
        session,
        principal,
        AuditAction.DELETE,
        "recording",
        call_id,
        client_id=row.client_id,
        detail={"key": key, "reason": reason},
        remote=remote,
    )
    return await store.delete(key)
