"""The API fixtures (an app on a fresh database, a client, people of every role) for report tests."""

from tests.api.conftest import admin, app, client, login  # noqa: F401
