"""The e-mail channel: a lead sent to the client's manager through an SMTP server.

The message itself is ``dialer.mail.lead_email.lead_message``.

``smtplib`` is blocking, so each message is sent in a worker thread. The message's ``Message-ID``
is derived from the lead id, so a retry after a lost answer is recognisable as the same lead.
"""

from __future__ import annotations

import asyncio
import smtplib
from datetime import datetime
from typing import Any

from dialer.delivery.smtp import SmtpConfig, send_blocking
from dialer.hotleads.outbox import Claim
from dialer.hotleads.sender import DeliveryError
from dialer.mail.lead_email import lead_message


class SmtpLeadSender:
    """Sends a lead's e-mail; an SMTP error or a refused recipient is a ``DeliveryError`` to retry."""

    def __init__(self, config: SmtpConfig) -> None:
        self._config = config

    async def send(self, claim: Claim, payload: dict[str, Any], at: datetime) -> None:
        if not claim.email_to:
            raise DeliveryError("the client has no manager e-mail configured")
        message = lead_message(payload, sender=self._config.sender, to=claim.email_to, at=at)
        try:
            await asyncio.to_thread(send_blocking, self._config, message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {type(exc).__name__}: {exc}") from None
