"""Clients and contracts as the API shows them; money as exact decimal strings."""

from __future__ import annotations

from datetime import date, datetime

from api.schemas.common import DecimalStr, Out
from dialer.billing.money import Rounding
from dialer.billing.seat_time import SeatCount
from dialer.billing.vat import VatMode
from dialer.clients.models import ContactCounting, PricingModel, VolumeScope


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
    billing_timezone: str
    talk_increment_s: int
    talk_minimum_s: int
    talk_free_under_s: int
    vat_mode: VatMode
    money_rounding: Rounding
    contact_prices: dict[str, DecimalStr]
    contacts_counted: ContactCounting
    seat_count: SeatCount
    seat_pauses_paid: bool
    plan_hours: DecimalStr | None
    plan_price: DecimalStr | None
    volume_scope: VolumeScope
    alert_thresholds: list[DecimalStr]
    stop_campaigns_when_used_up: bool
    created_at: datetime
