"""A contract's bill checked against Asterisk's record, as the API shows it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from dialer.billing_check.compare import Difference, Reason
from dialer.billing_check.service import PbxCheck


class DifferenceOut(BaseModel):
    call_id: int
    call_uid: str
    product_seconds: int = Field(description="talk seconds the product bills")
    record_seconds: int | None = Field(description="talk seconds in Asterisk's record; null: it cannot say")
    difference: int | None = Field(description="record minus product")
    reason: Reason

    @classmethod
    def of(cls, d: Difference) -> DifferenceOut:
        return cls(
            call_id=d.call_id,
            call_uid=d.call_uid,
            product_seconds=d.product_seconds,
            record_seconds=d.record_seconds,
            difference=d.difference,
            reason=d.reason,
        )


class PbxCheckOut(BaseModel):
    contract_id: int
    contract_number: str
    period: str
    start: datetime
    end: datetime
    calls: int = Field(description="answered calls billed in the period, each looked up in the record")
    matched: int
    differing: int
    missing: int = Field(description="calls with no line in the record")
    agrees: bool = Field(description="every call confirmed by the record")
    product_seconds: int
    record_seconds: int
    product_billable_seconds: int = Field(description="after the contract's per-call rounding")
    record_billable_seconds: int
    differences: list[DifferenceOut] = Field(description="the differing and missing calls, in placing order")

    @classmethod
    def of(cls, check: PbxCheck) -> PbxCheckOut:
        t = check.tally
        return cls(
            contract_id=check.contract_id,
            contract_number=check.contract_number,
            period=check.period.key,
            start=check.period.start,
            end=check.period.end,
            calls=t.calls,
            matched=t.matched,
            differing=t.differing,
            missing=t.missing,
            agrees=t.agrees,
            product_seconds=t.product_seconds,
            record_seconds=t.record_seconds,
            product_billable_seconds=t.product_billable,
            record_billable_seconds=t.record_billable,
            differences=[DifferenceOut.of(d) for d in t.differences],
        )
