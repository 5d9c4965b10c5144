"""The operator's page (``GET /operator``): sign in, the shift, the call's card and script, the result."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.pages import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/operator", response_class=HTMLResponse)
async def operator_page(request: Request) -> HTMLResponse:
    return render(request, "operator.html", page="operator", title_key="op.title")
