"""The audit log: who listened to, downloaded, exported, shared or deleted which recording, when
and from where. The contract's confidentiality clause rests on it.

- ``models``: ``AuditEvent`` (one row per access, never updated);
- ``service``: ``record`` (written in the caller's transaction) and ``list_events`` (scoped reads).
"""
