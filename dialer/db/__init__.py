"""Storage: engine and sessions, column types, the ORM base, the migrations runner, and signals fired
after a commit (``commit_signals``)."""
