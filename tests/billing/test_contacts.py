"""Per processed contact: a price per contact, per disposition, and only counting dispositions."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.billing.contacts import ContactTariff, charge_contacts


def test_flat_price_per_counting_contact():
    tariff = ContactTariff(frozenset({"interested", "not_interested", "hot_lead"}), price=Decimal("45.00"))
    bill = charge_contacts(["interested", "hot_lead", "no_answer", "not_interested", "wrong_number"], tariff)
    assert (bill.contacts, bill.not_counted, str(bill.amount)) == (3, 2, "135.00")


def test_pay_per_result_prices_each_result():
    tariff = ContactTariff(
        frozenset({"hot_lead", "meeting"}),
        by_disposition={"hot_lead": Decimal("500"), "meeting": Decimal("1200.005")},
    )
    bill = charge_contacts(["meeting", "hot_lead", "not_interested", "meeting", "callback"], tariff)
    lines = [(line.disposition, line.contacts, str(line.unit_price), str(line.amount)) for line in bill.lines]
    assert lines == [
        ("hot_lead", 1, "500.00", "500.00"),
        ("meeting", 2, "1200.01", "2400.02"),  # each contact's row is 1200.01; the line is their sum
    ]
    assert str(bill.amount) == "2900.02"
    assert bill.not_counted == 2


def test_default_price_with_overrides():
    tariff = ContactTariff(frozenset({"a", "b"}), price=Decimal("10"), by_disposition={"b": Decimal("25")})
    assert str(charge_contacts(["a", "b", "b"], tariff).amount) == "60.00"


def test_counting_disposition_without_a_price_is_refused():
    with pytest.raises(ValueError, match="without a price: meeting"):
        ContactTariff(frozenset({"hot_lead", "meeting"}), by_disposition={"hot_lead": Decimal("1")})


def test_nothing_counted_is_zero_in_the_currency():
    tariff = ContactTariff(frozenset({"x"}), price=Decimal("1"), currency="JPY")
    assert str(charge_contacts([], tariff).amount) == "0"


codes = st.sampled_from(["hot_lead", "meeting", "interested", "refused", "no_answer"])


@given(
    st.lists(codes, max_size=80),
    st.dictionaries(codes, st.decimals(min_value=0, max_value=10_000, places=3), min_size=1),
)
def test_lines_equal_per_contact_rows(dispositions, prices):
    tariff = ContactTariff(frozenset(prices), by_disposition=prices)
    bill = charge_contacts(dispositions, tariff)
    rows = [tariff.row_price(d) for d in dispositions]
    assert bill.amount == sum((r for r in rows if r is not None), Decimal(0))
    assert bill.contacts == sum(1 for r in rows if r is not None)
    assert bill.contacts + bill.not_counted == len(dispositions)
