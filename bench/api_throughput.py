"""Booking throughput through the box-office server, beside the engine in-process.

The sell-out of booking_throughput.py (client processes booking random groups of
1-4 seats of one large showtime: hold, pay with the simulated provider, confirm)
run three times on fresh showtimes of the same hall: with the clients as HTTP
clients of one local `marquee serve` (one worker), again with two workers, and
with the clients on the engine in-process as terminals ran before the server.
Each API client holds a paired kiosk's device token, as a lobby kiosk does.

    python bench/api_throughput.py [--clients 16] [--rows 40] [--seats 50]

Last line: RESULT api_bookings_per_s=<float> api_hold_p99_ms=<float>
           inprocess_bookings_per_s=<float> ratio=<float>
(the API figures are those of the better of one and two workers; ratio = api / in-process)
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from booking_throughput import (  # noqa: E402
    ADMIN,
    client,
    percentile,
    run_processes,
    seed,
    sell_out,
)

from client.remote import RemoteBoxOffice  # noqa: E402
from core.bootstrap import open_box_office  # noqa: E402
from core.config import load_config  # noqa: E402
from core.repo.embedded import EmbeddedServer  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kiosk_token(env: dict[str, str]) -> str:
    """Pair a kiosk of the bench theater, as a manager and a lobby kiosk would."""
    box_office = open_box_office(load_config(environ=env, cwd=Path(env["MARQUEE_DATA_DIR"])))
    try:
        _device, code = box_office.devices.add(ADMIN, "bench kiosk", "kiosk", "bench")
        _device, token = box_office.devices.pair(code)
    finally:
        box_office.close()
    return token


def start_server(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "console.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env=os.environ | env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"marquee serve stopped: {server.stderr.read().decode()[-500:]}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("marquee serve did not answer /health within a minute")


def api_client(
    url: str, token: str, show_id: str, rows, start, results, seed_value, timed: bool = False
) -> None:
    remote = RemoteBoxOffice(url, token)
    try:
        # The actor argument keeps the services' face; the server takes the kiosk from the token.
        sell_out(remote, ADMIN, show_id, rows, start, results, seed_value, timed)
    finally:
        remote.close()


def summary(label: str, outcomes: list[dict], elapsed: float, capacity: int) -> tuple[float, float]:
    booked = sum(o["booked"] for o in outcomes)
    seats = sum(o["seats"] for o in outcomes)
    conflicts = sum(o["conflicts"] for o in outcomes)
    holds = sorted(ms for o in outcomes for ms in o["holds_ms"])
    rate, p99 = booked / elapsed, percentile(holds, 0.99)
    print(
        f"{label}: sold {seats}/{capacity} seats in {booked} bookings in {elapsed:.2f} s "
        f"({rate:.1f} bookings/s); {conflicts} holds refused; hold p50 "
        f"{percentile(holds, 0.5):.1f} ms, p99 {p99:.1f} ms"
    )
    return rate, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rows", type=int, default=40)
    parser.add_argument("--seats", type=int, default=50)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="marquee-bench-")
    embedded = EmbeddedServer(Path(data_dir))
    uri = embedded.acquire()
    env = {"MARQUEE_MONGO_URI": uri, "MARQUEE_DB_NAME": "bench", "MARQUEE_DATA_DIR": data_dir}
    api: list[tuple[float, float]] = []
    try:
        for workers in (1, 2):
            show_id, layout = seed(env, args.rows, args.seats)  # a fresh database each run
            rows = [[seat.id for seat in row.cells if seat] for row in layout.rows]
            capacity = sum(len(row) for row in rows)
            token = kiosk_token(env)
            server, url = start_server(env, workers)
            try:
                given = (url, token, show_id, rows)
                outcomes, elapsed = run_processes(api_client, lambda i, a=given: a, args.clients)
            finally:
                server.terminate()
                server.wait(timeout=30)
            label = f"API, {args.clients} clients, {workers} worker{'s' * (workers > 1)}"
            api.append(summary(label, outcomes, elapsed, capacity))

        show_id, layout = seed(env, args.rows, args.seats)
        rows = [[seat.id for seat in row.cells if seat] for row in layout.rows]
        outcomes, elapsed = run_processes(client, lambda i: (env, show_id, rows), args.clients)
        inprocess, _ = summary(f"in-process, {args.clients} clients", outcomes, elapsed, capacity)
    finally:
        embedded.release()
        embedded.stop(force=True)
    best_rate, best_p99 = max(api)
    print(
        f"RESULT api_bookings_per_s={best_rate:.1f} api_hold_p99_ms={best_p99:.1f} "
        f"inprocess_bookings_per_s={inprocess:.1f} ratio={best_rate / inprocess:.3f}"
    )


if __name__ == "__main__":
    main()
