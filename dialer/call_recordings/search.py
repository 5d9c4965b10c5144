"""The QA search: calls with a recording, filtered, sorted and paged within the caller's scope.

A controller's filters never widen its scope: another client's campaign or call id simply finds
nothing. A phone number is matched as written and as E.164 under each visible campaign's default
country, so ``8 (495) 150-22-22`` finds ``+74951502222`` in a Russian campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.auth.scoping import campaign_filter
from dialer.calls.models import Call
from dialer.calls.repository import call_scope
from dialer.campaigns.models import Campaign
from dialer.contacts.dnc import normalise_or_raise
from dialer.db.paging import count_matching
from dialer.operators.models import Operator

SortKey = Literal["started_at", "duration"]
SortOrder = Literal["asc", "desc"]
RowQuery = Select[Call, str, int, str]  # operator name is None when nobody took the call


@dataclass(frozen=True, slots=True)
class RecordingFilter:
    """What to look for; every field left ``None`` matches everything."""

    campaign_id: int | None = None
    client_id: int | None = None
    operator_id: int | None = None
    since: datetime | None = None  # call placed at or after
    until: datetime | None = None  # call placed before
    disposition: str | None = None
    min_seconds: float | None = None  # talk time: the call's billable seconds (whole, a started one counts)
    max_seconds: float | None = None
    phone: str | None = None
    call_id: int | None = None

    def as_detail(self) -> dict[str, object]:
        """The filters set, as plain JSON values (for the audit log)."""
        values = {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name in self.__slots__
            if (value := getattr(self, name)) is not None
        }
        return values


@dataclass(frozen=True, slots=True)
class RecordingRow:
    """One recorded call with the names a listener needs."""

    call: Call
    campaign_name: str
    client_id: int
    operator_name: str | None


def recorded_calls(principal: Principal) -> RowQuery:
    """Recorded calls the caller may see, with campaign name, client and operator name."""
    return (
        select(Call, Campaign.name, Campaign.client_id, Operator.name)
        .join(Campaign, Campaign.id == Call.campaign_id)
        .outerjoin(Operator, Operator.id == Call.operator_id)
        .where(Call.recording_key.is_not(None), call_scope(principal))
    )


async def _phone_match(session: AsyncSession, principal: Principal, phone: str) -> ColumnElement[bool]:
    written = phone.strip()
    visible = select(Campaign.default_country).where(campaign_filter(principal)).distinct()
    countries = await session.scalars(visible)
    matches: list[ColumnElement[bool]] = [Call.phone == written]
    for country in countries:
        try:
            e164 = normalise_or_raise(written, country)
        except ValueError:
            continue
        matches.append(and_(Campaign.default_country == country, Call.phone == e164))
    return or_(*matches)


async def apply_filter(
    session: AsyncSession, principal: Principal, query: RowQuery, f: RecordingFilter
) -> RowQuery:
    if f.campaign_id is not None:
        query = query.where(Call.campaign_id == f.campaign_id)
    if f.client_id is not None:
        query = query.where(Campaign.client_id == f.client_id)
    if f.operator_id is not None:
        query = query.where(Call.operator_id == f.operator_id)
    if f.since is not None:
        query = query.where(Call.placed_at >= f.since)
    if f.until is not None:
        query = query.where(Call.placed_at < f.until)
    if f.disposition is not None:
        query = query.where(Call.disposition_code == f.disposition)
    if f.min_seconds is not None:
        query = query.where(Call.billable_seconds >= f.min_seconds)
    if f.max_seconds is not None:
        query = query.where(Call.billable_seconds <= f.max_seconds)
    if f.call_id is not None:
        query = query.where(Call.id == f.call_id)
    if f.phone:
        query = query.where(await _phone_match(session, principal, f.phone))
    return query


def ordered(query: RowQuery, sort: SortKey, order: SortOrder) -> RowQuery:
    column = Call.placed_at if sort == "started_at" else func.coalesce(Call.billable_seconds, 0)
    if order == "desc":
        return query.order_by(column.desc(), Call.id.desc())
    return query.order_by(column.asc(), Call.id.asc())


async def search_recordings(
    session: AsyncSession,
    principal: Principal,
    f: RecordingFilter,
    *,
    sort: SortKey = "started_at",
    order: SortOrder = "desc",
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[RecordingRow], int]:
    """One page of recorded calls matching ``f`` and how many match in all."""
    principal.require(Permission.RECORDINGS_READ)
    query = await apply_filter(session, principal, recorded_calls(principal), f)
    total = await count_matching(session, query)
    rows = await session.execute(ordered(query, sort, order).limit(limit).offset(offset))
    return [RecordingRow(*row) for row in rows], total
