"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright (never a
browser Playwright downloads). Tests that need it skip cleanly where it is absent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """One browser (launched once per test module that uses it)."""
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],  # root, in a container
        )
        try:
            yield browser
        finally:
            await browser.close()
