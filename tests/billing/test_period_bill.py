"""A period's bill: lines, the setup fee in the first period only, VAT on the total."""

from datetime import date
from decimal import Decimal

import pytest

from dialer.billing.period_bill import BillLine, assemble_bill, is_first_period, setup_fee_due
from dialer.billing.periods import monthly_periods
from dialer.billing.talk_time import TalkTariff, TalkTotal, charge_call, per_n_seconds
from dialer.billing.vat import VatMode

D = Decimal


def test_setup_fee_only_in_the_first_period():
    october, november = monthly_periods(2026, 10, 2)
    start = date(2026, 10, 14)
    assert (is_first_period(october, start), is_first_period(november, start)) == (True, False)
    assert (setup_fee_due(D("15000.00"), october, start), setup_fee_due(D("15000.00"), november, start)) == (
        D("15000.00"),
        D(0),
    )


def test_bill_with_setup_fee_and_vat_included():
    lines = [BillLine("talk time", D("48210.35")), BillLine("hot leads", D("12000.00"))]
    first = assemble_bill(lines, setup_fee=D("15000"), first_period=True, vat_rate=D("0.22"))
    assert [line.description for line in first.lines] == ["talk time", "hot leads", "setup fee"]
    assert str(first.subtotal) == "75210.35"
    # 75210.35 * 0.22 / 1.22 = 13562.5221.. -> 13562.52
    assert (str(first.vat.net), str(first.vat.vat), str(first.total)) == ("61647.83", "13562.52", "75210.35")
    later = assemble_bill(
        lines, setup_fee=D("15000"), first_period=False, vat_rate=D("0.2"), vat_mode=VatMode.ADDED
    )
    assert (str(later.subtotal), str(later.vat.vat), str(later.total)) == ("60210.35", "12042.07", "72252.42")


def test_lines_must_be_whole_kopecks():
    with pytest.raises(ValueError, match="talk time"):
        assemble_bill([BillLine("talk time", D("1.005"))])


def test_a_month_of_calls_agrees_from_rows_to_the_act():
    # Per 30 s after a 60 s minimum, calls under 5 s free, 4.80 a minute, 22 % VAT included.
    tariff = TalkTariff(D("4.80"), per_n_seconds(30, minimum=60, free_under=5))
    talks = [0, 4, 5, 59, 60, 61, 89, 90, 91, 3599]
    rows = [charge_call(talk, tariff) for talk in talks]
    assert [str(r.amount) for r in rows] == [
        "0.00", "0.00", "4.80", "4.80", "4.80", "7.20", "7.20", "7.20", "9.60", "288.00",
    ]  # fmt: skip
    streamed = TalkTotal.empty("RUB")
    for row in rows:  # as an export folds its rows while it writes them
        streamed = streamed.add(row)
    assert str(streamed.amount) == "333.60"
    bill = assemble_bill([BillLine("talk time", streamed.amount)], vat_rate=D("0.22"))
    assert (str(bill.subtotal), str(bill.vat.vat), str(bill.vat.net)) == ("333.60", "60.16", "273.44")
