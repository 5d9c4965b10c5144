"""Preview click-to-call for an operator: the next contact (with the script), dial it, or skip it.

The dial request goes through the database to the engine, which may run in another process: the
call, its record and its disposition are then those of any other call (``GET /calls``,
``POST /calls/{id}/disposition``); the operator's session shows them on the call.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Response, status

from api.auth import PrincipalDep, get_principal
from api.deps import SessionDep
from api.errors import ERROR_RESPONSES
from api.schemas.preview import PreviewContactOut, PreviewOfferOut, PreviewRequestOut, PreviewSkipOut
from dialer.db.bounds import BigIntId, IntId
from dialer.desk.views import filled_script
from dialer.preview import service
from dialer.preview.models import PreviewRequest

router = APIRouter(
    prefix="/operators/{operator_id}/session/preview",
    tags=["operator sessions"],
    dependencies=[Depends(get_principal)],
    responses=ERROR_RESPONSES
    | {409: {"description": "The operator is not ready, or a preview call is still in progress"}},
)

NOTHING_DUE = "no contact of the operator's running preview campaigns may be dialed now"


def _now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "",
    response_model=PreviewOfferOut,
    responses={204: {"description": "Nothing eligible now (the X-Dialer-Reason header says so)"}},
)
async def next_contact(
    operator_id: IntId, session: SessionDep, principal: PrincipalDep, response: Response
) -> PreviewOfferOut | Response:
    """Lease the next eligible contact of the operator's logged-in preview campaigns to them (the one
    they hold already, if any): contact card, campaign script and brief, and until when it is held."""
    offer = await service.next_contact(session, principal, operator_id, _now())
    if offer is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"X-Dialer-Reason": NOTHING_DUE})
    campaign = offer.campaign
    return PreviewOfferOut(
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        script=campaign.script,
        filled_script=filled_script(campaign, offer.contact),
        brief=campaign.brief,
        contact=PreviewContactOut.model_validate(offer.contact),
        hold_until=offer.hold_until,
    )


@router.post("/{contact_id}/dial", response_model=PreviewRequestOut, status_code=status.HTTP_202_ACCEPTED)
async def dial(
    operator_id: IntId, contact_id: BigIntId, session: SessionDep, principal: PrincipalDep
) -> PreviewRequest:
    """Ask the engine to call the held contact and put the customer through to this operator (no
    answering-machine detection, no abandon: the operator is reserved for the call)."""
    return await service.request_dial(session, principal, operator_id, contact_id, _now())


@router.post("/{contact_id}/skip", response_model=PreviewSkipOut)
async def skip(
    operator_id: IntId, contact_id: BigIntId, session: SessionDep, principal: PrincipalDep
) -> PreviewSkipOut:
    """Give the held contact back, its attempts unchanged (a dial not taken yet is cancelled)."""
    contact = await service.skip(session, principal, operator_id, contact_id, _now())
    return PreviewSkipOut(contact_id=contact.id, contact_status=contact.status)
