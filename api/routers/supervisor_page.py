"""The supervisor's page (``GET /supervisor``): the live wallboard, campaign controls, forced pause
and log-out, listen / whisper / barge, and the day's charts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.pages import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/supervisor", response_class=HTMLResponse)
async def supervisor_page(request: Request) -> HTMLResponse:
    return render(request, "supervisor.html", page="supervisor", title_key="sv.title")
