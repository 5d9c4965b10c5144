"""The audit log: who heard, downloaded, exported, shared or deleted which recording."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.audit import AuditEventOut
from api.schemas.common import Page
from dialer.audit.models import AuditAction
from dialer.audit.service import list_events
from dialer.dates import Moment
from dialer.db.bounds import IntId, Offset

router = APIRouter(
    prefix="/audit", tags=["audit"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=Page[AuditEventOut])
async def audit_events(
    session: SessionDep,
    principal: PrincipalDep,
    actor: Annotated[str | None, Query(description="user:3, key:7 or link:<id>")] = None,
    action: AuditAction | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    client_id: IntId | None = None,
    since: Annotated[Moment | None, Query(description="at or after")] = None,
    until: Annotated[Moment | None, Query(description="before")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> Page[AuditEventOut]:
    """Audit events newest first (admins and supervisors)."""
    rows, total = await list_events(
        session,
        principal,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return Page[AuditEventOut](
        items=[AuditEventOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )
