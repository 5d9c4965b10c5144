"""Row scoping: the WHERE clauses that keep each caller to the rows it may see.

A row outside the caller's scope is treated as absent (404), never as forbidden, so a controller
cannot learn that another client's campaign exists.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select, true

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.campaigns.models import Campaign
from dialer.operators.models import Operator, campaign_operators


def client_filter(principal: Principal, column: Any) -> ColumnElement[bool]:
    """Limit rows whose client is ``column`` to the caller's client when it has one."""
    if principal.client_scoped:
        if principal.client_id is None:
            return false()
        return column == principal.client_id  # type: ignore[no-any-return]
    return true()


def campaign_filter(principal: Principal) -> ColumnElement[bool]:
    """Campaigns the caller may see: its client's (controller), its assignments (operator), else all."""
    if principal.role is Role.OPERATOR:
        if principal.user_id is None:
            return false()
        assigned = (
            select(campaign_operators.c.campaign_id)
            .join(Operator, Operator.id == campaign_operators.c.operator_id)
            .where(Operator.user_id == principal.user_id)
        )
        return Campaign.id.in_(assigned)
    return client_filter(principal, Campaign.client_id)
