"""Hot leads: pushed to the client's CRM at once, signed, retried until acknowledged, timed.

- ``models``: the outbox (``LeadDelivery``) and its escalations (``LeadAlert``);
- ``outbox``: enqueue in the disposition's transaction, claim (one dispatcher per lead), settle;
- ``payload``: the lead's JSON snapshot (signed by ``dialer.delivery.webhook``);
- ``sender``: the channel interface and the webhook POST (2xx acknowledges, anything else retries);
- ``email``: the e-mail channel (``smtplib`` in a thread) for clients with a manager and no webhook;
- ``dispatcher``: the asyncio worker (``HotLeadDispatcher.start/stop/wake``);
- ``deadlines``: alerts for leads at risk or late, and the monthly handoff statistics;
- ``service``: the scoped reads and the supervisor's retry, for the API.
"""
