"""Contact records as PostgreSQL binary COPY data, encoded in the import's reading process.

Handing the service's event loop finished COPY data instead of records spares it unpickling them and
asyncpg's encoding of every value (together about 3 µs of its CPU a row, in pieces of several
milliseconds a batch): it only passes the bytes on (:meth:`dialer.contacts.writers.PostgresCopyWriter
.write_encoded`). The format is PostgreSQL's own ("Binary Format" of ``COPY``): a header, then per row
the number of fields and each field as its length and its bytes in the type's binary form (``-1`` for
NULL), then a trailer.

The campaign and the import job are written from the encoder's own values on every row, and a record
naming another is refused: a PostgreSQL import that checked its references once relies on that
(:mod:`dialer.contacts.bulk_references`). :data:`PG_TYPES` are the column types the encoding is for;
``tests/contacts/test_copy_binary.py`` holds them to the database's.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from dialer.contacts.records import CONTACT_COLUMNS

PG_TYPES = (
    "integer",
    "character varying",
    "character varying",
    "jsonb",
    "character varying",
    "character varying",
    "character varying",
    "jsonb",
    "character varying",
    "boolean",
    "integer",
    "integer",
    "integer",
    "boolean",
)
"""The type of each of :data:`~dialer.contacts.records.CONTACT_COLUMNS`, as ``information_schema``
names it."""

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
"""The signature, the flags (no OIDs) and the length of the header extension (none)."""
TRAILER = struct.pack("!h", -1)
_LENGTH = struct.Struct("!i").pack
_NULL = _LENGTH(-1)
_TRUE = struct.pack("!ib", 1, 1)
_FALSE = struct.pack("!ib", 1, 0)
_JSONB_VERSION = b"\x01"  # jsonb's binary form: a version byte, then the JSON text
_INTEGER = struct.Struct("!ii")  # an int4 field: length 4 and the value


class ContactCopy:
    """Encodes the records of one import into one campaign."""

    def __init__(self, campaign_id: int, import_id: int) -> None:
        self.campaign_id = campaign_id
        self.import_id = import_id
        self._head = struct.pack("!h", len(CONTACT_COLUMNS)) + _INTEGER.pack(4, campaign_id)
        self._attempts_and_import = _INTEGER.pack(4, 0) + _INTEGER.pack(4, import_id)

    def encode(self, records: Sequence[tuple[Any, ...]]) -> bytes:
        """The records as the data of one ``COPY contacts (CONTACT_COLUMNS) FROM STDIN (FORMAT binary)``."""
        campaign_id, import_id = self.campaign_id, self.import_id
        head, middle = self._head, self._attempts_and_import
        length, integer = _LENGTH, _INTEGER.pack
        parts = [HEADER]
        append = parts.append
        for record in records:
            (
                campaign,
                phone,
                extension,
                extras,
                name,
                company,
                zone,
                data,
                status,
                on_dnc,
                attempts,
                job,
                row,
                consent,
            ) = record
            if campaign != campaign_id or job != import_id or attempts != 0:
                raise ValueError(
                    f"a record of row {row} names campaign {campaign}, import {job}, {attempts} attempts: "
                    f"this import writes campaign {campaign_id}, import {import_id}, 0 attempts"
                )
            p = phone.encode()
            e = extension.encode()
            x = extras.encode()
            n = name.encode()
            c = company.encode()
            d = data.encode()
            s = status.encode()
            z = _NULL if zone is None else length(len(encoded := zone.encode())) + encoded
            append(
                b"".join(
                    (
                        head,
                        length(len(p)),
                        p,
                        length(len(e)),
                        e,
                        length(len(x) + 1),
                        _JSONB_VERSION,
                        x,
                        length(len(n)),
                        n,
                        length(len(c)),
                        c,
                        z,
                        length(len(d) + 1),
                        _JSONB_VERSION,
                        d,
                        length(len(s)),
                        s,
                        _TRUE if on_dnc else _FALSE,
                        middle,
                        _NULL if row is None else integer(4, row),
                        _TRUE if consent else _FALSE,
                    )
                )
            )
        append(TRAILER)
        return b"".join(parts)
