"""Operators' PJSIP accounts as the database holds them: a new password, the enabled accounts."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.operators.models import Operator
from dialer.softphones.pjsip_conf import SoftphoneAccount

log = logging.getLogger(__name__)


def new_password() -> str:
    """A strong SIP password: 18 random bytes, URL-safe base64 (24 characters, ~144 bits)."""
    return secrets.token_urlsafe(18)


async def enabled_accounts(session: AsyncSession) -> list[SoftphoneAccount]:
    """One account per enabled (``active``) operator; a disabled one has no endpoint at all."""
    rows = await session.scalars(select(Operator).where(Operator.active.is_(True)).order_by(Operator.id))
    accounts = []
    for operator in rows:
        if not operator.sip_password:  # only by hand in the database: every path sets one
            log.warning(
                "operator %s has no SIP password: endpoint %s left out", operator.id, operator.sip_endpoint
            )
            continue
        accounts.append(SoftphoneAccount(operator.sip_endpoint, operator.name, operator.sip_password))
    return accounts
