"""Box-office servers as their own processes (``marquee serve``), for the tests that
use Marquee over a real socket: one server, two on one database, a CLI elsewhere
(the fixture of two servers is in server_fixtures)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from api_support import STAFF, set_up

from client.remote import RemoteBoxOffice
from server.contract.local import token_path

ROOT = Path(__file__).resolve().parent.parent
READY_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(
    *options: str, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen, str]:
    """``marquee serve`` on a free port (or ``port``), with this test's environment (or ``env``)."""
    return ready(*launch(*options, env=env, port=port))


def launch(
    *options: str, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[subprocess.Popen, str]:
    """``marquee serve`` started (not yet answering): the process and its URL."""
    port = port or free_port()
    command = [sys.executable, "-c", "from console.cli import run; run()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), *options],
        cwd=os.getcwd(),
        env=env or os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


def ready(process: subprocess.Popen, url: str) -> tuple[subprocess.Popen, str]:
    """The server once it answers its health check."""
    deadline = time.monotonic() + READY_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)  # not listening yet: the server is still starting
    process.kill()
    raise AssertionError(f"the server did not start: {process.communicate()}")


def stop(process: subprocess.Popen) -> tuple[str, str]:
    return stop_all([process])[0]


def stop_all(processes: list[subprocess.Popen]) -> list[tuple[str, str]]:
    """Stop the servers side by side (each stops cleanly): what each wrote."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    written = []
    for process in processes:
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        written.append((out, err))
    return written


def wait_until(condition, timeout: float = 30.0) -> bool:
    """Whether ``condition()`` comes true within ``timeout`` seconds (polled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@contextmanager
def server_pair(**variables: str) -> Iterator[list[tuple[subprocess.Popen, str]]]:
    """Two servers on the test's database, as behind a load balancer (started side by
    side, with this test's environment and ``variables``): [(process, url), (process, url)].
    Those still running at the end are stopped."""
    launched = [launch(env=os.environ.copy() | variables) for _ in range(2)]
    try:
        yield [ready(*server) for server in launched]
    finally:
        stop_all([process for process, _url in launched if process.poll() is None])


@contextmanager
def two_servers(box_office) -> Iterator[tuple]:
    """Two servers on the test's database, as behind a load balancer, with a hall (and
    its manager and staff accounts) made through the first: (hall, [(process, url)...])."""
    with server_pair() as started:
        local = token_path(box_office.config.data_dir).read_text()
        first_url = started[0][1]
        hall, _manager, _staff = set_up(
            connect=lambda token: RemoteBoxOffice(first_url, token), local_token=local
        )
        yield hall, started


def kiosk_tokens(box_office, admin, theater_id: str, count: int) -> list[str]:
    """Paired kiosks of the theater, each with its own device token."""
    tokens = []
    for n in range(count):
        _device, code = box_office.devices.add(admin, f"lobby {n}", "kiosk", theater_id)
        tokens.append(box_office.devices.pair(code)[1])
    return tokens


def clerk(url: str) -> RemoteBoxOffice:
    """A staff member signed in at the server at ``url``."""
    remote = RemoteBoxOffice(url)
    remote.sign_in(*STAFF)
    return remote


class Balancer(httpx.BaseTransport):
    """A load balancer in front of the servers, for one client: every request goes to
    the server at ``url``; ``answered(request, response)`` sees each answer first, and
    may take it for lost (it returns True: the client hears a dropped connection and
    retries, to wherever ``url`` points by then). The Idempotency-Key of every request
    is kept in ``sent``, by path, with the server it went to."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.answered: Callable[[httpx.Request, httpx.Response], bool] = lambda *_: False
        self.sent: list[tuple[str, str, str | None]] = []  # (path, url, key)
        self._http = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = httpx.URL(self.url)
        url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port)
        headers = [(k, v) for k, v in request.headers.raw if k.lower() != b"host"]
        sent = httpx.Request(request.method, url, headers=headers, content=request.read())
        self.sent.append((url.path, self.url, request.headers.get("idempotency-key")))
        response = self._http.handle_request(sent)
        response.read()
        if self.answered(request, response):
            raise httpx.ReadError("the server went away before its answer arrived")
        return response

    def close(self) -> None:
        self._http.close()
