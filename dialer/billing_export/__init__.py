"""The per-minute billing export: one row per call of a client's per-talk-minute contracts in a
period (a month or from/to), priced by the contract's talk tariff, with a totals row per contract;
CSV (UTF-8 with BOM, ``;`` or ``,``) or XLSX, streamed in bounded memory.

- ``period``: the period from ``YYYY-MM`` or two dates;
- ``plan``: which contracts, tariffs and names an export shows;
- ``query``: the calls as plain tuples through a server-side cursor;
- ``pricing``: each call's charge (``charge_call``, once per talk length) and the totals;
- ``layout``: the columns and how rows and totals read;
- ``csv_export``, ``xlsx_export``: the two formats;
- ``service``: start an export (scoped, audited) and produce its bytes;
- ``cli``: ``dialer billing export``.
"""
