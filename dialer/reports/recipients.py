"""Where a client's reports go: read and set by people, read by the daily jobs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.clients import service as clients
from dialer.mail.outbox import check_addresses
from dialer.reports.models import ReportRecipients


class RecipientsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emails: list[str] = Field(default_factory=list, max_length=20, description="addresses the reports go to")
    daily_email: bool = Field(True, description="the daily campaign reports by e-mail")
    daily_webhook: bool = Field(False, description="the daily reports to the client's CRM webhook as well")
    monthly_email: bool = Field(True, description="the monthly contract reports by e-mail")

    @field_validator("emails")
    @classmethod
    def _addresses(cls, emails: list[str]) -> list[str]:
        try:
            return check_addresses(emails, "emails")
        except Exception as error:  # InvalidInput: pydantic wants a ValueError
            raise ValueError(str(error)) from None


def defaults(client_id: int) -> ReportRecipients:
    """A client that set nothing: no address, so nothing is mailed."""
    return ReportRecipients(
        client_id=client_id, emails=[], daily_email=True, daily_webhook=False, monthly_email=True
    )


async def get_recipients(session: AsyncSession, principal: Principal, client_id: int) -> ReportRecipients:
    principal.require(Permission.REPORTS_READ)
    await clients.get_client(session, principal, client_id)
    return await session.get(ReportRecipients, client_id) or defaults(client_id)


async def put_recipients(
    session: AsyncSession, principal: Principal, client_id: int, data: RecipientsIn, at: datetime
) -> ReportRecipients:
    principal.require(Permission.REPORTS_WRITE)
    await clients.get_client(session, principal, client_id)
    row = await session.get(ReportRecipients, client_id)
    if row is None:
        row = ReportRecipients(client_id=client_id)
        session.add(row)
    row.emails = data.emails
    row.daily_email, row.daily_webhook, row.monthly_email = (
        data.daily_email,
        data.daily_webhook,
        data.monthly_email,
    )
    row.updated_at = at
    await session.flush()
    return row
