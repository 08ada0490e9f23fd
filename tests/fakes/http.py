"""The HTTP plumbing every fake service shares: routing, request log, lifecycle."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # from the route pattern

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """An ``application/x-www-form-urlencoded`` body (Stripe, Twilio) as a flat dict."""
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


class FakeService:
    """A threaded HTTP server; subclasses register routes in ``routes()``.

    Route patterns are regular expressions over the path with named groups.
    ``fail_next(n, status)`` makes the next n requests fail, for retry tests; ``html``
    answers them with an HTML error page, as a proxy in front of a service does.
    ``answered(request)`` runs when a request is done, before its answer is sent: a test
    acts at that moment (the caller dies before it hears, say)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.lock = threading.RLock()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._failures: list[Response] = []
        self.answered: Callable[[Request], None] = lambda request: None
        self.routes()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def routes(self) -> None:
        raise NotImplementedError

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail_next(self, count: int = 1, status: int = 500, html: bool = False) -> None:
        if html:
            page = f"<html><body><h1>{status} Bad Gateway</h1><p>nginx</p></body></html>"
            failure = Response(status, page, {"Content-Type": "text/html"})
        else:
            failure = Response(status, {"error": {"message": "try again"}})
        with self.lock:
            self._failures.extend([failure] * count)

    def sent(self, method: str, path_pattern: str) -> list[Request]:
        """The recorded requests matching a method and a path pattern."""
        pattern = re.compile(f"^{path_pattern}$")
        return [r for r in self.requests if r.method == method and pattern.match(r.path)]

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request)
            if self._failures:
                return self._failures.pop(0)
            for method, pattern, handler in self._routes:
                match = pattern.match(request.path)
                if method == request.method and match:
                    request.params = match.groupdict()
                    return handler(request)
        return Response(404, {"error": {"message": f"no route {request.method} {request.path}"}})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=split.path,
                    query=dict(parse_qsl(split.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                response = service.dispatch(request)
                service.answered(request)
                if isinstance(response.body, bytes | str):
                    payload = (
                        response.body.encode() if isinstance(response.body, str) else response.body
                    )
                    content_type = "text/plain"
                else:
                    payload = b"" if response.body is None else json.dumps(response.body).encode()
                    content_type = "application/json"
                self.send_response(response.status)
                self.send_header("Content-Type", response.headers.get("Content-Type", content_type))
                for name, value in response.headers.items():
                    if name != "Content-Type":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet: tests read service.requests instead

        return _Handler
