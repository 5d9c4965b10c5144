"""Count-then-page, as the list services answer: one page of rows and how many match in all."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import SelectBase


async def count_matching(session: AsyncSession, query: SelectBase) -> int:
    """How many rows ``query`` matches, whatever page of it is then read (``limit``/``offset``)."""
    return int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
