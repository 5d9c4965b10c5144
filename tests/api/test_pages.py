"""The web pages' frame: served without a credential, in Russian or English as the viewer chose,
every visible word from the catalogue, scripts and styles only from the service itself."""

from __future__ import annotations

import re

import pytest

from api import i18n
from api.pages import STATIC_DIR, TEMPLATES_DIR
from api.routers import PAGES

PAGE_PATHS = sorted({route.path for router in PAGES for route in router.routes})  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "cookie", "header", "chosen"),
    [
        (None, None, None, "ru"),
        (None, None, "en-GB,en;q=0.9,ru;q=0.8", "en"),
        (None, None, "de-DE,de;q=0.9,en;q=0.5", "en"),
        (None, None, "ru;q=0.2,en;q=0.9", "en"),
        (None, None, "en;q=0,fr", "ru"),
        (None, "en", "ru", "en"),
        ("ru", "en", "en", "ru"),
        ("xx", "yy", "garbage;;q=oops", "ru"),
    ],
)
def test_the_language_is_the_query_then_the_switch_then_the_browser(query, cookie, header, chosen):
    assert i18n.choose(query, cookie, header) == chosen


def test_every_word_has_both_languages_and_a_template_typo_fails():
    for key, texts in i18n.catalogue().items():
        assert len(texts) == 2 and all(text.strip() for text in texts), key
    t = i18n.translator("en")
    assert t("signin.throttled", seconds=30) == "Too many attempts: wait 30 s"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_the_pages_and_scripts_ask_only_for_words_the_catalogue_has():
    known = i18n.catalogue().keys()
    used: set[str] = set()
    for path in [*TEMPLATES_DIR.glob("*.html"), *STATIC_DIR.glob("*.js")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""", path.read_text()))
    assert used, "no t('...') call found: the pattern is wrong"
    assert sorted(used - known) == []


async def test_pages_are_public_html_in_the_language_asked_for(client):
    assert "/operator" in PAGE_PATHS
    for path in PAGE_PATHS:
        russian = await client.get(path)
        assert russian.status_code == 200
        assert russian.headers["content-type"].startswith("text/html")
        assert '<html lang="ru">' in russian.text and "Войти" in russian.text
        assert "script-src 'self'" in russian.headers["content-security-policy"]
        english = await client.get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
        assert '<html lang="en">' in english.text and "Sign in" in english.text
        switched = await client.get(path, headers={"Cookie": f"{i18n.COOKIE}=ru", "Accept-Language": "en"})
        assert '<html lang="ru">' in switched.text


async def test_static_files_are_served_from_the_package(client):
    for name in ("dialer.js", "dialer.css"):
        response = await client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.text == (STATIC_DIR / name).read_text()
    assert (await client.get("/static/../app.py")).status_code == 404


def test_every_operator_state_and_engine_pause_reason_has_words():
    from dialer.operators.models import OperatorState
    from dialer.operators.presence import CHANNEL_LOST, LOGIN_REASON, UNREGISTERED

    known = i18n.catalogue().keys()
    assert {f"op.state.{state.value}" for state in OperatorState} <= known
    assert {f"op.reason.{reason}" for reason in (LOGIN_REASON, UNREGISTERED, CHANNEL_LOST)} <= known
