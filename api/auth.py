"""Who is calling: a bearer token (people) or an API key (machines), resolved once per request.

Two ways to send a credential, both declared in the OpenAPI document:
``Authorization: Bearer <token or key>`` and ``X-API-Key: <key>``. A missing or bad credential
answers 401 with ``WWW-Authenticate: Bearer``; the credential itself is never logged or echoed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from api.deps import SessionDep
from dialer.accounts import service
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.tokens import TokenSigner
from dialer.settings import Settings

log = logging.getLogger(__name__)


bearer_scheme = OAuth2PasswordBearer(
    tokenUrl="/auth/token",
    auto_error=False,
    scheme_name="bearer",
    description="A token from POST /auth/token, or an API key (dk_...)",
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="api_key", description="An API key (dk_...)"
)


def make_signer(settings: Settings) -> TokenSigner:
    """The token signer; with the shipped default secret, a random key that dies with the process."""
    secret = settings.secret_key.get_secret_value()
    if not settings.production:
        log.warning(
            "DIALER_SECRET_KEY is unset or shorter than 16 characters: sign-in tokens are signed with a "
            "random key and stop working when the service restarts; set DIALER_SECRET_KEY in production"
        )
        return TokenSigner(secrets.token_bytes(32))
    return TokenSigner(secret.encode())


def unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=message,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[str | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal:
    credential = bearer or api_key
    if not credential:
        raise unauthorized("authentication required: send Authorization: Bearer <token> or X-API-Key")
    signer: TokenSigner = request.app.state.token_signer
    principal = await service.authenticate(session, signer, credential)
    if principal is None:
        raise unauthorized("the token or API key is invalid, expired or revoked")
    request.state.actor = principal.actor  # for access logs and, later, the audit log
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def requires(permission: Permission) -> Callable[[Principal], Coroutine[Any, Any, None]]:
    """A route dependency refusing the caller's role (403) before any 404 or 422 of the route's own."""

    async def check(principal: PrincipalDep) -> None:
        principal.require(permission)

    return check
