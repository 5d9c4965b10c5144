"""Clients and contracts as the API shows them; money as exact decimal strings."""

from __future__ import annotations

from datetime import date, datetime

from api.schemas.common import DecimalStr, Out
from dialer.clients.models import PricingModel


class ClientOut(Out):
    id: int
    name: str
    country: str
    created_at: datetime


class ContractOut(Out):
    id: int
    client_id: int
    number: str
    pricing_model: PricingModel
    currency: str
    rate: DecimalStr
    setup_fee: DecimalStr
    vat_rate: DecimalStr | None
    volume_committed: DecimalStr | None
    period_start: date
    period_end: date | None
    recording_retention_days: int | None
    created_at: datetime
