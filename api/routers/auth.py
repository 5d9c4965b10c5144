"""Signing in and out: a username and password for a bearer token; who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import PrincipalDep, bearer_scheme, unauthorized
from api.deps import SessionDep, SessionsDep, SettingsDep, remote_of
from api.schemas.auth import MeOut, TokenOut
from dialer.accounts import service
from dialer.accounts import sign_in as signing_in
from dialer.auth.throttle import SignInLimits
from dialer.errors import InvalidInput

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=TokenOut,
    responses={
        401: {"description": "Wrong username or password, or the user is deactivated or locked"},
        429: {"description": "Too many attempts for this account or address; see Retry-After"},
    },
)
async def sign_in(
    request: Request,
    sessions: SessionsDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenOut:
    """Exchange a username and password (form fields, as OAuth2 has it) for a bearer token.

    Attempts are limited per username and per client address (429 with ``Retry-After``); wrong
    passwords in a row lock the account until an administrator unlocks it."""
    issued = await signing_in.sign_in(
        sessions,
        request.app.state.token_signer,
        SignInLimits.from_settings(settings),
        form.username,
        form.password,
        remote_of(request),
    )
    if issued is None:
        raise unauthorized("wrong username or password, or the user is deactivated or locked")
    token, expires_at = issued
    return TokenOut(access_token=token, expires_at=expires_at)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def sign_out(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    bearer: Annotated[str | None, Depends(bearer_scheme)],
) -> None:
    """End the bearer token this request carries: it answers 401 from now on. API keys are revoked
    by an administrator (``DELETE /api-keys/{id}``) instead."""
    if principal.user_id is None or not bearer:
        raise InvalidInput("only a sign-in token can be signed out; an API key is revoked through /api-keys")
    await service.sign_out(session, request.app.state.token_signer, bearer)


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
