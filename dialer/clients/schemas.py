"""The rules a client and a contract's terms must follow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from dialer.clients.models import PricingModel


def _region(value: str) -> str:
    value = value.upper()
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"{value!r} is not an ISO 3166 country code known to the phone number rules")
    return value


Country = Annotated[str, Field(min_length=2, max_length=2, examples=["RU"]), AfterValidator(_region)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", examples=["RUB"], description="ISO 4217 code")]
Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=20, decimal_places=6, description='exact decimal, sent as a string: "1.005"'),
]
Fraction = Annotated[Decimal, Field(ge=0, le=1, max_digits=8, decimal_places=6, description="0.2 for 20%")]


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
    volume_committed: Amount | None = Field(None, description="units committed for the period")
    period_start: date
    period_end: date | None = None
    recording_retention_days: int | None = Field(
        None, ge=1, le=36500, description="days call recordings are kept after the call; null: for ever"
    )

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.period_end is not None and self.period_end < self.period_start:
            raise ValueError(f"period_end: {self.period_end} is before period_start {self.period_start}")
        return self


class ContractUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str | None = Field(None, min_length=1, max_length=100)
    pricing_model: PricingModel | None = None
    currency: Currency | None = None
    rate: Amount | None = None
    setup_fee: Amount | None = None
    vat_rate: Fraction | None = None
    volume_committed: Amount | None = None
    period_start: date | None = None
    period_end: date | None = None
    recording_retention_days: int | None = Field(None, ge=1, le=36500)
