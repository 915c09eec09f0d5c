"""Every error as one JSON shape, and the request-size guard.

A client always gets ``{"error": {"type": ..., "message": ...}}`` with a 4xx status for
anything it sent wrong: bakeoff's own errors keep the message the CLI prints, FastAPI's
validation errors are turned into one readable line, and nothing leaks a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bakeoff.exceptions import BakeoffError, SpecError, StoreError, StudyNotFoundError

__all__ = [
    "ERROR_RESPONSES",
    "BodyLimit",
    "ErrorBody",
    "ServerError",
    "error_response",
    "install_error_handlers",
]

_log = logging.getLogger("bakeoff.server")


class ErrorDetail(BaseModel):
    """What went wrong: the error's kind and the message the CLI would print."""

    type: str
    message: str


class ErrorBody(BaseModel):
    """The one error shape every 4xx and 5xx answer of the API has."""

    error: ErrorDetail


#: The error answers of every API route, for the OpenAPI document (and so the REST
#: reference): FastAPI would otherwise list only its own validation-error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "Bad request: the message says what to change"),
        (401, "No token, or the wrong one (a server started with --token)"),
        (403, "Writing is not allowed on this server"),
        (404, "No such study, cell or file"),
        (413, "The request body is larger than 2 MB"),
        (422, "A parameter or the study file is invalid; the message names the field"),
        (503, "The store cannot be read now (locked or out of date): try again later"),
    )
}


class ServerError(Exception):
    """A refusal with its HTTP status, raised by the routes."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message


def error_response(
    status: int, kind: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The one error shape."""
    return JSONResponse(
        {"error": {"type": kind, "message": message}}, status_code=status, headers=headers
    )


def _status_of(exc: BakeoffError) -> int:
    if isinstance(exc, StudyNotFoundError):
        return 404
    if isinstance(exc, SpecError):
        return 422
    if isinstance(exc, StoreError):
        return 503  # the store cannot be read now (locked, out of date): try later
    return 400


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _shown(value: Any, limit: int = 80) -> str:
    """``value`` as JSON, cut to ``limit`` characters with the cut said.

    A cut string still closes its quote, so the message reads as a whole.
    """
    if value is None:
        return "nothing"
    text = json.dumps(value, default=str)
    if len(text) <= limit:
        return text
    if isinstance(value, str):
        cut = value[:limit]
        while len(json.dumps(cut, ensure_ascii=False)) > limit:
            cut = cut[:-1]
        return f"{json.dumps(cut, ensure_ascii=False)}… ({len(value):,} characters)"
    return f"{text[:limit]}… ({len(text):,} characters as JSON)"


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = error.get("loc", ())
        value = error.get("input")
        shown = _shown(value)
        source = where[0] if where else "request"
        problems.append(f"{source} parameter '{_field(where)}' got {shown}: {error.get('msg')}")
    return "; ".join(problems) or "the request is malformed"


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception a route can raise to the JSON shape and a status."""

    @app.exception_handler(ServerError)
    async def _server_error(request: Request, exc: ServerError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(exc.status, exc.kind, exc.message, headers)

    @app.exception_handler(BakeoffError)
    async def _bakeoff_error(request: Request, exc: BakeoffError) -> JSONResponse:
        return error_response(_status_of(exc), type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "ValidationError", _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, "HTTPError", str(exc.detail))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # A bug in bakeoff: logged with its traceback on the server, never sent.
        _log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(
            500, "InternalError", f"{type(exc).__name__}: a bug in bakeoff; see the server log"
        )


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, before a route reads them.

    Checks the declared ``Content-Length`` at once and counts a streamed body as it
    arrives, so a client cannot make the server hold more than ``limit`` bytes.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        too_large = False
        started = False

        async def counted() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Stop reading as if the client had gone; the 413 is sent below.
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # whatever the route made of a cut-off body is not sent
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "RequestTooLarge",
            f"the request body is over {self.limit:,} bytes, the most this server takes; "
            f"a study file sent as `yaml` may be at most 1 MB (1,048,576 bytes) of it",
        )
        await response(scope, receive, send)
