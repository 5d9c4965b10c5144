"""The engine's edges counted for ``dialer.observability.metrics``: FastAGI sessions by route, and
each AMI connection's reconnects (a ``ready`` after the first one). The edges themselves (``agi/``,
``ami/``) know nothing of metrics; the engine wraps what it hands them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from agi.server import AgiHandler
from agi.session import AgiSession
from dialer.observability import metrics


def counted_routes(routes: Mapping[str, AgiHandler]) -> dict[str, AgiHandler]:
    """The same routes, each session counted under its route's name."""
    return {name: _counted(name, handler) for name, handler in routes.items()}


def _counted(name: str, handler: AgiHandler) -> AgiHandler:
    sessions = metrics.AGI_SESSIONS.labels(name)

    async def route(session: AgiSession) -> None:
        sessions.inc()
        await handler(session)

    return route


def reconnect_counter(server: str) -> Callable[[str, str], None]:
    """An AMI state listener counting the server's connections made ready again after the first."""
    reconnects = metrics.AMI_RECONNECTS.labels(server)
    seen_ready = False

    def on_state(state: str, _detail: str) -> None:
        nonlocal seen_ready
        if state == "ready":
            if seen_ready:
                reconnects.inc()
            seen_ready = True

    return on_state
