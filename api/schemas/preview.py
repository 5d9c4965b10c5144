"""Preview click-to-call as the API shows it: the contact offered with its campaign's script, and
the dial request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Out
from dialer.contacts.models import ContactStatus
from dialer.preview.models import PreviewStatus


class PreviewContactOut(Out):
    id: int
    phone: str
    extension: str
    extra_phones: list[str]
    name: str
    company: str
    timezone: str | None
    data: dict[str, Any]
    status: ContactStatus
    attempts: int
    last_outcome: str | None
    last_attempt_at: datetime | None


class PreviewOfferOut(BaseModel):
    campaign_id: int
    campaign_name: str
    script: str
    filled_script: str = Field(description="the script with the contact's fields filled in")
    brief: dict[str, Any]
    contact: PreviewContactOut
    hold_until: datetime


class PreviewRequestOut(Out):
    id: int
    campaign_id: int
    operator_id: int
    contact_id: int
    status: PreviewStatus
    requested_at: datetime
    taken_at: datetime | None
    call_uid: str | None
    error: str | None


class PreviewSkipOut(BaseModel):
    contact_id: int
    contact_status: ContactStatus
