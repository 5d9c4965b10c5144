"""Storage: engine and sessions, column types, the ORM base, the migrations runner, signals fired after
a commit (``commit_signals``) and claiming a leased outbox's due rows (``leased_outbox``)."""
