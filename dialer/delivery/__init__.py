"""Outbound delivery shared by the features that send to clients (hot leads, volume alerts, reports, mail).

- ``webhook``: the JSON body and its HMAC signature (``X-Dialer-Timestamp``/``X-Dialer-Signature``);
- ``smtp``: the SMTP server's config and one blocking send (run it in a worker thread);
- ``backoff``: the waits between attempts (stepped for the outboxes, doubling for volume alerts);
- ``links``: a stored payload's recording path made an absolute link when it is sent;
- ``outbox``: claiming the due rows of a leased outbox (``claim_due``);
- ``wakeup``: wakes this process's dispatchers when a transaction that enqueued something commits.

It depends on nothing of the domain: the features depend on it.
"""
