"""HTTP routers, one module per resource; ``ROUTERS`` is the list the app includes."""

from fastapi import APIRouter

from api.routers import health

ROUTERS: list[APIRouter] = [health.router]
