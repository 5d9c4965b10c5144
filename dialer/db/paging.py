"""Count-then-page, as the list services answer: one page of rows and how many match in all, with
the optional filters every list takes (a column equal to a value when one is given, a time window).

Interface::

    where_given(query, (column, value), ...) -> query      # value None: no condition
    where_within(query, column, since, until) -> query     # [since, until); None: open end
    count_matching(session, query) -> int
    page_of(session, query, *order_by, limit, offset) -> (rows, total)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import SelectBase

Row = TypeVar("Row")


def where_given(query: Select[Row], *conditions: tuple[Any, object | None]) -> Select[Row]:
    """``query`` narrowed to each column equal to its value, for the values given."""
    for column, value in conditions:
        if value is not None:
            query = query.where(column == value)
    return query


def where_within(
    query: Select[Row], column: Any, since: datetime | None, until: datetime | None
) -> Select[Row]:
    """``query`` narrowed to ``since <= column < until`` (either end may be open)."""
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


async def count_matching(session: AsyncSession, query: SelectBase) -> int:
    """How many rows ``query`` matches, whatever page of it is then read (``limit``/``offset``)."""
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)


async def page_of(
    session: AsyncSession, query: Select[Row], *order_by: Any, limit: int, offset: int
) -> tuple[list[Row], int]:
    """One page of ``query``'s rows in ``order_by`` order, and how many match in all."""
    total = await count_matching(session, query)
    rows = await session.scalars(query.order_by(*order_by).limit(limit).offset(offset))
    return list(rows), total
