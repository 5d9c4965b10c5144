"""Route ``abandon``: the call found no operator in time. Play the identification message, hang up.

The message is the query's ``message`` (``agi://host:4573/abandon?message=campaign-42-id``), else
the channel's ``AGI_MESSAGE``, else the route's default. The engine is told at once, while the
message plays, and the telling completes even if the caller hangs up during the message.
"""

from __future__ import annotations

import asyncio
import logging

from agi import variables
from agi.errors import AgiCommandFailed
from agi.routes.common import read_call, tell_engine
from agi.routes.interfaces import AbandonListener
from agi.session import AgiSession

log = logging.getLogger(__name__)


class AbandonRoute:
    def __init__(self, engine: AbandonListener, default_message: str) -> None:
        self._engine = engine
        self._default_message = default_message

    async def __call__(self, session: AgiSession) -> None:
        call = await read_call(session)
        message = (
            session.request.query.get("message")
            or await session.get_variable(variables.MESSAGE)
            or self._default_message
        )
        log.info("call %s abandoned: playing %r", call.call_id, message)
        told = asyncio.ensure_future(tell_engine("abandon", self._engine.on_abandoned(call, message)))
        try:
            try:
                await session.stream_file(message)
            except AgiCommandFailed as exc:
                log.warning("identification message %r not played on %s: %s", message, call.channel, exc)
            await session.hangup()
        finally:
            await asyncio.wait([told])
