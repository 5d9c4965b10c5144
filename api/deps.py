"""Request dependencies: the settings and one database session per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.audit.service import Remote
from dialer.settings import Settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: committed when the route returns, rolled back if it raises.

    Scoped to the route function, so the commit happens before the response is sent: a client that
    has its answer can count on the next request seeing what it wrote.
    """
    async with request.app.state.sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def remote_of(request: Request) -> Remote:
    """Where the request came from: the peer, the proxies' X-Forwarded-For and the user agent."""
    return Remote(
        address=request.client.host if request.client else None,
        forwarded_for=request.headers.get("x-forwarded-for"),
        user_agent=request.headers.get("user-agent"),
    )


async def request_remote(request: Request) -> Remote:
    """``remote_of`` as a dependency (an ``async def``: FastAPI runs a plain ``def`` in a thread)."""
    return remote_of(request)


def link_base(request: Request) -> str | None:
    """The address links handed to other people start with: ``DIALER_PUBLIC_URL``; in development
    (no ``DIALER_SECRET_KEY``) the address this request came to; in production without it, None.
    Never the ``Host`` header of a production request: anyone can send any Host."""
    settings: Settings = request.app.state.settings
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return None if settings.production else str(request.base_url).rstrip("/")


async def get_sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    """For work that opens its own units of work (imports, exports), not the request's session."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionsDep = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker)]
