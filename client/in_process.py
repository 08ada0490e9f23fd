"""A synchronous httpx transport over an ASGI app in this process: the client's own
calls, made to the real app without a socket (httpx's ASGITransport is async only).
Apps run on one event loop in a portal thread shared by every such transport; each
request waits for its answer."""

from __future__ import annotations

import atexit
import threading
from typing import Any

import anyio.from_thread
import httpx

_portal: anyio.from_thread.BlockingPortal | None = None
_portal_context: Any = None  # kept: the portal stops when its context is collected
_portal_lock = threading.Lock()


def shared_portal() -> anyio.from_thread.BlockingPortal:
    """The event loop in-process apps run on, started on first use."""
    global _portal, _portal_context
    with _portal_lock:
        if _portal is None:
            _portal_context = anyio.from_thread.start_blocking_portal()
            _portal = _portal_context.__enter__()
            atexit.register(_stop_portal)
        return _portal


def _stop_portal() -> None:
    """Stop the event loop while the interpreter still runs threads: left to the
    collector at exit, the stop waits for a loop that no longer runs, for ever."""
    global _portal, _portal_context
    with _portal_lock:
        if _portal_context is not None:
            _portal_context.__exit__(None, None, None)
        _portal = _portal_context = None


class InProcessTransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def answer() -> tuple[int, httpx.Headers, bytes]:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._asgi.handle_async_request(forwarded)
            content = b"".join([part async for part in response.aiter_raw()])
            return response.status_code, response.headers, content

        status, headers, content = shared_portal().call(answer)
        return httpx.Response(status, headers=headers, content=content, request=request)
