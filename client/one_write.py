"""HTTP connections that send each request in one write.

The HTTP library writes a request's head and its body separately. With the
connection's Nagle delay off (as it must be), that is two packets, and the server
wakes twice to read one request; on a busy box-office machine every wake-up is a
context switch that each terminal's request waits behind. Here writes are kept
until the request is whole, which is when the connection first reads: the answer
cannot come before the request went out.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable

import httpcore
import httpx

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class OneWriteStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._pending: list[bytes] = []
        self._timeout: float | None = None

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._pending.append(buffer)
            self._timeout = timeout

    def flush(self) -> None:
        if self._pending:
            whole = b"".join(self._pending)
            self._pending.clear()
            self._stream.write(whole, self._timeout)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.flush()
        return self._stream.read(max_bytes, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self.flush()
        return OneWriteStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class OneWriteBackend(httpcore.NetworkBackend):
    """Connections of ``inner`` (the plain sockets by default), each sending in one write."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._backend = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return OneWriteStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        return OneWriteStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class OneWriteTransport(httpx.HTTPTransport):
    """httpx's own transport (its errors, its TLS checks) over one-write connections."""

    def __init__(
        self, *, uds: str | None = None, inner: httpcore.NetworkBackend | None = None
    ) -> None:
        super().__init__(uds=uds)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            uds=uds,
            network_backend=OneWriteBackend(inner),
        )
