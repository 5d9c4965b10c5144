"""Accounts: users and API keys managed, and signing in (each recorded in the audit log).

- ``service``: users and API keys (create, update, revoke) and recognising a caller's token or key;
- ``sign_in``: the password sign-in with its per-account and per-address limits.

Built on ``dialer.auth`` (roles, permissions, principals, tokens, passwords), and above
``dialer.audit``, which records what they do.
"""
