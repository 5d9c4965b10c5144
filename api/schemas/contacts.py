"""Contacts, import reports and do-not-call entries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Out
from dialer.contacts.models import ContactStatus
from dialer.db.bounds import IntId


class ContactOut(Out):
    id: int
    campaign_id: int
    phone: str = Field(description="E.164")
    extension: str = Field(description="office extension dialed after answer (digits); empty if none")
    extra_phones: list[str] = Field(description="the row's other numbers, in the file's order (E.164)")
    name: str
    company: str
    timezone: str | None
    data: dict[str, Any] = Field(description="the file's other columns, for the operator's card")
    status: ContactStatus
    on_dnc: bool
    attempts: int
    last_outcome: str | None
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    source_row: int | None
    created_at: datetime


class RowProblemOut(BaseModel):
    row: int = Field(description="row number as the file shows it (the header is row 1)")
    column: str
    value: str
    reason: str


class ImportReportOut(BaseModel):
    job_id: int
    status: str
    rows_read: int
    imported: int
    duplicates: int
    on_dnc: int
    rejected: int
    problems: list[RowProblemOut] = Field(description="the first 1000 problems; problems_total counts all")
    problems_total: int
    error: str | None
    sheet: str | None = Field(description="the XLSX sheet read; null for CSV")


class DncEntryOut(Out):
    id: int
    client_id: int | None = Field(description="null for the global list")
    phone: str
    reason: str
    created_at: datetime


class DncEntryIn(BaseModel):
    phone: str = Field(min_length=1, max_length=64, examples=["8 (495) 150-22-22"])
    reason: str = Field("", max_length=200)
    client_id: IntId | None = Field(None, description="the client's list; leave out for the global list")
