"""``marquee serve`` over a real socket: started as its own process, used by the
client the terminals use, stopped by SIGTERM cleanly (and again with two workers)."""

from __future__ import annotations

import socket

import httpx
import pytest
from api_support import set_up
from server_support import start, stop

from client.remote import RemoteBoxOffice
from core.errors import StorageError
from core.records import SaleOrder, VerdictKind
from server.contract.local import token_path


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
