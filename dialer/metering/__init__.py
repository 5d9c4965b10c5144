"""Metering: a contract's calls, contacts and seat time measured and priced per billing month.

- ``tariffs``: the contract's billing terms as ``dialer.billing``'s tariffs;
- ``periods``: which calls a month bills (late records go to the next open month);
- ``statement``: the monthly statement, and closing (freezing) a month;
- ``volume``, ``alerts``, ``alert_webhook``, ``watcher``: the committed volume, its threshold alerts,
  their signed webhook to the client's CRM, and the service's periodic check;
- ``service``: the same for the API and CLI, with who may see what.

Nothing is imported here, so the call records can signal call ends (``events``) without a cycle.
"""
