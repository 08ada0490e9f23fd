"""Live seat maps: how soon a sale shows on the other terminals watching the showtime.

One local `marquee serve` (one worker) over the embedded database. Eight terminal
processes watch one showtime (``remote.inventory.watch``, the server's seat stream)
while sixteen client processes sell it out through the server (hold 1-4 adjacent
seats, pay with the simulated provider), each as a paired kiosk. For every seat sold
and every terminal, the propagation time is from the moment the seller asked for the
sale (its payment and commit) to the moment that terminal's map first showed the seat
sold. The commit happens within the seller's call, so this is an upper bound; the
figures from the moment the answer reached the seller (a lower bound, below zero when
a terminal showed the sale before its seller had the answer) are printed too. Once
the hall is sold out the bench waits for every terminal to show every sale (up to
--settle seconds; a sale never shown counts as that long).

    python bench/live_seats.py [--watchers 8] [--clients 16] [--rows 20] [--seats 30]

Last line: RESULT propagation_p50_ms=<float> propagation_p99_ms=<float> terminals=<int>
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_throughput import api_client, kiosk_token, start_server  # noqa: E402
from booking_throughput import (  # noqa: E402
    ADMIN,
    percentile,
    run_processes,
    seed,
    start_processes,
)

from client.remote import RemoteBoxOffice  # noqa: E402
from core.repo.embedded import EmbeddedServer  # noqa: E402


def sold_in(seat_map) -> set[str]:
    rows, _, _ = seat_map.parts()
    return {f"{label}{n}" for label, row in rows.items() for n in row.sold}


def watcher(url: str, token: str, show_id: str, end, results, index: int) -> None:
    """A terminal's live map: the first moment each seat showed sold, until ``end``."""
    remote = RemoteBoxOffice(url, token)
    seen: dict[str, float] = {}
    stop, started = threading.Event(), threading.Event()

    def on_change(seat_map) -> None:
        now = time.time()
        for seat in sold_in(seat_map) - seen.keys():
            seen[seat] = now

    def on_start(seat_map) -> None:
        on_change(seat_map)
        started.set()

    thread = threading.Thread(
        target=remote.inventory.watch,
        args=(ADMIN, show_id, on_change, stop),
        kwargs={"on_start": on_start},
        daemon=True,
    )
    thread.start()
    started.wait(60)
    results.put("ready")
    end.wait()
    stop.set()
    thread.join(10)
    results.put({"seen": seen})
    remote.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=8)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--settle", type=float, default=10.0)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="marquee-bench-")
    embedded = EmbeddedServer(Path(data_dir))
    uri = embedded.acquire()
    env = {"MARQUEE_MONGO_URI": uri, "MARQUEE_DB_NAME": "bench", "MARQUEE_DATA_DIR": data_dir}
    try:
        show_id, layout = seed(env, args.rows, args.seats)
        rows = [[seat.id for seat in row.cells if seat] for row in layout.rows]
        capacity = sum(len(row) for row in rows)
        token = kiosk_token(env)
        server, url = start_server(env, 1)
        try:
            # Every terminal shows the map before the first sale.
            watchers, watch_end, watch_results = start_processes(
                watcher, lambda i: (url, token, show_id), args.watchers
            )
            seller = functools.partial(api_client, timed=True)
            outcomes, elapsed = run_processes(
                seller, lambda i: (url, token, show_id, rows), args.clients
            )
            committed: dict[str, tuple[float, float]] = {}  # seat -> (asked, answered)
            for outcome in outcomes:
                committed.update(outcome["sold_at"])
            last = max(answered for _, answered in committed.values())
            # Let the last sales reach every terminal, then end the watches.
            time.sleep(max(0.0, last + args.settle - time.time()))
            watch_end.set()
            seen = [watch_results.get(timeout=120)["seen"] for _ in watchers]
            for process in watchers:
                process.join(timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        embedded.release()
        embedded.stop(force=True)

    answered_ms, asked_ms, missed = [], [], 0
    for terminal in seen:
        for seat, (asked, answered) in committed.items():
            at = terminal.get(seat)
            if at is None:
                missed += 1
                at = answered + args.settle
            answered_ms.append((at - answered) * 1000)
            asked_ms.append((at - asked) * 1000)
    answered_ms.sort()
    asked_ms.sort()
    p50, p99 = percentile(asked_ms, 0.5), percentile(asked_ms, 0.99)
    print(
        f"sold {len(committed)}/{capacity} seats through {args.clients} clients in "
        f"{elapsed:.1f} s; {args.watchers} terminals watching; {missed} (terminal, seat) "
        f"pairs never shown within {args.settle:.0f} s"
    )
    print(
        f"from the sale's answer (a lower bound): p50 {percentile(answered_ms, 0.5):.1f} ms, "
        f"p99 {percentile(answered_ms, 0.99):.1f} ms"
    )
    print(
        f"from the sale's request (an upper bound): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {asked_ms[-1]:.1f} ms"
    )
    print(
        f"RESULT propagation_p50_ms={p50:.1f} propagation_p99_ms={p99:.1f} "
        f"terminals={args.watchers}"
    )


if __name__ == "__main__":
    main()
