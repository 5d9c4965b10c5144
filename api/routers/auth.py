"""Signing in: a username and password for a bearer token; who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import PrincipalDep, unauthorized
from api.deps import SessionDep
from api.schemas.auth import MeOut, TokenOut
from dialer.auth import service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/token", response_model=TokenOut, responses={401: {"description": "Wrong username or password"}}
)
async def sign_in(
    request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenOut:
    """Exchange a username and password (form fields, as OAuth2 has it) for a bearer token."""
    issued = await service.sign_in(session, request.app.state.token_signer, form.username, form.password)
    if issued is None:
        raise unauthorized("wrong username or password, or the user is deactivated")
    token, expires_at = issued
    return TokenOut(access_token=token, expires_at=expires_at)


@router.get("/me", response_model=MeOut)
async def me(principal: PrincipalDep) -> MeOut:
    """Who the credential stands for: role, and the client it is limited to, if any."""
    return MeOut(
        actor=principal.actor,
        name=principal.name,
        role=principal.role,
        client_id=principal.client_id,
        user_id=principal.user_id,
        key_id=principal.key_id,
    )
