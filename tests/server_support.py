"""Box-office servers as their own processes (``marquee serve``), for the tests that
use Marquee over a real socket: one server, two on one database, a CLI elsewhere."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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
    url = f"http://127.0.0.1:{port}"
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
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    return out, err


def wait_until(condition, timeout: float = 30.0) -> bool:
    """Whether ``condition()`` comes true within ``timeout`` seconds (polled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@contextmanager
def two_servers(box_office) -> Iterator[tuple]:
    """Two servers on the test's database, as behind a load balancer, with a hall (and
    its manager and staff accounts) made through the first: (hall, [(process, url)...])."""
    started = [start(), start()]
    try:
        local = token_path(box_office.config.data_dir).read_text()
        first_url = started[0][1]
        hall, _manager, _staff = set_up(
            connect=lambda token: RemoteBoxOffice(first_url, token), local_token=local
        )
        yield hall, started
    finally:
        for process, _url in started:
            if process.poll() is None:
                stop(process)


def clerk(url: str) -> RemoteBoxOffice:
    """A staff member signed in at the server at ``url``."""
    remote = RemoteBoxOffice(url)
    remote.sign_in(*STAFF)
    return remote
