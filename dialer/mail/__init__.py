"""E-mail to clients through a durable outbox: stored first, sent with retries, never lost by a crash.

- ``models``: the outbox (``MailMessage``) and its attachments;
- ``outbox``: enqueue in the caller's transaction (idempotent by key), claim, settle;
- ``transport``: the SMTP settings and the blocking send, run in a worker thread;
- ``compose``: an outbox row as the ``EmailMessage`` it sends (a hot lead's is built at send time);
- ``dispatcher``: the asyncio worker (``MailDispatcher.start/stop/run_once``).
"""
