"""Property tests where the arithmetic meets the records: a statement's lines are the sums of its
calls' own charges under any terms, VAT splits the subtotal exactly, the setup fee is billed in the
first month only, and a statement survives its frozen JSON form value for value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dialer.billing.contacts import ContactTariff
from dialer.billing.money import Rounding
from dialer.billing.seat_time import SeatCount
from dialer.billing.talk_time import charge_call
from dialer.billing.vat import VatMode
from dialer.campaigns.models import DispositionCode, DispositionKind
from dialer.clients.models import ContactCounting, Contract, PricingModel
from dialer.metering import tariffs
from dialer.metering.periods import period_for
from dialer.metering.snapshot import statement_from_json, statement_to_json
from dialer.metering.statement import MonthFacts, compute_statement
from dialer.metering.usage import MeteredCall

NOV = datetime(2026, 11, 1, tzinfo=UTC)
CODES = ("sale", "hot_lead", "not_interested", "callback")
money = st.decimals(min_value=0, max_value=500, places=3, allow_nan=False, allow_infinity=False)


def _dispositions() -> tuple[DispositionCode, ...]:
    kinds = {"callback": DispositionKind.CALLBACK}
    return tuple(
        DispositionCode(
            campaign_id=1,
            code=code,
            label=code,
            kind=kinds.get(code, DispositionKind.FINAL),
            counts_as_processed=code in {"sale", "hot_lead"},
        )
        for code in CODES
    )


@st.composite
def contracts(draw: st.DrawFn) -> Contract:
    return Contract(
        id=1,
        client_id=1,
        number="P-1",
        pricing_model=draw(st.sampled_from(list(PricingModel))),
        currency=draw(st.sampled_from(["RUB", "USD", "JPY", "KWD"])),
        rate=draw(money),
        setup_fee=Decimal(draw(st.integers(0, 50_000))),
        vat_rate=draw(st.none() | st.sampled_from([Decimal("0.2"), Decimal("0.22"), Decimal("0.1")])),
        vat_mode=draw(st.sampled_from(list(VatMode))),
        money_rounding=draw(st.sampled_from(list(Rounding))),
        period_start=draw(st.sampled_from([date(2026, 11, 15), date(2026, 10, 1)])),
        billing_timezone=draw(st.sampled_from(["UTC", "Europe/Moscow", "Asia/Vladivostok"])),
        talk_increment_s=draw(st.sampled_from([1, 6, 30, 60])),
        talk_minimum_s=draw(st.integers(0, 90)),
        talk_free_under_s=draw(st.integers(0, 10)),
        contact_prices={c: str(draw(money)) for c in draw(st.sets(st.sampled_from(CODES)))},
        contacts_counted=draw(st.sampled_from(list(ContactCounting))),
        seat_count=draw(st.sampled_from(list(SeatCount))),
        seat_pauses_paid=draw(st.booleans()),
        plan_hours=Decimal(draw(st.integers(0, 10))),
        plan_price=draw(money),
    )


calls = st.lists(
    st.builds(
        lambda n, contact, minute, talk, code, late: MeteredCall(
            n, 1, contact, NOV + timedelta(minutes=minute), talk, code, late
        ),
        st.integers(1, 10**6),
        st.integers(1, 8),
        st.integers(0, 29 * 24 * 60),
        st.integers(0, 3600) | st.just(0),
        st.none() | st.sampled_from(CODES),
        st.booleans(),
    ),
    max_size=40,
    unique_by=lambda c: c.call_id,
)


@settings(max_examples=300, deadline=None)
@given(contracts(), calls)
def test_lines_are_sums_of_the_calls_charges_and_vat_splits_exactly(contract: Contract, month_calls) -> None:
    period = period_for(contract, 2026, 11)
    facts = MonthFacts(tuple(month_calls), _dispositions(), {}, period.end)
    statement = compute_statement(contract, period, facts)

    talk = tariffs.talk_tariff(contract)
    charges = [charge_call(c.talk_seconds, talk) for c in month_calls]
    assert statement.usage.calls == len(month_calls)
    assert statement.usage.talk_seconds == sum(c.talk_seconds for c in charges)
    assert statement.usage.billable_seconds == sum(c.billable_seconds for c in charges)
    assert statement.late_calls == sum(c.late for c in month_calls)
    if contract.pricing_model is PricingModel.PER_TALK_MINUTE:
        assert [line.amount for line in statement.lines[:1]] == [sum(c.amount for c in charges)]

    # processed contacts: each contact once, by its last disposed call, if its code counts
    last: dict[int, MeteredCall] = {}
    for call in sorted(month_calls, key=lambda c: (c.placed_at, c.call_id)):
        if call.disposition_code is not None:
            last[call.contact_id] = call
    counting = {d.code for d in _dispositions() if tariffs.counts_as_processed(contract, d)}
    expected = [c.disposition_code for c in last.values() if c.disposition_code in counting]
    assert sum(statement.usage.processed_contacts.values()) == len(expected)
    if contract.pricing_model is PricingModel.PER_PROCESSED_CONTACT:
        tariff: ContactTariff = tariffs.contact_tariff(contract, _dispositions())
        priced = [tariff.row_price(code) for code in expected if code is not None]
        priced_lines = [line for line in statement.lines if line.description != "setup fee"]
        assert sum(line.amount for line in priced_lines) == sum(
            (p for p in priced if p is not None), Decimal(0)
        )

    bill = statement.bill
    first = period.first_day <= contract.period_start <= period.last_day
    fee_lines = [line for line in bill.lines if line.description == "setup fee"]
    assert len(fee_lines) == (1 if first and contract.setup_fee else 0)
    assert bill.subtotal == sum((line.amount for line in bill.lines), Decimal(0))
    assert bill.vat.net + bill.vat.vat == bill.vat.gross == statement.total
    assert statement_from_json(statement_to_json(statement)) == statement
