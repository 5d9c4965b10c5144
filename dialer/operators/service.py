"""Operators of the centre: their records, logins and softphone endpoints.

Each operator gets a generated SIP password at creation; after a change is committed, the caller
has ``dialer.softphones.provisioning`` rewrite the PJSIP file and reload Asterisk.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.models import Role, User
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.errors import Conflict, InvalidInput, NotFound
from dialer.operators.models import Operator
from dialer.operators.schemas import OperatorCreate, OperatorUpdate
from dialer.softphones.accounts import new_password

UNIQUE_FIELDS = ("login", "sip_endpoint", "user_id")


async def list_operators(session: AsyncSession, principal: Principal) -> list[Operator]:
    principal.require(Permission.OPERATORS_READ)
    return list(await session.scalars(select(Operator).order_by(Operator.id)))


async def get_operator(session: AsyncSession, principal: Principal, operator_id: int) -> Operator:
    principal.require(Permission.OPERATORS_READ)
    operator = await session.get(Operator, operator_id)
    if operator is None:
        raise NotFound(f"operator {operator_id} not found")
    return operator


async def _check(session: AsyncSession, fields: dict[str, Any], other_than: int | None = None) -> None:
    """Login, endpoint and user account each belong to one operator; the account must be an operator's."""
    for field in UNIQUE_FIELDS:
        value = fields.get(field)
        if value is None:
            continue
        query = select(Operator.id).where(getattr(Operator, field) == value)
        if other_than is not None:
            query = query.where(Operator.id != other_than)
        holder = await session.scalar(query)
        if holder is not None:
            raise Conflict(f"{field}: {value!r} already belongs to operator {holder}")
    user_id = fields.get("user_id")
    if user_id is not None:
        user = await session.get(User, user_id)
        if user is None:
            raise InvalidInput(f"user_id: user {user_id} does not exist")
        if user.role is not Role.OPERATOR:
            raise InvalidInput(f"user_id: user {user_id} has role {user.role.value}, not operator")


async def create_operator(session: AsyncSession, principal: Principal, data: OperatorCreate) -> Operator:
    principal.require(Permission.OPERATORS_WRITE)
    fields = data.model_dump()
    await _check(session, fields)
    operator = Operator(**fields, sip_password=new_password())
    session.add(operator)
    await session.flush()
    await session.refresh(operator)
    return operator


async def update_operator(
    session: AsyncSession, principal: Principal, operator_id: int, data: OperatorUpdate
) -> Operator:
    principal.require(Permission.OPERATORS_WRITE)
    operator = await get_operator(session, principal, operator_id)
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field != "user_id":
            raise InvalidInput(f"{field}: may be changed but not emptied")
    await _check(session, changes, other_than=operator.id)
    for field, value in changes.items():
        setattr(operator, field, value)
    await session.flush()
    return operator


async def delete_operator(session: AsyncSession, principal: Principal, operator_id: int) -> None:
    principal.require(Permission.OPERATORS_WRITE)
    operator = await get_operator(session, principal, operator_id)
    await session.delete(operator)
    await session.flush()


async def reset_sip_password(session: AsyncSession, principal: Principal, operator_id: int) -> Operator:
    """A new SIP password for the operator's softphone (the old one stops working at the reload)."""
    principal.require(Permission.OPERATORS_WRITE)
    operator = await get_operator(session, principal, operator_id)
    operator.sip_password = new_password()
    await session.flush()
    return operator
