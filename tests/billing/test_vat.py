"""VAT included in the price or added on top; amounts exact to the kopeck."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.vat import VatMode, apply_vat, exact_vat_included


@pytest.mark.parametrize(
    ("amount", "rate", "mode", "net", "vat", "gross"),
    [
        ("1000.00", "0.2", VatMode.ADDED, "1000.00", "200.00", "1200.00"),
        ("1200.00", "0.2", VatMode.INCLUDED, "1000.00", "200.00", "1200.00"),
        ("1000.00", "0.2", VatMode.INCLUDED, "833.33", "166.67", "1000.00"),  # 166.666..
        ("1000.00", "0.22", VatMode.INCLUDED, "819.67", "180.33", "1000.00"),  # 180.3278..
        ("1000.00", "0.22", VatMode.ADDED, "1000.00", "220.00", "1220.00"),
        ("0.05", "0.1", VatMode.ADDED, "0.05", "0.01", "0.06"),  # 0.005 rounds up
        ("999.99", None, VatMode.INCLUDED, "999.99", "0.00", "999.99"),
        ("999.99", "0.2", VatMode.NONE, "999.99", "0.00", "999.99"),
        ("1000", "0.1", VatMode.INCLUDED, "909", "91", "1000"),  # JPY below
    ],
)
def test_hand_computed(amount, rate, mode, net, vat, gross):
    currency = "JPY" if amount == "1000" else "RUB"
    result = apply_vat(Decimal(amount), Decimal(rate) if rate else None, mode, currency)
    assert (str(result.net), str(result.vat), str(result.gross)) == (net, vat, gross)


def test_amount_must_be_whole_minor_units_and_rate_a_fraction():
    with pytest.raises(ValueError, match="minor units"):
        apply_vat(Decimal("1.005"), Decimal("0.2"), VatMode.ADDED)
    with pytest.raises(ValueError, match="fraction"):
        apply_vat(Decimal("1.00"), Decimal("20"), VatMode.ADDED)


amounts = st.decimals(min_value=0, max_value=Decimal("1e10"), places=2)
vat_rates = st.sampled_from(["0", "0.05", "0.07", "0.1", "0.12", "0.18", "0.2", "0.22"]).map(Decimal)


@given(amounts, vat_rates, st.sampled_from(list(VatMode)))
def test_net_plus_vat_is_gross(amount, rate, mode):
    result = apply_vat(amount, rate, mode)
    assert result.net + result.vat == result.gross
    assert (result.gross if mode is VatMode.INCLUDED else result.net) == amount


@given(amounts, vat_rates)
def test_included_vat_is_the_nearest_kopeck(gross, rate):
    result = apply_vat(gross, rate, VatMode.INCLUDED)
    assert abs(Fraction(result.vat) - exact_vat_included(gross, rate)) <= Fraction(1, 200)


@given(amounts, vat_rates)
def test_added_then_included_gives_back_the_same_split(net, rate):
    added = apply_vat(net, rate, VatMode.ADDED)
    included = apply_vat(added.gross, rate, VatMode.INCLUDED)
    assert (included.net, included.vat, included.gross) == (added.net, added.vat, added.gross)
