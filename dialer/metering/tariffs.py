"""A contract's billing terms as ``dialer.billing``'s tariffs: the one place the columns are read.

Every price, rounding rule and counting rule the statement, the export and the reports apply comes
from here, so they cannot disagree on what a contract says.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo

from dialer.billing.contacts import ContactTariff
from dialer.billing.seat_pricing import HourlyPlan, SeatHourTariff
from dialer.billing.seat_time import WITH_PAUSES, WITHOUT_PAUSES
from dialer.billing.talk_time import TalkRounding, TalkTariff
from dialer.campaigns.models import DispositionCode, DispositionKind
from dialer.clients.models import ContactCounting, Contract, PricingModel

TALK_INCREMENTS: tuple[int, ...] = (1, 6, 30, 60)
"""Per-call rounding a contract may choose: per second, per 6 s, per 30 s, per started minute."""


class VolumeUnit(enum.StrEnum):
    """What a contract's committed volume counts."""

    MINUTES = "minutes"  # billable talk minutes
    CONTACTS = "contacts"  # processed contacts
    SEAT_HOURS = "seat_hours"  # counted operator time


def talk_tariff(contract: Contract) -> TalkTariff:
    """Rate per minute of billable talk, the per-call rounding (increment, minimum, free-under)."""
    rounding = TalkRounding(contract.talk_increment_s, contract.talk_minimum_s, contract.talk_free_under_s)
    return TalkTariff(contract.rate, rounding, contract.currency, contract.money_rounding)


def counts_as_processed(contract: Contract, disposition: DispositionCode) -> bool:
    """Whether a contact closed with ``disposition`` is a processed contact under this contract."""
    if contract.contacts_counted is ContactCounting.MARKED:
        return disposition.counts_as_processed
    return disposition.kind is DispositionKind.FINAL


def contact_tariff(contract: Contract, dispositions: Iterable[DispositionCode]) -> ContactTariff:
    """Per processed contact: ``rate`` by default, ``contact_prices`` per disposition code.

    ``dispositions`` are the codes of the contract's campaigns; a code counts when it counts in any
    of them (``counts_as_processed``). Metering counts each contact by its campaign's own code.
    """
    counting = frozenset(d.code for d in dispositions if counts_as_processed(contract, d))
    prices = {code: Decimal(str(price)) for code, price in (contract.contact_prices or {}).items()}
    return ContactTariff(counting, contract.rate, prices, contract.currency, contract.money_rounding)


def seat_hour_tariff(contract: Contract) -> SeatHourTariff:
    """Per seat-hour at ``rate``; each operator's month rounded up to the started minute."""
    return SeatHourTariff(contract.rate, contract.currency, money_rounding=contract.money_rounding)


def hourly_plan(contract: Contract) -> HourlyPlan:
    """The block of ``plan_hours`` for ``plan_price``, time beyond it at ``rate`` per hour."""
    return HourlyPlan(
        contract.plan_hours or Decimal(0),
        contract.plan_price or Decimal(0),
        contract.rate,
        contract.currency,
        money_rounding=contract.money_rounding,
    )


def seat_excluded_states(contract: Contract) -> frozenset[str]:
    """Operator states that do not count as seat time under this contract."""
    return WITH_PAUSES if contract.seat_pauses_paid else WITHOUT_PAUSES


def volume_unit(contract: Contract) -> VolumeUnit:
    """The unit of ``volume_committed``, following the pricing model."""
    match contract.pricing_model:
        case PricingModel.PER_TALK_MINUTE:
            return VolumeUnit.MINUTES
        case PricingModel.PER_PROCESSED_CONTACT:
            return VolumeUnit.CONTACTS
        case _:
            return VolumeUnit.SEAT_HOURS


def alert_thresholds(contract: Contract) -> tuple[Decimal, ...]:
    """The contract's alert thresholds as fractions of the volume, ascending and normalised."""
    return tuple(sorted({plain(Decimal(str(t))) for t in contract.alert_thresholds or ()}))


def plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and never in exponent form: 0.80 -> 0.8, 1.0 -> 1, 10 -> 10."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def billing_zone(contract: Contract) -> ZoneInfo:
    """The zone whose calendar months are the contract's billing periods."""
    return ZoneInfo(contract.billing_timezone)
