"""The stored live events: one row per event, its id the stream's ``Last-Event-ID``.

``client_id`` and ``operator_id`` say who may see it (``dialer.live.feed``): a client's controller
the events of its client's campaigns, an operator their own; supervisors everything. Old rows are
pruned (``dialer.live.publish.KEEP``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dialer.db.base import Base
from dialer.db.types import BigId, JsonDocument, UtcDateTime


class LiveEvent(Base):
    __tablename__ = "live_events"
    __table_args__ = (Index("ix_live_events_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    client_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    operator_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
