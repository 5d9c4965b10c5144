"""Contacts of a campaign's base, do-not-call entries, and the record of every import."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, Text, false, func, text
from sqlalchemy.orm import Mapped, mapped_column

from dialer.contacts.statuses import ContactStatus as ContactStatus
from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime, enum_values


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        Index("uq_contacts_campaign_phone", "campaign_id", "phone", unique=True),
        # Also serves (campaign, status) alone: a separate index on those cost every write (0020).
        Index("ix_contacts_campaign_due", "campaign_id", "status", "next_attempt_at"),
        # Only leased contacts, the only ones looked up by owner: an import adds nothing here (0020).
        Index(
            "ix_contacts_lease_owner",
            "lease_owner",
            postgresql_where=text("lease_owner IS NOT NULL"),
            sqlite_where=text("lease_owner IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(16))
    # An office extension written after the number (``доб. 123``): digits, sent as DTMF after answer.
    extension: Mapped[str] = mapped_column(String(16), default="", server_default="")
    extra_phones: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    name: Mapped[str] = mapped_column(String(300), default="")
    company: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    status: Mapped[ContactStatus] = mapped_column(
        Enum(ContactStatus, native_enum=False, length=20, values_callable=enum_values),
        default=ContactStatus.NEW,
    )
    on_dnc: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # When the contact was due before a lease pushed it to the next opening of the calling hours
    # (dialer.calls.leasing); a change of the hours puts it back (dialer.contacts.parking).
    parked_due: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="SET NULL"), nullable=True
    )
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    # Consent to advertising calls (profiles that require it lease only consenting contacts).
    consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The lease (dialer.calls.leasing): who is dialing this contact now, and until when.
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # A callback the operator asked to take themselves.
    callback_operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL"), nullable=True
    )


class DncEntry(Base):
    """A number never to be dialed: for every client (``client_id`` empty) or for one client."""

    __tablename__ = "dnc_entries"
    __table_args__ = (Index("ix_dnc_entries_phone", "phone"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), nullable=True, index=True
    )
    phone: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class ImportKind(enum.StrEnum):
    CONTACTS = "contacts"
    DNC = "dnc"


class ImportStatus(enum.StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportJob(Base):
    """One uploaded file and its report: what was read, kept, skipped and refused, and why."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(
        Enum(ImportKind, native_enum=False, length=20, values_callable=enum_values)
    )
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=True, index=True
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), nullable=True, index=True
    )
    filename: Mapped[str] = mapped_column(String(500))
    sheet: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the XLSX sheet read
    status: Mapped[ImportStatus] = mapped_column(
        Enum(ImportStatus, native_enum=False, length=20, values_callable=enum_values),
        default=ImportStatus.RUNNING,
    )
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    on_dnc: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
