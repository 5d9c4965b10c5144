"""A contact import on PostgreSQL checks its references once, not once per row, and why that holds.

Every row COPY writes into ``contacts`` fires its foreign-key triggers (campaign, import job, callback
operator); each looks the referenced row up and locks it ``FOR KEY SHARE``. On 200,000 rows they
were half of the database backend's work: 17.2-17.9 µs of its CPU a row with them, 8.6-9.3 µs
without. COPY into a staging table and one ``INSERT ... SELECT`` gains nothing (17.9-18.4 µs): the
checks still run row by row.

An import's rows all name one campaign and one import job, and no operator (the encoder writes the
import's own two on every row and refuses a record naming others: :mod:`dialer.contacts.copy_binary`;
the callback operator is not one of its columns). So the guarantee
the triggers give costs two statements for the whole import: lock the campaign's and the job's rows
``FOR KEY SHARE`` once, inside the import's transaction (nobody can delete them or change their keys
until it commits or rolls back: what the per-row checks would hold), then ``SET LOCAL
session_replication_role = replica``, which skips the triggers of the rows this transaction writes,
and this transaction only. Other writers, and this session after the commit, check every row as
before; deleting the campaign still removes the imported contacts (that trigger is the campaign's).

Only where the database role may set that parameter: a superuser, or, on PostgreSQL 15 and later,
a role granted it (``GRANT SET ON PARAMETER session_replication_role TO dialer``). Otherwise rows are
checked one by one as before. Replica mode skips every ordinary trigger of the rows written, not only
the foreign keys': ``tests/contacts/test_bulk_references.py`` holds the triggers of ``contacts`` to
the foreign keys named here, so a new trigger or reference there must be decided on here.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.contacts.errors import NotFound

REFERENCES = {"campaign_id": "campaigns", "import_id": "import_jobs"}
"""The references an import writes, one value per import, and the tables they name."""
UNWRITTEN_REFERENCES = ("callback_operator_id",)
"""References an import leaves empty (an empty reference is never checked)."""


async def may_skip_row_triggers(session: AsyncSession) -> bool:
    """Whether the session's role may set ``session_replication_role`` (PostgreSQL only)."""
    version = session.get_bind().dialect.server_version_info or (0,)
    if version >= (15,):
        query = "SELECT has_parameter_privilege('session_replication_role', 'SET')"
    else:
        query = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    return bool(await session.scalar(text(query)))


async def check_references_once(session: AsyncSession, *, campaign_id: int, import_id: int) -> bool:
    """Lock the import's campaign and job ``FOR KEY SHARE`` and skip the per-row checks for the rest of
    the session's transaction; ``False`` (and nothing done) where the role may not.

    Raises :class:`~dialer.contacts.errors.NotFound` if the campaign or the job is gone."""
    if not await may_skip_row_triggers(session):
        return False
    keys = {"campaign_id": campaign_id, "import_id": import_id}
    for column, table in REFERENCES.items():
        key = keys[column]
        # The table names are this module's constants, never input.
        lock = text(f"SELECT id FROM {table} WHERE id = :key FOR KEY SHARE")
        found = await session.scalar(lock, {"key": key})
        if found is None:
            raise NotFound(f"{table} row {key} is gone: the import cannot reference it")
    await session.execute(text("SET LOCAL session_replication_role = replica"))
    return True
