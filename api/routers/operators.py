"""Operators of the centre and the softphone endpoint each one uses."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.operators import OperatorOut
from dialer.db.bounds import IntId
from dialer.operators import service
from dialer.operators.models import Operator
from dialer.operators.schemas import OperatorCreate, OperatorUpdate

router = APIRouter(
    prefix="/operators", tags=["operators"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=list[OperatorOut])
async def list_operators(session: SessionDep, principal: PrincipalDep) -> list[Operator]:
    return await service.list_operators(session, principal)


@router.post("", response_model=OperatorOut, status_code=status.HTTP_201_CREATED)
async def create_operator(body: OperatorCreate, session: SessionDep, principal: PrincipalDep) -> Operator:
    return await service.create_operator(session, principal, body)


@router.get("/{operator_id}", response_model=OperatorOut)
async def get_operator(operator_id: IntId, session: SessionDep, principal: PrincipalDep) -> Operator:
    return await service.get_operator(session, principal, operator_id)


@router.patch("/{operator_id}", response_model=OperatorOut)
async def update_operator(
    operator_id: IntId, body: OperatorUpdate, session: SessionDep, principal: PrincipalDep
) -> Operator:
    return await service.update_operator(session, principal, operator_id, body)


@router.delete("/{operator_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_operator(operator_id: IntId, session: SessionDep, principal: PrincipalDep) -> None:
    await service.delete_operator(session, principal, operator_id)
