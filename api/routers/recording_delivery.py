"""Where a client's daily pack of recordings goes (``PUT /clients/{id}/recording-delivery``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.recording_delivery import DeliveryOut
from dialer.auth.permissions import Permission
from dialer.call_recordings import delivery
from dialer.call_recordings.delivery import DeliveryIn
from dialer.db.bounds import IntId


async def may_write_clients(principal: PrincipalDep) -> None:
    """The role is checked before the body, so a refused caller gets 403 rather than 422."""
    principal.require(Permission.CLIENTS_WRITE)


router = APIRouter(
    prefix="/clients", tags=["recordings"], dependencies=[Depends(get_principal)], responses=ERROR_RESPONSES
)


@router.get("/{client_id}/recording-delivery", response_model=DeliveryOut)
async def get_delivery(client_id: IntId, session: SessionDep, principal: PrincipalDep) -> DeliveryOut:
    """The client's delivery target; the secret access key is never shown (``secret_set`` only)."""
    return DeliveryOut.of(await delivery.get_delivery(session, principal, client_id))


@router.put(
    "/{client_id}/recording-delivery", response_model=DeliveryOut, dependencies=[Depends(may_write_clients)]
)
async def put_delivery(
    client_id: IntId, body: DeliveryIn, session: SessionDep, principal: PrincipalDep
) -> DeliveryOut:
    """Set the folder, or the S3 bucket, prefix, endpoint, region and credentials (the secret is
    write-only; omit it to keep the current one). The daily job uploads each day's pack there."""
    return DeliveryOut.of(await delivery.put_delivery(session, principal, client_id, body))


@router.delete("/{client_id}/recording-delivery", status_code=status.HTTP_204_NO_CONTENT)
async def delete_delivery(client_id: IntId, session: SessionDep, principal: PrincipalDep) -> Response:
    """No more daily packs for this client."""
    await delivery.delete_delivery(session, principal, client_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
