"""Steps every route shares: read which call this is, and hand the engine's decision to the dialplan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from functools import partial

from agi import variables
from agi.routes.model import CallInfo, RouteDecision
from agi.session import AgiSession

log = logging.getLogger(__name__)


async def read_call(session: AgiSession) -> CallInfo:
    """The call's identity from its channel variables (query ``campaign`` if CAMPAIGN_ID is unset)."""
    request = session.request
    call_id = await session.get_variable(variables.CALL_ID)
    campaign_id = await session.get_variable(variables.CAMPAIGN_ID)
    lead_id = await session.get_variable(variables.LEAD_ID)
    return CallInfo(
        call_id=call_id or request.uniqueid,
        campaign_id=campaign_id or request.query.get("campaign") or None,
        lead_id=lead_id or None,
        uniqueid=request.uniqueid,
        channel=request.channel,
        query=request.query,
        args=request.args,
    )


async def apply_decision(session: AgiSession, decision: RouteDecision) -> None:
    """Set the decision's target variables, then ``AGI_ROUTE`` last."""
    targets = (
        (variables.OPERATOR, decision.operator),
        (variables.BRIDGE, decision.bridge),
        (variables.QUEUE, decision.queue),
        (variables.MESSAGE, decision.message),
    )
    for name, value in targets:
        if value:
            await session.set_variable(name, value)
    await session.set_variable(variables.ROUTE, decision.action.value)


_running: set[asyncio.Future[object]] = set()


async def tell_engine(what: str, notification: Awaitable[object]) -> None:
    """Await an engine notification; it runs to its end even if the session is cancelled (the
    engine's counts must not depend on the call's socket), and its failure is logged, not raised."""
    task = asyncio.ensure_future(notification)
    _running.add(task)
    task.add_done_callback(partial(_finished, what))
    await asyncio.wait([task])


def _finished(what: str, task: asyncio.Future[object]) -> None:
    _running.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("engine failed on %s", what, exc_info=error)
