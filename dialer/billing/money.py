"""Money: currencies' minor units and exact rounding of any exact amount to them.

Every amount the billing computes is exact until it is rounded once, here, to the currency's minor
unit (kopecks, cents; yen have none). Inputs are ``Decimal``, ``Fraction`` or ``int``, never float:
a per-second call at a per-minute rate is ``seconds * rate / 60``, which a ``Fraction`` holds exactly
where a ``Decimal`` would already have rounded.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from fractions import Fraction

from dialer.billing.currencies import MINOR_UNITS

Exact = Decimal | Fraction | int
"""An exact number. ``float`` is not one and is refused."""


class Rounding(enum.StrEnum):
    """How an exact amount becomes a whole number of minor units; values are ``decimal``'s names."""

    HALF_UP = "ROUND_HALF_UP"
    """Half a kopeck and more goes away from zero: the Russian accounting default."""
    HALF_EVEN = "ROUND_HALF_EVEN"
    HALF_DOWN = "ROUND_HALF_DOWN"
    UP = "ROUND_UP"
    """Away from zero."""
    DOWN = "ROUND_DOWN"
    """Toward zero."""
    CEILING = "ROUND_CEILING"
    FLOOR = "ROUND_FLOOR"


def minor_unit(currency: str) -> int:
    """Digits after the point in ``currency`` (ISO 4217 code): 2 for RUB, 0 for JPY, 3 for KWD."""
    try:
        return MINOR_UNITS[currency.upper()]
    except KeyError:
        raise ValueError(f"unknown currency {currency!r}: not an active ISO 4217 code") from None


def exact(value: Exact) -> Fraction:
    """``value`` as a Fraction, refusing float and non-finite decimals."""
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int):
        raise TypeError(f"money must be Decimal, Fraction or int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"money must be finite, not {value}")
    return Fraction(value)


def round_to_places(value: Exact, places: int, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round exactly to ``places`` digits after the point; the result has exactly that exponent."""
    scaled = exact(value) * Fraction(10) ** places
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    remainder = Fraction(rest, magnitude.denominator)
    half = Fraction(1, 2)
    match rounding:
        case Rounding.HALF_UP:
            bump = remainder >= half
        case Rounding.HALF_DOWN:
            bump = remainder > half
        case Rounding.HALF_EVEN:
            bump = remainder > half or (remainder == half and whole % 2 == 1)
        case Rounding.UP:
            bump = remainder > 0
        case Rounding.DOWN:
            bump = False
        case Rounding.CEILING:
            bump = remainder > 0 and sign > 0
        case Rounding.FLOOR:
            bump = remainder > 0 and sign < 0
    units = sign * (whole + int(bump))
    return Decimal(units).scaleb(-places)


def to_minor(value: Exact, currency: str, rounding: Rounding = Rounding.HALF_UP) -> Decimal:
    """Round an exact amount to ``currency``'s minor unit: ``to_minor(Fraction(7, 60), "RUB")`` is 0.12."""
    return round_to_places(value, minor_unit(currency), rounding)


def zero(currency: str) -> Decimal:
    """Zero with ``currency``'s exponent (``0.00`` for RUB, ``0`` for JPY)."""
    return Decimal(0).scaleb(-minor_unit(currency))


def require_minor(amount: Decimal, currency: str, what: str = "amount") -> Decimal:
    """``amount`` at ``currency``'s exponent; refuses a value that is not a whole number of minor units."""
    rounded = to_minor(amount, currency)
    if rounded != amount:
        raise ValueError(f"{what} {amount} is not a whole number of {currency} minor units")
    return rounded
