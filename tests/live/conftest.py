"""The calls' world (a client, a running campaign, two operators) for the live events' tests."""

from tests.calls.conftest import add_contacts, world

__all__ = ["add_contacts", "world"]
