"""SMTP: the settings as the sender's config, and one blocking send run in a worker thread."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from dialer.delivery.smtp import SmtpConfig, send_blocking
from dialer.settings import Settings


class SendError(Exception):
    """The SMTP server did not take the message (the text says why; never the password)."""


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """The SMTP server from ``DIALER_SMTP_*``; None when ``DIALER_SMTP_HOST`` is empty (e-mail off)."""
    if not settings.smtp_host:
        return None
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_user or None,
        password=settings.smtp_password.get_secret_value() or None,
        starttls=settings.smtp_starttls,
    )


def _send_blocking(config: SmtpConfig, message: EmailMessage) -> None:
    refused = send_blocking(config, message)
    if refused:
        raise SendError(f"recipients refused: {', '.join(sorted(refused))}")


async def send(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server; ``SendError`` when it is not taken by every recipient."""
    try:
        await asyncio.to_thread(_send_blocking, config, message)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"SMTP {type(exc).__name__}: {exc}") from None
