"""Recordings as the QA search shows them, and what export, link and delete take and give."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dialer.call_recordings.exporting import DEFAULT_MAX_FILES
from dialer.call_recordings.search import RecordingFilter
from dialer.call_recordings.sharing import MAX_LINK_LIFETIME
from dialer.dates import Moment
from dialer.db.bounds import BigIntId, IntId


class RecordingOut(BaseModel):
    call_id: int
    call_uid: str
    started_at: datetime = Field(description="when the call was placed")
    campaign_id: int
    campaign: str
    client_id: int
    operator_id: int | None
    operator: str | None
    phone: str
    disposition: str | None
    talk_seconds: float | None
    billable_seconds: int | None = Field(
        description="whole talk seconds as billed (a started second counts), what min_seconds, "
        "max_seconds and the duration sort use"
    )
    recording_seconds: float | None = Field(description="the file's duration, as filed")
    recording_format: str | None
    recording_sha256: str | None = Field(description="SHA-256 of the file as filed")
    recording_bytes: int | None = Field(description="the file's size; null when it is missing from storage")
    audio_url: str = Field(description="play in the browser (supports Range for seeking)")
    download_url: str


class FilterBody(BaseModel):
    """The search's filters, for an export."""

    model_config = ConfigDict(extra="forbid")

    campaign_id: IntId | None = None
    client_id: IntId | None = None
    operator_id: IntId | None = None
    since: Moment | None = Field(None, description="placed at or after")
    until: Moment | None = Field(None, description="placed before")
    disposition: str | None = Field(None, max_length=50)
    min_seconds: float | None = Field(None, ge=0, description="talk time at least")
    max_seconds: float | None = Field(None, ge=0, description="talk time at most")
    phone: str | None = Field(None, max_length=50)
    call_id: BigIntId | None = None

    def to_filter(self) -> RecordingFilter:
        return RecordingFilter(**self.model_dump())


class ExportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filters: FilterBody | None = Field(None, description="the recordings the search would find")
    call_ids: list[BigIntId] | None = Field(None, max_length=100_000, description="or exactly these calls")
    max_files: int = Field(DEFAULT_MAX_FILES, ge=1, le=100_000, description="refuse a larger selection")


class LinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_s: int = Field(
        24 * 3600, ge=1, le=int(MAX_LINK_LIFETIME.total_seconds()), description="up to seven days"
    )


class LinkOut(BaseModel):
    url: str = Field(description="works without signing in until it expires; every use is audited")
    token: str
    expires_at: datetime


class DeletedOut(BaseModel):
    call_id: int
    file_removed: bool = Field(description="false when the file was already missing from storage")
