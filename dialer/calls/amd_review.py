"""A person's review of a call's answering-machine verdict (operator, QA or supervisor).

An operator who finds a person on a call AMD put down as a machine (the customer calls back, or QA
hears the recording) marks it ``human``; ``machine`` confirms the verdict. The review — verdict,
note, who and when — is kept on the call; a newer review replaces an older one. A call AMD took for
a machine and reviewed as human is an AMD false positive: under a profile that counts them (UK) it
is an abandoned call in the campaign's rolling rate (``dialer.calls.abandons``), which the engine
steers by and the pacing route shows.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.calls.models import Call
from dialer.calls.repository import get_call
from dialer.errors import Conflict, InvalidInput


class AmdReview(enum.StrEnum):
    HUMAN = "human"
    MACHINE = "machine"


async def review_amd(
    session: AsyncSession,
    principal: Principal,
    call_id: int,
    verdict: AmdReview,
    *,
    note: str | None,
    at: datetime,
) -> Call:
    """Store the review on a call the caller may see (else ``NotFound``) that had an AMD verdict."""
    principal.require(Permission.CALLS_REVIEW)
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("at: give a time with its zone (UTC)")
    call = await get_call(session, principal, call_id, lock=True)
    if not call.amd_status:
        raise Conflict(f"call {call_id} has no answering-machine verdict to review")
    call.amd_review, call.amd_review_note = verdict.value, note
    call.amd_reviewed_by, call.amd_reviewed_at = principal.actor[:50], at
    await session.flush()
    return call
