"""The checked-in ISO 4217 table: every active code with its minor unit, nothing one cannot bill in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dialer.billing.currencies import CURRENCIES, MINOR_UNITS, check_currency
from dialer.billing.money import minor_unit

SYSTEM_LIST = Path("/usr/share/iso-codes/json/iso_4217.json")  # Debian's iso-codes, when installed
NOT_MONEY = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}


def test_the_usual_currencies_and_their_minor_units():
    assert {code: MINOR_UNITS[code] for code in ("RUB", "USD", "EUR", "KZT", "JPY", "KWD", "CLF")} == {
        "RUB": 2, "USD": 2, "EUR": 2, "KZT": 2, "JPY": 0, "KWD": 3, "CLF": 4,
    }  # fmt: skip
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in CURRENCIES)
    assert set(MINOR_UNITS.values()) == {0, 2, 3, 4}


@pytest.mark.parametrize("code", ["ABC", "XXX", "XAU", "HRK", "rub", "RUR"])
def test_codes_that_are_not_active_money_are_refused(code):
    with pytest.raises(ValueError, match="not an active ISO 4217 currency code"):
        check_currency(code)
    if code != "rub":
        with pytest.raises(ValueError, match="unknown currency"):
            minor_unit(code)


def test_the_table_matches_the_system_iso_codes_list_but_for_the_documented_changes():
    if not SYSTEM_LIST.exists():
        pytest.skip("Debian's iso-codes is not installed here")
    listed = {entry["alpha_3"] for entry in json.loads(SYSTEM_LIST.read_text())["4217"]}
    assert listed - CURRENCIES <= NOT_MONEY | {"HRK"}
    assert CURRENCIES - listed <= {"ZWG", "XCG"}
