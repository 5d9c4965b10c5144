"""The FastAPI application: built from settings, owning one database engine for its lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine

from api import docs, errors
from api.auth import make_signer
from api.body_limit import BodyLimit
from api.middleware import RequestContext
from api.pages import STATIC_DIR, STATIC_URL
from api.routers import PAGES, ROUTERS, health
from api.text_guard import refuse_unstorable_text
from api.uploads import MULTIPART_SLACK, UPLOAD_BODY
from dialer.call_recordings.sharing import recording_link_secret
from dialer.call_recordings.storage import configured_store
from dialer.db.engine import make_engine, make_sessionmaker
from dialer.db.migrate import upgrade
from dialer.live.listener import PgListener
from dialer.observability.health import Observed, thresholds
from dialer.settings import Settings, install_sealer
from dialer.softphones.provisioning import provisioner_for
from dialer.supervision.wallboard import BoardCache

Observe = Callable[[AsyncEngine], Observed]
"""Makes what readiness and ``/metrics`` look at, from the app's database engine."""

DESCRIPTION = """\
Every route but `/health`, `/health/live`, `/health/ready`, `/metrics` (see `DIALER_METRICS_TOKEN`)
and `/auth/token` (and the web pages, `/operator` and their `/static` files, which hold no data)
needs a credential: a bearer token from
`POST /auth/token` (people) or an API key (machines) as `Authorization: Bearer dk_...` or
`X-API-Key: dk_...`. What a caller sees is limited by its role; a client's controller sees only its
client's data, and anything else answers 404. Errors are `{"detail": "..."}` (`ErrorOut`); a request
whose fields fail validation gets `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`. Money
is an exact decimal sent and returned as a string.
"""


def create_app(
    settings: Settings, *, migrate: bool = True, observe: Observe | None = None, api: bool = True
) -> FastAPI:
    """The application. ``observe``: the parts readiness checks (default: the database alone, as
    an API-only process has). ``api=False``: only the health and metrics routes (a process of
    the engine or jobs role answers its orchestrator and Prometheus, nothing else)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.effective_database_url)
        if migrate:
            await upgrade(engine)
        app.state.engine = engine
        app.state.sessions = make_sessionmaker(engine)
        app.state.observed = (
            observe(engine) if observe is not None else Observed(engine, thresholds=thresholds(settings))
        )
        listener = PgListener(engine) if api and engine.dialect.name == "postgresql" else None
        if listener is not None:  # events of every process wake this one's streams at once
            listener.start()
        app.state.live_listener = listener
        try:
            yield
        finally:
            if listener is not None:
                await listener.stop()
            await engine.dispose()

    app = FastAPI(
        title="Dialer",
        summary="Autodialer and softphone control for outsourced contact centres",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(refuse_unstorable_text)],
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if api else None,
    )
    app.state.settings = settings
    install_sealer(settings)
    app.state.token_signer = make_signer(settings)
    app.state.provisioner = provisioner_for(settings)
    app.add_middleware(RequestContext)
    errors.install(app)
    if not api:
        app.include_router(health.router)
        return app
    app.state.recording_store = configured_store(settings)  # a wrong setting stops the start, named
    app.state.recording_link_secret = recording_link_secret(settings)
    app.state.wallboards = BoardCache()  # the campaign boards of the last second
    docs.install(app)
    for router in ROUTERS:
        app.include_router(router)
    for router in PAGES:
        app.include_router(router)
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    errors.install_openapi(app)
    routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    uploads = [route.path_regex for route in routes if route.openapi_extra is UPLOAD_BODY]
    app.add_middleware(
        BodyLimit,
        limit=settings.body_max_bytes,
        upload_limit=settings.import_max_bytes + MULTIPART_SLACK,
        upload_paths=uploads,
    )
    return app


WARM_PATH = "/\x00warm"
"""A path no route matches, so that matching it walks every route."""


def warm_routes(app: FastAPI) -> None:
    """Build now what FastAPI builds at a route's first match (each route's parameters and their
    pydantic validators): the first request that walked every route took the event loop 0.6 s, a
    stall to the engine's ticks and FastAGI answers had it come while dialing. Call before the
    engine starts."""
    scope = {"type": "http", "method": "GET", "path": WARM_PATH, "root_path": "", "app": app}
    scope.update(headers=[], query_string=b"")
    for route in app.router.routes:
        route.matches(scope)
