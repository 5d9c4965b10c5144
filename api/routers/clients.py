"""Clients (the companies whose customers are called) and their contracts' terms."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.clients import ClientOut, ContractOut
from api.schemas.hotleads import CrmSettingsOut
from dialer.clients import service
from dialer.clients.models import Client, Contract
from dialer.clients.schemas import ClientCreate, ClientUpdate, ContractTerms
from dialer.db.bounds import IntId
from dialer.hotleads import crm
from dialer.hotleads.crm import CrmSettingsIn

router = APIRouter(
    prefix="/clients", tags=["clients"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("", response_model=list[ClientOut])
async def list_clients(session: SessionDep, principal: PrincipalDep) -> list[Client]:
    """Every client, or for a client's controller only its own."""
    return await service.list_clients(session, principal)


@router.post("", response_model=ClientOut, status_code=status.HTTP_201_CREATED)
async def create_client(body: ClientCreate, session: SessionDep, principal: PrincipalDep) -> Client:
    return await service.create_client(session, principal, body)


@router.get("/{client_id}", response_model=ClientOut)
async def get_client(client_id: IntId, session: SessionDep, principal: PrincipalDep) -> Client:
    return await service.get_client(session, principal, client_id)


@router.patch("/{client_id}", response_model=ClientOut)
async def update_client(
    client_id: IntId, body: ClientUpdate, session: SessionDep, principal: PrincipalDep
) -> Client:
    return await service.update_client(session, principal, client_id, body)


@router.delete("/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_client(client_id: IntId, session: SessionDep, principal: PrincipalDep) -> None:
    """Delete a client that has no contracts left."""
    await service.delete_client(session, principal, client_id)


@router.get("/{client_id}/contracts", response_model=list[ContractOut], tags=["contracts"])
async def list_contracts(client_id: IntId, session: SessionDep, principal: PrincipalDep) -> list[Contract]:
    return await service.list_contracts(session, principal, client_id)


@router.post(
    "/{client_id}/contracts",
    response_model=ContractOut,
    status_code=status.HTTP_201_CREATED,
    tags=["contracts"],
)
async def create_contract(
    client_id: IntId, body: ContractTerms, session: SessionDep, principal: PrincipalDep
) -> Contract:
    """Record a contract's terms; amounts are exact decimals, best sent as strings ("1.005")."""
    return await service.create_contract(session, principal, client_id, body)


@router.get("/{client_id}/crm", response_model=CrmSettingsOut, tags=["hot leads"])
async def get_crm_settings(client_id: IntId, session: SessionDep, principal: PrincipalDep) -> CrmSettingsOut:
    """Where the client's hot leads go; the signing secret is never shown (``secret_set`` only)."""
    return CrmSettingsOut.of(await crm.get_crm(session, principal, client_id))


@router.put("/{client_id}/crm", response_model=CrmSettingsOut, tags=["hot leads"])
async def put_crm_settings(
    client_id: IntId, body: CrmSettingsIn, session: SessionDep, principal: PrincipalDep
) -> CrmSettingsOut:
    """Set the CRM webhook, its signing secret (write-only; omit to keep it), the manager's e-mail and
    the handoff deadline in minutes."""
    return CrmSettingsOut.of(await crm.put_crm(session, principal, client_id, body))
