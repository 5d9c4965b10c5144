"""The API fixtures for the acts' tests."""

from tests.api.conftest import admin, app, client, login  # noqa: F401
