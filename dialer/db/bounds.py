"""Integers as the database columns can hold them, for every integer the API takes.

An id or an offset past its column's range made PostgreSQL (asyncpg) and SQLite raise before the
query ran, a 500 with a traceback. Each integer input is typed here by the column it meets, so a
value no row can have is refused with a 422 naming the field, and any in-range id that matches no
row still answers 404.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

IntId = Annotated[int, Ge(INT32_MIN), Le(INT32_MAX)]
"""The id of a row keyed by an Integer column: clients, contracts, campaigns, users, operators..."""

BigIntId = Annotated[int, Ge(INT64_MIN), Le(INT64_MAX)]
"""The id of a row keyed by a BigInteger column: calls, contacts, do-not-call entries, acts, QA..."""

Offset = Annotated[int, Ge(0), Le(INT64_MAX)]
"""How many rows a page skips (SQL OFFSET is a 64-bit integer)."""

Int32 = Annotated[int, Ge(INT32_MIN), Le(INT32_MAX)]
"""Any other integer stored in an Integer column (counts, seconds)."""
