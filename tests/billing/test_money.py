"""Rounding exact amounts to minor units: the one place every amount is rounded."""

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.money import Rounding, minor_unit, round_to_places, to_minor, zero


def test_minor_units_of_contract_currencies():
    assert [minor_unit(c) for c in ("RUB", "USD", "EUR", "KZT", "JPY", "KWD", "rub")] == [2, 2, 2, 2, 0, 3, 2]
    with pytest.raises(ValueError, match="unknown currency 'XXX'"):
        minor_unit("XXX")


def test_hand_computed_roundings():
    assert to_minor(Fraction(7, 60), "RUB") == Decimal("0.12")
    assert str(to_minor(Decimal("2.625"), "RUB")) == "2.63"
    assert str(to_minor(Decimal("2.625"), "RUB", Rounding.HALF_EVEN)) == "2.62"
    assert str(to_minor(Decimal("-2.625"), "RUB")) == "-2.63"  # half away from zero
    assert str(to_minor(Decimal("1234.5"), "JPY")) == "1235"
    assert str(to_minor(Decimal("1.0005"), "KWD")) == "1.001"
    assert str(to_minor(Fraction(1, 3), "RUB", Rounding.UP)) == "0.34"
    assert str(to_minor(Fraction(-1, 3), "RUB", Rounding.FLOOR)) == "-0.34"
    assert str(zero("RUB")) == "0.00"
    assert str(zero("JPY")) == "0"


def test_float_is_refused():
    with pytest.raises(TypeError, match="float"):
        to_minor(0.1, "RUB")  # type: ignore[arg-type]


@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=6),
    st.sampled_from(list(Rounding)),
    st.integers(min_value=0, max_value=4),
)
def test_agrees_with_decimal_quantize(value, rounding, places):
    with localcontext() as ctx:
        ctx.prec = 60
        expected = value.quantize(Decimal(1).scaleb(-places), rounding=rounding.value)
    got = round_to_places(value, places, rounding)
    assert got == expected
    assert got.as_tuple().exponent == -places


@given(st.fractions(min_value=-(10**9), max_value=10**9))
def test_half_up_is_within_half_a_minor_unit(value):
    rounded = to_minor(value, "RUB")
    assert abs(Fraction(rounded) - value) <= Fraction(1, 200)
    assert abs(rounded) == to_minor(abs(value), "RUB")  # symmetric: half away from zero
