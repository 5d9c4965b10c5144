"""The web pages: Jinja2 templates rendered on the server, in the viewer's language.

A page is a template in ``api/templates/`` extending ``base.html`` (the frame: top bar, language
switch, sign-in form) with a script of its own in ``api/static/`` (plain ES modules, no build
step) that signs in through ``/auth/token``, calls the API with the bearer token and follows
``GET /events``. The HTML itself is public (it holds nothing but the words); everything a page shows
comes from the API under the signed-in user's rights.

Pages are sent with a strict Content-Security-Policy: scripts and styles only from this service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from api import i18n

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/static"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(default=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "Vary": "Accept-Language, Cookie",
}


def language_of(request: Request) -> str:
    return i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


def render(request: Request, template: str, *, page: str, title_key: str, **context: Any) -> HTMLResponse:
    """``template`` in the request's language. ``page`` names the page's script
    (``/static/<page>.js``); ``title_key`` its title in the catalogue."""
    lang = language_of(request)
    html = _env.get_template(template).render(
        lang=lang,
        languages=i18n.LANGUAGES,
        t=i18n.translator(lang),
        messages=i18n.messages(lang),
        page=page,
        title_key=title_key,
        static=STATIC_URL,
        **context,
    )
    return HTMLResponse(html, headers=SECURITY_HEADERS)
