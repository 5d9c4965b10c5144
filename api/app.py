"""The FastAPI application: built from settings, owning one database engine for its lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from api import errors
from api.auth import make_signer
from api.body_limit import BodyLimit
from api.routers import ROUTERS
from api.text_guard import refuse_unstorable_text
from api.uploads import MULTIPART_SLACK, UPLOAD_BODY
from dialer.db.engine import make_engine, make_sessionmaker
from dialer.db.migrate import upgrade
from dialer.settings import Settings, install_sealer

DESCRIPTION = """\
Every route but `/health` and `/auth/token` needs a credential: a bearer token from
`POST /auth/token` (people) or an API key (machines) as `Authorization: Bearer dk_...` or
`X-API-Key: dk_...`. What a caller sees is limited by its role; a client's controller sees only its
client's data, and anything else answers 404. Errors are `{"detail": "..."}`. Money is an exact
decimal sent and returned as a string.
"""


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.effective_database_url)
        if migrate:
            await upgrade(engine)
        app.state.engine = engine
        app.state.sessions = make_sessionmaker(engine)
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Dialer",
        summary="Autodialer and softphone control for outsourced contact centres",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_unstorable_text)],
    )
    app.state.settings = settings
    install_sealer(settings)
    app.state.token_signer = make_signer(settings)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    uploads = [route.path_regex for route in routes if route.openapi_extra is UPLOAD_BODY]
    app.add_middleware(
        BodyLimit,
        limit=settings.body_max_bytes,
        upload_limit=settings.import_max_bytes + MULTIPART_SLACK,
        upload_paths=uploads,
    )
    return app
