"""Roles, permissions, principals, tokens, passwords and the scope of what each caller may see
(the users and API keys themselves are managed by ``dialer.accounts``)."""
