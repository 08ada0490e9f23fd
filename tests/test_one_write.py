"""A terminal's request goes out in one write: its head and body in one packet, so the
server wakes once to read it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest

from client.one_write import OneWriteTransport


class Recording(httpcore.NetworkBackend):
    """Plain sockets, noting every write a connection makes."""

    def __init__(self) -> None:
        self.plain = httpcore.SyncBackend()
        self.writes: list[bytes] = []

    def connect_tcp(self, *args, **kwargs) -> httpcore.NetworkStream:
        return self.Stream(self.plain.connect_tcp(*args, **kwargs), self.writes)

    def connect_unix_socket(self, *args, **kwargs) -> httpcore.NetworkStream:
        return self.Stream(self.plain.connect_unix_socket(*args, **kwargs), self.writes)

    def sleep(self, seconds: float) -> None:
        self.plain.sleep(seconds)

    class Stream(httpcore.NetworkStream):
        def __init__(self, stream: httpcore.NetworkStream, writes: list[bytes]) -> None:
            self.stream, self.writes = stream, writes

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.writes.append(buffer)
            self.stream.write(buffer, timeout)

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.stream.read(max_bytes, timeout)

        def close(self) -> None:
            self.stream.close()


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the box-office server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = json.dumps({"got": json.loads(body)}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def echo_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_request_is_one_write_with_its_head_and_body(echo_url):
    recording = Recording()
    with httpx.Client(transport=OneWriteTransport(inner=recording), base_url=echo_url) as http:
        for n in range(3):  # on one kept-alive connection
            answer = http.post("/api/v1/booking/hold", json={"seat_ids": [f"B{n}"]})
            assert answer.json() == {"got": {"seat_ids": [f"B{n}"]}}
    assert len(recording.writes) == 3
    for n, write in enumerate(recording.writes):
        head, _, body = write.partition(b"\r\n\r\n")
        assert head.startswith(b"POST /api/v1/booking/hold HTTP/1.1")
        assert json.loads(body) == {"seat_ids": [f"B{n}"]}


def test_a_refused_connection_is_httpx_s_own_error():
    http = httpx.Client(transport=OneWriteTransport(), base_url="http://127.0.0.1:9")
    with http, pytest.raises(httpx.ConnectError):
        http.post("/api/v1/booking/hold", json={})
