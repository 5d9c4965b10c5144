"""API keys for machines (administrators only); a key is shown once, when it is created."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.api_keys import ApiKeyCreated, ApiKeyOut
from dialer.accounts import service
from dialer.auth.models import ApiKey
from dialer.auth.schemas import ApiKeyCreate
from dialer.db.bounds import IntId

router = APIRouter(
    prefix="/api-keys", tags=["api keys"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=list[ApiKeyOut])
async def list_keys(session: SessionDep, principal: PrincipalDep) -> list[ApiKey]:
    return await service.list_keys(session, principal)


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
async def create_key(body: ApiKeyCreate, session: SessionDep, principal: PrincipalDep) -> ApiKeyCreated:
    """Create a key with a role (and a client, for a controller). The answer holds the key: store it."""
    key, plaintext = await service.create_key(session, principal, body)
    return ApiKeyCreated.model_validate({**ApiKeyOut.model_validate(key).model_dump(), "key": plaintext})


@router.delete("/{key_id}", response_model=ApiKeyOut)
async def revoke_key(key_id: IntId, session: SessionDep, principal: PrincipalDep) -> ApiKey:
    """Revoke a key: it stops working at once and stays listed with ``revoked_at``."""
    return await service.revoke_key(session, principal, key_id)
