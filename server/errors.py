"""Every refusal as ``{"error": {"code", "message", "details"}}`` with its status, in
one line; never a traceback. A bug answers 500 naming the log entry with the trace."""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.bootstrap import STORAGE_FAILURES
from core.errors import MarqueeError
from core.text import printable
from server.contract.errors import code_of, details_of, status_of

log = logging.getLogger("marquee.server")
MAX_BODY = 1 << 20  # 1 MiB: the largest layout text is 100,000 characters


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> bytes:
    return json.dumps(
        {"error": {"code": code, "message": message, "details": details or {}}}
    ).encode()


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details or {}}}, status
    )


def domain_answer(error: MarqueeError) -> tuple[int, bytes]:
    return status_of(error), error_body(code_of(type(error)), str(error), details_of(error))


def storage_answer() -> tuple[int, bytes]:
    return 503, error_body(
        "storage_unavailable", "the box office's database is not answering; try again"
    )


def validation_line(error: RequestValidationError) -> str:
    """The first problem, naming the field: ``seat_ids: Input should be a valid list``."""
    problems = error.errors()
    if not problems:
        return "the request is not valid"
    first = problems[0]
    where = [str(part) for part in first.get("loc", ()) if part not in ("body",)]
    kind = first.get("type", "")
    if kind == "json_invalid":
        return "the request body is not valid JSON"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"{'.'.join(where)}: unknown field"
    text = printable(str(first.get("msg", "not valid")))
    return f"{'.'.join(where) or 'body'}: {text}"


def install(app: FastAPI) -> None:
    @app.exception_handler(MarqueeError)
    def refused(_: Request, error: MarqueeError) -> JSONResponse:
        status, body = domain_answer(error)
        return JSONResponse(json.loads(body), status)

    for failure in STORAGE_FAILURES:

        @app.exception_handler(failure)
        def unavailable(_: Request, error: Exception) -> JSONResponse:
            log.warning("database not answering: %s", type(error).__name__)
            status, body = storage_answer()
            return JSONResponse(json.loads(body), status)

    @app.exception_handler(RequestValidationError)
    def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", validation_line(error))

    @app.exception_handler(HTTPException)
    def http_error(_: Request, error: HTTPException) -> JSONResponse:
        codes = {404: "no_such_path", 405: "method_not_allowed", 413: "too_large"}
        code = codes.get(error.status_code, "http_error")
        return error_response(error.status_code, code, printable(str(error.detail)))


class BodyTooLarge(HTTPException):
    """Raised while a body streams in past the cap (FastAPI passes HTTP errors on)."""

    def __init__(self, max_body: int) -> None:
        super().__init__(413, f"the request body is larger than {max_body} bytes")


class Guard:
    """Outermost: refuses bodies over the cap (by Content-Length, and counted while they
    stream in) and turns any exception that got this far into a 500 without a trace."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit():
            await self._send(send, 400, "invalid_request", "the Content-Length is not a number")
            return
        if int(length) > self.max_body:
            await self._send(send, 413, "too_large", self._too_large())
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise BodyTooLarge(self.max_body)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await self._send(send, 413, "too_large", self._too_large())
        except Exception:
            incident = secrets.token_hex(4)
            log.exception("internal error %s on %s %s", incident, scope["method"], scope["path"])
            if not started:
                await self._send(send, 500, "internal", f"internal error (logged as {incident})")

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_body} bytes"

    @staticmethod
    async def _send(send: Send, status: int, code: str, message: str) -> None:
        body = error_body(code, message)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
