"""Storage: engine and sessions, column types, the ORM base and the migrations runner."""
