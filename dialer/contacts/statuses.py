"""A contact's status: where it is in its campaign's dialing.

Apart from the ORM models so that the import's reading process (:mod:`dialer.contacts.pipeline_worker`),
which builds contact records, starts without loading SQLAlchemy.
"""

from __future__ import annotations

import enum


class ContactStatus(enum.StrEnum):
    NEW = "new"
    SCHEDULED = "scheduled"
    CALLBACK = "callback"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DO_NOT_CALL = "do_not_call"
    EXHAUSTED = "exhausted"
    INVALID = "invalid"  # its number does not exist (a call ended ``invalid_number``): never dialed again
