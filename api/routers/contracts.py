"""One contract's terms: read, change, delete (creation is under its client)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.clients import ContractOut
from dialer.clients import service
from dialer.clients.models import Contract
from dialer.clients.schemas import ContractUpdate
from dialer.db.bounds import IntId

router = APIRouter(
    prefix="/contracts", tags=["contracts"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("/{contract_id}", response_model=ContractOut)
async def get_contract(contract_id: IntId, session: SessionDep, principal: PrincipalDep) -> Contract:
    return await service.get_contract(session, principal, contract_id)


@router.patch("/{contract_id}", response_model=ContractOut)
async def update_contract(
    contract_id: IntId, body: ContractUpdate, session: SessionDep, principal: PrincipalDep
) -> Contract:
    return await service.update_contract(session, principal, contract_id, body)


@router.delete("/{contract_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_contract(contract_id: IntId, session: SessionDep, principal: PrincipalDep) -> None:
    """Delete a contract that has no campaigns."""
    await service.delete_contract(session, principal, contract_id)
