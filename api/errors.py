"""Domain errors as HTTP answers: ``{"detail": "<what went wrong, and where>"}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from dialer.auth.throttle import TooManyAttempts
from dialer.contacts import errors as contacts
from dialer.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    InvalidInput: 422,
}


async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    message = exc.message if isinstance(exc, DomainError) else str(exc)
    return JSONResponse({"detail": message}, status_code=status)


async def too_many_attempts(_request: Request, exc: Exception) -> JSONResponse:
    """429 with ``Retry-After``: the seconds until the window the caller is over ends."""
    wait = exc.retry_after if isinstance(exc, TooManyAttempts) else 60
    message = exc.message if isinstance(exc, TooManyAttempts) else "too many attempts"
    return JSONResponse({"detail": message}, status_code=429, headers={"Retry-After": str(wait)})


IMPORT_STATUS: dict[type[Exception], int] = {
    contacts.FileTooLarge: 413,
    contacts.UnreadableFile: 422,
    contacts.NotFound: 404,
}


async def import_error(_request: Request, exc: Exception) -> JSONResponse:
    """An import refused as a whole: too large (413), unreadable (422), its target gone (404)."""
    status = next((code for kind, code in IMPORT_STATUS.items() if isinstance(exc, kind)), 422)
    message = exc.message if isinstance(exc, contacts.ImportRefused) else str(exc)
    return JSONResponse({"detail": message}, status_code=status)


async def integrity_error(_request: Request, _exc: Exception) -> JSONResponse:
    """A uniqueness or reference rule the database caught after the service's own checks, as when two
    requests race for one name. The SQL is not shown: it says nothing the caller can use."""
    return JSONResponse(
        {"detail": "the change conflicts with data written at the same time; reload and try again"},
        status_code=409,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(TooManyAttempts, too_many_attempts)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(contacts.ImportRefused, import_error)
    app.add_exception_handler(contacts.NotFound, import_error)


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"description": "No credentials, or they are wrong or expired"},
    403: {"description": "The caller's role does not allow this"},
}
