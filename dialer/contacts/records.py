"""The records an import writes: their columns, in the order of the tuples the row rules build.

Apart from the writers so that the import's reading process (:mod:`dialer.contacts.pipeline_worker`),
which builds the records, knows their layout without loading database code.
"""

from __future__ import annotations

CONTACT_COLUMNS = (
    "campaign_id",
    "phone",
    "extension",
    "extra_phones",
    "name",
    "company",
    "timezone",
    "data",
    "status",
    "on_dnc",
    "attempts",
    "import_id",
    "source_row",
    "consent",
)
"""A ``contacts`` record (:class:`dialer.contacts.rows.ContactRows`)."""
DNC_COLUMNS = ("client_id", "phone", "reason")
"""A ``dnc_entries`` record (:class:`dialer.contacts.rows.DncRows`)."""
