"""``marquee serve`` over a real socket: started as its own process, used by the
client the terminals use, stopped by SIGTERM cleanly (and again with two workers)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from api_support import set_up

from client.remote import RemoteBoxOffice
from core.errors import StorageError
from core.records import SaleOrder, VerdictKind
from server.contract.local import token_path

ROOT = Path(__file__).resolve().parent.parent
READY_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*options: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-c", "from console.cli import run; run()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), *options],
        cwd=os.getcwd(),
        env=os.environ.copy(),
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


@pytest.fixture
def served(environment, box_office):
    process, url = start()
    yield url
    if process.poll() is None:
        process.kill()
        process.communicate()


def test_a_sale_refund_scan_and_report_over_a_real_socket(served, config):
    local = token_path(config.data_dir)
    assert local.stat().st_mode & 0o777 == 0o600

    hall, manager, staff = set_up(
        connect=lambda token: RemoteBoxOffice(served, token=token),
        local_token=local.read_text(),
    )
    sale = staff.sales.sell(None, SaleOrder(hall.showtime_id, ("B1", "B2"), "simulated"))
    [(_, token), _] = staff.tickets.tickets(None, sale.booking.reference)
    assert staff.tickets.scan(None, token).kind == VerdictKind.ADMIT
    assert manager.reports.sales(None).totals.gross == 2500
    refunded = manager.aftersales.cancel(None, sale.booking.reference, ["B2"])
    assert [s.status for s in refunded.seats] == ["active", "refunded"]

    health = httpx.get(f"{served}/health").json()
    assert health["status"] == "ok" and health["database"] == "ok" and health["version"]
    schema = httpx.get(f"{served}/openapi.json").json()
    assert "/api/v1/booking/hold" in schema["paths"] and "/api/v1/sessions" in schema["paths"]


def test_sigterm_stops_the_server_cleanly_and_the_client_says_so(environment, box_office):
    process, url = start()
    out, _ = stop(process)
    assert out.strip() == f"box-office server on {url} (Ctrl-C stops)"

    remote = RemoteBoxOffice(url, retries=0)
    with pytest.raises(StorageError, match=f"box-office server at {url} is not answering"):
        remote.catalog.genres(None)


def test_two_workers_serve_one_box_office(environment, box_office):
    process, url = start("--workers", "2")
    try:
        remote = RemoteBoxOffice(url, token=token_path(box_office.config.data_dir).read_text())
        theater = remote.venues.add_theater(None, name="Odeon")
        for _ in range(6):  # whichever worker answers, it reads the same database
            assert [t.name for t in RemoteBoxOffice(url).venues.theaters(None)] == ["Odeon"]
        assert theater.id
    finally:
        stop(process)


def test_a_port_in_use_is_refused_in_one_line(cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = cli("serve", "--port", str(port)).error_line()
    assert line.startswith(f"error: port: 127.0.0.1:{port} cannot be used")
