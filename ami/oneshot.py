"""One action on a connection of its own: connect, log in (no events), act, log off, close.

For the rare action a process sends without keeping a client connected (e.g. reloading res_pjsip
after the operators' endpoints changed, from an API process that runs no engine).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from ami.connection import AmiConnection, Reply
from ami.errors import ActionFailed, AmiError, LoginRefused
from ami.settings import AmiSettings


async def send_once(settings: AmiSettings, pairs: Sequence[tuple[str, str]]) -> Reply:
    """Send ``pairs`` on a fresh logged-in connection and return the answer; ``Response: Error``
    raises ``ActionFailed``, a refused login ``LoginRefused``, no answer ``ActionTimeout``."""
    connection = AmiConnection(lambda message: None)
    try:
        await connection.open(settings.host, settings.port, within=settings.connect_timeout)
        login = await connection.request(
            [
                ("Action", "Login"),
                ("Username", settings.username),
                ("Secret", settings.secret),
                ("Events", "off"),
            ],
            within=settings.action_timeout,
        )
        if not login.success:
            raise LoginRefused(
                f"AMI login refused for user {settings.username!r} at {settings.address}: "
                f"{login.message or 'no reason given'}"
            )
        reply = await connection.request(pairs, within=settings.action_timeout)
        if not reply.success:
            raise ActionFailed(pairs[0][1], reply.message)
        with contextlib.suppress(AmiError):
            await connection.request([("Action", "Logoff")], within=1.0)
        return reply
    finally:
        connection.close()
