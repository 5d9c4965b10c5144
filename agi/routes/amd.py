"""Route ``amd``: after AMD() in the dialplan, tell the engine the verdict and route the call.

Dialplan: ``AMD()`` then ``AGI(agi://host:4573/amd)``, then act on ``AGI_ROUTE`` (operator: dial
``AGI_OPERATOR`` or join ConfBridge ``AGI_BRIDGE``; queue: ``AGI_QUEUE``; message: play
``AGI_MESSAGE``; abandon: ``AGI(.../abandon)``; hangup). If the engine fails or does not decide within
``decision_timeout``, the ``fallback`` decision is set, so the dialplan is never left guessing.
"""

from __future__ import annotations

import asyncio
import logging

from agi import variables
from agi.routes.common import apply_decision, read_call
from agi.routes.interfaces import AmdListener
from agi.routes.model import AmdResult, AmdStatus, RouteDecision
from agi.session import AgiSession

log = logging.getLogger(__name__)


class AmdRoute:
    def __init__(
        self,
        engine: AmdListener,
        *,
        decision_timeout: float = 5.0,
        fallback: RouteDecision | None = None,
    ) -> None:
        self._engine = engine
        self._decision_timeout = decision_timeout
        self._fallback = fallback or RouteDecision.abandon()

    async def __call__(self, session: AgiSession) -> None:
        call = await read_call(session)
        status = await session.get_variable(variables.AMD_STATUS)
        cause = await session.get_variable(variables.AMD_CAUSE)
        result = AmdResult(AmdStatus.parse(status), cause or "")
        log.info("AMD %s (%s) for call %s on %s", result.status, result.cause, call.call_id, call.channel)
        try:
            async with asyncio.timeout(self._decision_timeout):
                decision = await self._engine.on_amd_result(call, result)
        except TimeoutError:
            log.warning(
                "engine gave no AMD decision for call %s within %s s", call.call_id, self._decision_timeout
            )
            decision = self._fallback
        except Exception:
            log.exception("engine failed on the AMD result of call %s", call.call_id)
            decision = self._fallback
        await apply_decision(session, decision)
