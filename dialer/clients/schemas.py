"""The rules a client and a contract's terms must follow."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_serializer, model_validator

from dialer.billing.currencies import check_currency
from dialer.billing.money import Rounding
from dialer.billing.seat_time import SeatCount
from dialer.billing.vat import VatMode
from dialer.clients.models import ContactCounting, PricingModel, VolumeScope
from dialer.dates import Day


def _region(value: str) -> str:
    value = value.upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{value!r} is not an ISO 3166 country code known to the phone number rules")
    return value


Country = Annotated[str, Field(min_length=2, max_length=2, examples=["RU"]), AfterValidator(_region)]
Currency = Annotated[
    str,
    Field(pattern=r"^[A-Z]{3}$", examples=["RUB"], description="active ISO 4217 code"),
    AfterValidator(check_currency),
]
Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=20, decimal_places=6, description='exact decimal, sent as a string: "1.005"'),
]
Fraction = Annotated[Decimal, Field(ge=0, le=1, max_digits=8, decimal_places=6, description="0.2 for 20%")]


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Moscow") from None
    return value


def _plain(value: Decimal) -> str:
    """``0.80`` as ``"0.8"``, ``1.0`` as ``"1"``: how a threshold is stored."""
    return format(value.normalize(), "f")


TimeZone = Annotated[
    str, Field(min_length=1, max_length=64, examples=["Europe/Moscow"]), AfterValidator(_zone)
]
TalkIncrement = Annotated[
    Literal[1, 6, 30, 60], Field(description="per-call rounding: per second, 6 s, 30 s or started minute")
]
Seconds = Annotated[int, Field(ge=0, le=3600)]
DispositionKey = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_]+$")]
Threshold = Annotated[Decimal, Field(gt=0, le=10, max_digits=8, decimal_places=4, description="0.8 for 80%")]


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    country: Country = "RU"


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    country: Country | None = None


class ContractTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=1, max_length=100, description="the contract's number on paper")
    pricing_model: PricingModel
    currency: Currency = "RUB"
    rate: Amount = Field(Decimal(0), description="price per unit of the pricing model, before VAT")
    setup_fee: Amount = Decimal(0)
    vat_rate: Fraction | None = None
    volume_committed: Amount | None = Field(
        None,
        description="units committed (minutes, contacts or seat-hours by pricing model) per volume_scope",
    )
    period_start: Day
    period_end: Day | None = None
    recording_retention_days: int | None = Field(
        None, ge=1, le=36500, description="days call recordings are kept after the call; null: for ever"
    )
    # Billing terms (dialer.metering): how the month is measured, priced and watched.
    billing_timezone: TimeZone = "UTC"
    talk_increment_s: TalkIncrement = 1
    talk_minimum_s: Seconds = Field(0, description="a billed call counts at least this many seconds")
    talk_free_under_s: Seconds = Field(0, description="calls shorter than this are free")
    vat_mode: VatMode = Field(VatMode.INCLUDED, description="with no vat_rate there is no VAT")
    money_rounding: Rounding = Rounding.HALF_UP
    contact_prices: dict[DispositionKey, Amount] = Field(
        default_factory=dict, description="price per processed contact by disposition code (else rate)"
    )
    contacts_counted: ContactCounting = ContactCounting.FINAL
    seat_count: SeatCount = Field(SeatCount.MAX_CONCURRENT, description="how per_seat_month counts the seats")
    seat_pauses_paid: bool = Field(True, description="whether paused time counts as seat time")
    plan_hours: Amount | None = Field(None, description="hourly_plan: the hours the block price buys")
    plan_price: Amount | None = Field(
        None, description="hourly_plan: the block's price (beyond it: rate per hour)"
    )
    volume_scope: VolumeScope = VolumeScope.MONTH
    alert_thresholds: list[Threshold] = Field(
        default_factory=lambda: [Decimal("0.8"), Decimal("1")],
        max_length=10,
        description="fractions of volume_committed that raise an alert once crossed",
    )
    stop_campaigns_when_used_up: bool = False

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.period_end is not None and self.period_end < self.period_start:
            raise ValueError(f"period_end: {self.period_end} is before period_start {self.period_start}")
        if self.pricing_model is PricingModel.HOURLY_PLAN and (
            self.plan_hours is None or self.plan_price is None
        ):
            raise ValueError("plan_hours, plan_price: an hourly plan needs both")
        if self.vat_mode is VatMode.NONE and self.vat_rate:
            raise ValueError(f"vat_rate: {self.vat_rate} given but vat_mode is none")
        if len(set(self.alert_thresholds)) != len(self.alert_thresholds):
            raise ValueError("alert_thresholds: each threshold once")
        if self.stop_campaigns_when_used_up and self.volume_committed is None:
            raise ValueError("stop_campaigns_when_used_up: needs volume_committed")
        return self

    @field_serializer("contact_prices")
    def _prices(self, prices: dict[str, Decimal]) -> dict[str, str]:
        return {code: str(price) for code, price in prices.items()}

    @field_serializer("alert_thresholds")
    def _thresholds(self, thresholds: list[Decimal]) -> list[str]:
        return [_plain(t) for t in sorted(thresholds)]


class ContractUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str | None = Field(None, min_length=1, max_length=100)
    pricing_model: PricingModel | None = None
    currency: Currency | None = None
    rate: Amount | None = None
    setup_fee: Amount | None = None
    vat_rate: Fraction | None = None
    volume_committed: Amount | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    recording_retention_days: int | None = Field(None, ge=1, le=36500)
    billing_timezone: TimeZone | None = None
    talk_increment_s: TalkIncrement | None = None
    talk_minimum_s: Seconds | None = None
    talk_free_under_s: Seconds | None = None
    vat_mode: VatMode | None = None
    money_rounding: Rounding | None = None
    contact_prices: dict[DispositionKey, Amount] | None = None
    contacts_counted: ContactCounting | None = None
    seat_count: SeatCount | None = None
    seat_pauses_paid: bool | None = None
    plan_hours: Amount | None = None
    plan_price: Amount | None = None
    volume_scope: VolumeScope | None = None
    alert_thresholds: list[Threshold] | None = Field(None, max_length=10)
    stop_campaigns_when_used_up: bool | None = None
