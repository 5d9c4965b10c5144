"""Calls: the record of every dialing attempt and what follows from it.

- ``models``: ``Call`` (one row per attempt, every step timed) and ``PacingDecisionLog``;
- ``lifecycle``: the pure rules that fold a call's facts into its record, order-proof;
- ``service``: the engine's entry points (``create_call``, ``mark_*``) and the scoped reads;
- ``after_call``: where a contact goes after a call ends (pure);
- ``dispositions``: the operator's disposition and the contact it moves on;
- ``leasing``: contacts handed to one dialer at a time, due and callable now;
- ``ownership``: one engine process per campaign, by a lease with heartbeats;
- ``abandons`` and ``pacing_log``: the abandon rate from call records, and the pacing log;
- ``ended``: "a call ended", announced after the commit to whoever subscribed (metering).

A contact's calling zones are ``dialer.contacts.calling_zones``; the compliance profile a campaign
dials under is ``dialer.campaigns.profile``.
"""
