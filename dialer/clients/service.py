"""Clients and their contracts: who may see and change them, and the rules that keep them whole."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.clients import repository
from dialer.clients.models import Client, Contract
from dialer.clients.schemas import ClientCreate, ClientUpdate, ContractTerms, ContractUpdate
from dialer.errors import Conflict, InvalidInput, NotFound, from_validation

_NOT_EMPTIED = tuple(
    name
    for name, info in ContractTerms.model_fields.items()
    if info.is_required() or info.default is not None
)
"""Terms a PATCH may change but not empty: every one but those whose default is empty (``None``)."""


async def list_clients(session: AsyncSession, principal: Principal) -> list[Client]:
    principal.require(Permission.CLIENTS_READ)
    return list(await session.scalars(repository.clients_visible(principal).order_by(Client.id)))


async def get_client(session: AsyncSession, principal: Principal, client_id: int) -> Client:
    principal.require(Permission.CLIENTS_READ)
    query = repository.clients_visible(principal).where(Client.id == client_id)
    client = await session.scalar(query)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    return client


async def create_client(session: AsyncSession, principal: Principal, data: ClientCreate) -> Client:
    principal.require(Permission.CLIENTS_WRITE)
    if await repository.name_taken(session, data.name):
        raise Conflict(f"a client named {data.name!r} already exists")
    client = Client(name=data.name, country=data.country)
    session.add(client)
    await session.flush()
    await session.refresh(client)
    return client


async def update_client(
    session: AsyncSession, principal: Principal, client_id: int, data: ClientUpdate
) -> Client:
    principal.require(Permission.CLIENTS_WRITE)
    client = await get_client(session, principal, client_id)
    if data.name is not None and await repository.name_taken(session, data.name, other_than=client.id):
        raise Conflict(f"a client named {data.name!r} already exists")
    for field, value in data.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(client, field, value)
    await session.flush()
    return client


async def delete_client(session: AsyncSession, principal: Principal, client_id: int) -> None:
    principal.require(Permission.CLIENTS_WRITE)
    client = await get_client(session, principal, client_id)
    contracts = await repository.count_contracts(session, client.id)
    if contracts:
        raise Conflict(f"client {client_id} has {contracts} contract(s); delete them first")
    await session.delete(client)
    await session.flush()


async def list_contracts(session: AsyncSession, principal: Principal, client_id: int) -> list[Contract]:
    principal.require(Permission.CONTRACTS_READ)
    client = await get_client(session, principal, client_id)
    query = repository.contracts_visible(principal).where(Contract.client_id == client.id)
    return list(await session.scalars(query.order_by(Contract.id)))


async def get_contract(session: AsyncSession, principal: Principal, contract_id: int) -> Contract:
    principal.require(Permission.CONTRACTS_READ)
    query = repository.contracts_visible(principal).where(Contract.id == contract_id)
    contract = await session.scalar(query)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    return contract


async def create_contract(
    session: AsyncSession, principal: Principal, client_id: int, data: ContractTerms
) -> Contract:
    principal.require(Permission.CONTRACTS_WRITE)
    client = await get_client(session, principal, client_id)
    if await repository.contract_number_taken(session, client.id, data.number):
        raise Conflict(f"client {client.id} already has a contract numbered {data.number!r}")
    contract = Contract(client_id=client.id, **data.model_dump())
    session.add(contract)
    await session.flush()
    await session.refresh(contract)
    return contract


async def update_contract(
    session: AsyncSession, principal: Principal, contract_id: int, data: ContractUpdate
) -> Contract:
    principal.require(Permission.CONTRACTS_WRITE)
    contract = await get_contract(session, principal, contract_id)
    changes = data.model_dump(exclude_unset=True)
    for required in _NOT_EMPTIED:
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required}: may be changed but not emptied")
    try:
        merged = ContractTerms.model_validate(
            {field: getattr(contract, field) for field in ContractTerms.model_fields} | changes
        )
    except ValidationError as exc:
        raise from_validation(exc) from None
    if merged.number != contract.number and await repository.contract_number_taken(
        session, contract.client_id, merged.number, other_than=contract.id
    ):
        raise Conflict(f"client {contract.client_id} already has a contract numbered {merged.number!r}")
    for field, value in merged.model_dump().items():
        setattr(contract, field, value)
    await session.flush()
    return contract


async def delete_contract(session: AsyncSession, principal: Principal, contract_id: int) -> None:
    principal.require(Permission.CONTRACTS_WRITE)
    contract = await get_contract(session, principal, contract_id)
    campaigns = await repository.count_campaigns(session, contract.id)
    if campaigns:
        raise Conflict(f"contract {contract_id} has {campaigns} campaign(s); delete them first")
    await session.delete(contract)
    await session.flush()


async def dnc_list_for(
    session: AsyncSession, principal: Principal, client_id: int | None, *, write: bool = False
) -> int | None:
    """Which do-not-call list the caller means: the global one (None) or a client's it may see.

    A client's controller has only its client's list, which is also what it gets when it names none.
    """
    principal.require(Permission.DNC_WRITE if write else Permission.DNC_READ)
    if client_id is None:
        return principal.client_id if principal.client_scoped else None
    client = await get_client(session, principal, client_id)
    return client.id
