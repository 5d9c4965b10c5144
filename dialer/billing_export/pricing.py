"""Each call's charge and the export's totals, by the contract's talk tariff, for millions of rows.

A call's charge depends only on its talk seconds, and a month's calls have a few thousand distinct
lengths at most, so :class:`CallPricer` prices each length once with the pure
:func:`dialer.billing.talk_time.charge_call` and reuses it: the rows are exactly what ``charge_call``
says, at the cost of a dictionary lookup. The totals are folded from how many calls had each length
(:class:`TalkTally`), which is the sum of the rows, exactly: ``count * amount`` of a ``Decimal`` in
minor units is exact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from dialer.billing.talk_time import CallCharge, TalkTariff, TalkTotal, charge_call


class CallPricer:
    """``charge_call`` for one tariff, remembered per talk length."""

    def __init__(self, tariff: TalkTariff) -> None:
        self.tariff = tariff
        self._charges: dict[int, CallCharge] = {}

    def charge(self, talk_seconds: int) -> CallCharge:
        charge = self._charges.get(talk_seconds)
        if charge is None:
            charge = self._charges[talk_seconds] = charge_call(talk_seconds, self.tariff)
        return charge


class TalkTally:
    """How many calls had each talk length; its :meth:`total` is the sum of those calls' rows."""

    def __init__(self) -> None:
        self.calls_by_length: Counter[int] = Counter()

    def add(self, talk_seconds: int, calls: int = 1) -> None:
        self.calls_by_length[talk_seconds] += calls

    def add_all(self, lengths: Iterable[int]) -> None:
        self.calls_by_length.update(lengths)

    def total(self, pricer: CallPricer) -> TalkTotal:
        total = TalkTotal.empty(pricer.tariff.currency)
        calls = talk = seconds = units = 0
        amount = total.amount
        for length in sorted(self.calls_by_length):
            count = self.calls_by_length[length]
            charge = pricer.charge(length)
            calls += count
            talk += charge.talk_seconds * count
            seconds += charge.billable_seconds * count
            units += charge.billable_units * count
            amount += charge.amount * count
        return TalkTotal(calls, talk, seconds, units, amount)
