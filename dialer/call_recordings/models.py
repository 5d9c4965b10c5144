"""Where a client's daily pack of recordings goes: a folder, or an S3-compatible bucket and prefix."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.sealed import SealedString
from dialer.db.types import UtcDateTime, enum_values


class DeliveryKind(enum.StrEnum):
    LOCAL = "local"
    S3 = "s3"


class ClientRecordingDelivery(Base):
    """One client's delivery target for the daily pack (``dialer.call_recordings.daily_pack``)."""

    __tablename__ = "client_recording_delivery"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[DeliveryKind] = mapped_column(
        Enum(DeliveryKind, native_enum=False, length=10, values_callable=enum_values)
    )
    folder: Mapped[str | None] = mapped_column(String(1000), nullable=True)  # local
    bucket: Mapped[str | None] = mapped_column(String(255), nullable=True)  # s3
    prefix: Mapped[str] = mapped_column(String(500), default="", server_default="")
    endpoint_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    region: Mapped[str] = mapped_column(String(50), default="us-east-1", server_default="us-east-1")
    access_key_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Sealed at rest (dialer.db.sealed), read back in clear to sign each upload; never returned by the
    # API nor logged.
    secret_access_key: Mapped[str | None] = mapped_column(SealedString(1000), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
