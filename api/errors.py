"""Every error the API answers, in one declared shape (:class:`ErrorOut`): ``{"detail": "<what went
wrong, and where>"}``, or, for a request that fails validation, ``{"detail": [{"loc": [...], "msg":
"...", "type": "..."}, ...]}`` (FastAPI's list, with each refused input clipped)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
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


ECHO_LIMIT = 100  # characters of a refused input shown back in a 422


def _clipped(value: Any) -> Any:
    """``value`` as given, or, when its text is longer than ``ECHO_LIMIT``, its first characters."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = value if isinstance(value, str) else json.dumps(jsonable_encoder(value), ensure_ascii=False)
    if len(text) <= ECHO_LIMIT:
        return value
    return f"{text[:ECHO_LIMIT]}… ({len(text):,} characters)"


def _encodable(value: Any) -> Any:
    """``value`` with lone surrogates written as ``\\udxxx``: UTF-8 cannot carry them."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encodable(item) for item in value]
    return value


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 (a list of problems, each with its ``loc``), with every echoed input clipped:
    a 50 MB name is not sent back to its sender."""
    problems = exc.errors() if isinstance(exc, RequestValidationError) else []
    for problem in problems:
        if "input" in problem:
            problem["input"] = _clipped(problem["input"])
        if "ctx" in problem:
            problem["ctx"] = {key: _clipped(value) for key, value in problem["ctx"].items()}
    return JSONResponse({"detail": _encodable(jsonable_encoder(problems))}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(TooManyAttempts, too_many_attempts)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(contacts.ImportRefused, import_error)
    app.add_exception_handler(contacts.NotFound, import_error)


class FieldProblem(BaseModel):
    """One reason a request was refused before any route ran: where (``loc``: ``body``, ``query``,
    ``path`` or ``header`` then the field's name or index), what (``msg``), its kind (``type``)."""

    model_config = ConfigDict(extra="allow")  # ``input`` (clipped) and ``ctx`` when pydantic gives them

    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """An error: a sentence naming what went wrong and where, or, when the request's fields fail
    validation, one :class:`FieldProblem` per field."""

    detail: str | list[FieldProblem]


def _error(description: str) -> dict[str, object]:
    return {"description": description, "model": ErrorOut}


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: _error("The request cannot be carried out as asked"),
    401: _error("No credentials, or they are wrong or expired"),
    403: _error("The caller's role does not allow this"),
    404: _error("Not found, or not visible to the caller"),
    409: _error("Conflicts with the current state or with data written at the same time"),
    413: _error("The request's body is over the route's limit"),
    422: _error("A field is invalid: the detail names it"),
}
"""Declared on every operation that needs a credential (:func:`declare_errors` adds any a route lacks)."""
PUBLIC_ERRORS = (413, 422)
"""Declared on the public operations too: the body limit and the text guard apply to every route."""


def declare_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with :class:`ErrorOut` as the body of every 4xx and 5xx response with a
    JSON body, and every code of :data:`ERROR_RESPONSES` declared on every signed-in operation. FastAPI's own
    ``HTTPValidationError`` (a list only) is dropped: the API never answers in it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            signed_in = bool(operation.get("security"))
            for code, declared in ERROR_RESPONSES.items():
                if signed_in or code in PUBLIC_ERRORS:
                    responses.setdefault(str(code), {"description": declared["description"]})
            for code, response in responses.items():
                if code[:1] not in ("4", "5") or code == "416":  # 416: an empty body, Content-Range only
                    continue
                content = response.setdefault("content", {})
                content["application/json"] = {"schema": error_ref}
                for media in [m for m in content if m != "application/json"]:
                    del content[media]
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve :func:`declare_errors`' document (built once, as FastAPI's own is)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = declare_errors(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
