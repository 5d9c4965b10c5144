"""The pages' words in Russian and English: one catalogue, the language chosen per request.

Every visible string of a page goes through here: templates call ``t("key")``, the page's JavaScript
gets the whole catalogue of its language (``messages(lang)``) and calls ``t("key", {name: ...})``.
Each part of the catalogue is a module of this package with ``MESSAGES = {key: (russian, english)}``;
a new page adds its module to ``PARTS``. ``{name}`` in a text is filled from the parameters given.

The language: ``?lang=`` if given, else the ``dialer_lang`` cookie the page's switch sets, else the
browser's ``Accept-Language``, else Russian (the centre's staff read Russian).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from api.i18n import common, operator, supervisor

LANGUAGES = ("ru", "en")
DEFAULT = "ru"
COOKIE = "dialer_lang"
PARTS: tuple[Mapping[str, tuple[str, str]], ...] = (common.MESSAGES, operator.MESSAGES, supervisor.MESSAGES)


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """Every key with its (Russian, English) text; a key defined twice is a mistake caught here."""
    merged: dict[str, tuple[str, str]] = {}
    for part in PARTS:
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"message keys defined twice: {sorted(twice)}")
        merged.update(part)
    return merged


@cache
def messages(lang: str) -> dict[str, str]:
    """The catalogue in one language (what a page's script receives)."""
    index = LANGUAGES.index(lang)
    return {key: texts[index] for key, texts in catalogue().items()}


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **params)`` in ``lang``; an unknown key raises ``KeyError`` (a template's typo fails)."""
    texts = messages(lang)

    def t(key: str, **params: object) -> str:
        text = texts[key]
        return text.format(**params) if params else text

    return t


def _accepted(header: str) -> list[str]:
    """Languages of an ``Accept-Language`` header, most wanted first (``q=0`` left out)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.split("-")[0].lower()))
    return [tag for _, _, tag in sorted(ranked)]


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page's language: the query's, the switch's cookie, the browser's first known, else Russian."""
    for chosen in (query, cookie):
        if chosen in LANGUAGES:
            return chosen
    for tag in _accepted(accept_language or ""):
        if tag in LANGUAGES:
            return tag
    return DEFAULT
