"""The demo: a client, contract and campaign with a generated contact base (``data``), simulated
operators who log in, take calls and set dispositions through the services the API uses
(``operators``), and what happened as a table (``report``). Run by ``dialer demo``; the end-to-end
tests use the same pieces."""
