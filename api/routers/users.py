"""People who sign in (administrators only)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep, remote_of
from api.errors import ERROR_RESPONSES
from api.schemas.users import UserOut
from dialer.accounts import service
from dialer.auth.models import User
from dialer.auth.schemas import UserCreate, UserUpdate
from dialer.db.bounds import IntId

router = APIRouter(
    prefix="/users", tags=["users"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=list[UserOut])
async def list_users(session: SessionDep, principal: PrincipalDep) -> list[User]:
    return await service.list_users(session, principal)


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, session: SessionDep, principal: PrincipalDep) -> User:
    """Create a user; a controller needs ``client_id``, every other role must not have one."""
    return await service.create_user(session, principal, body)


@router.get("/{user_id}", response_model=UserOut)
async def get_user(user_id: IntId, session: SessionDep, principal: PrincipalDep) -> User:
    return await service.get_user(session, principal, user_id)


@router.patch("/{user_id}", response_model=UserOut)
async def update_user(user_id: IntId, body: UserUpdate, session: SessionDep, principal: PrincipalDep) -> User:
    """Change role, name, password or activity; a new password ends the user's current tokens, and
    so does deactivation (for good: reactivating the user does not revive them). The last active
    administrator may not be demoted or deactivated (409)."""
    return await service.update_user(session, principal, user_id, body)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: IntId, session: SessionDep, principal: PrincipalDep) -> None:
    """Delete a user; the last active administrator may not be deleted (409)."""
    await service.delete_user(session, principal, user_id)


@router.post("/{user_id}/unlock", response_model=UserOut)
async def unlock_user(user_id: IntId, request: Request, session: SessionDep, principal: PrincipalDep) -> User:
    """Unlock an account locked by wrong passwords and forget its recent attempts; audited."""
    return await service.unlock_user(session, principal, user_id, remote_of(request))
