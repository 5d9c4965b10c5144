"""Helpers every call flow shares (the dialplan's applications, the queue, Originate)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pbxsim import events as ev
from pbxsim.clock import Clock

if TYPE_CHECKING:
    from pbxsim.pbx import Call, Pbx


async def wait_event(clock: Clock, event: asyncio.Event, seconds: float) -> bool:
    """Wait for ``event`` at most ``seconds`` of simulated time; True if it was set."""
    if event.is_set():
        return True
    waiter = asyncio.ensure_future(event.wait())
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    try:
        await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        sleeper.cancel()
    return event.is_set()


def finish(pbx: Pbx, call: Call) -> None:
    """Release what the channel held: its recording (written now), its endpoint, its device."""
    ch = call.channel
    if call.recording is not None:
        call.recording.stop(pbx.now())
        call.recording = None
    pbx.forget(call)
    if ch.endpoint == "trunk":
        pbx.emit(ev.device_state("PJSIP/trunk", "NOT_INUSE"))
    elif call.in_use:
        call.in_use = False
        pbx.endpoints.channel_down(ch.endpoint)
    for callback in call.after_hangup:
        callback()
    call.after_hangup.clear()
