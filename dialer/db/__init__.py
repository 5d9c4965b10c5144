"""Storage: engine and sessions (``engine``), a command's migrated database (``bootstrap``), column
types (``types``, ``sealed``), the ORM base, the migrations runner (``migrate``, then ``reseal``),
count-then-page for list services (``paging``), and signals fired after a commit (``commit_signals``)."""
