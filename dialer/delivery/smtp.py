"""The SMTP server: its config, and one blocking send (``smtplib``; run it in a worker thread)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "dialer@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


def send_blocking(config: SmtpConfig, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
    """Connect, STARTTLS and log in when configured, send; answers the recipients refused (the
    server took the message for the others). Raises ``OSError`` or ``smtplib.SMTPException``."""
    with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
        if config.starttls:
            smtp.starttls()
        if config.username and config.password:
            smtp.login(config.username, config.password)
        return smtp.send_message(message)
