"""The API's fixtures (an app over a fresh database, a client, people of every role)."""

from tests.api.conftest import admin, app, client, login  # noqa: F401
