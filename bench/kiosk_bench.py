"""Kiosk responsiveness: the seat map's work per key press, and the kiosk's cold start.

    python bench/kiosk_bench.py [--presses 200] [--starts 3]

1. Key press. A minimal app shows ``SeatMapView`` on a 2,000-seat hall
   (``grid_layout(40, 50)``) at 100x30, headless, driven by Pilot. For each press
   the bench takes the process CPU time (``time.process_time``) when the key event
   reaches the app and again at the end of the last screen update (the
   compositor's ``render_update`` and ``App._display``) before the next key: key
   dispatch, binding, action, cursor watchers, the ``render_line`` calls and the
   compositor's work, without Pilot's sleeps (idle time costs no CPU). Reported:
   the median over the arrow presses (right/down/left/up, bouncing inside the
   hall), plus figures for scrolling page moves and ``update_map``.

2. Cold start. The bench seeds the demo cinema on an embedded database, starts
   ``marquee serve`` on it and makes a kiosk device there (with the data dir's
   local token). Then a fresh ``python`` process is started and timed until it
   reports that the kiosk's first screen is mounted (``App.run_test`` entered and
   one refresh done): the child builds the kiosk as ``marquee kiosk --server URL``
   does (a ``RemoteBoxOffice`` with the device token, ``make_kiosk_app``), so the
   figure is interpreter start + imports + asking the server who the kiosk is and
   its settings + mount, with the server already running. Without a working kiosk
   app the bench says "cold start: kiosk app not available" and times a child that
   mounts the seat-map app instead, labelled as such.

Last line: RESULT keypress_median_ms=<float> cold_start_s=<float>
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402

from core.layout import grid_layout, parse_layout  # noqa: E402
from core.repo.inventory import RowState  # noqa: E402
from core.seat_map import SeatMap  # noqa: E402
from screens.widgets.seat_map_view import SeatMapView  # noqa: E402

SIZE = (100, 30)
PRICES = {"standard": "$12.50", "vip": "$16.50"}
CHILD_FLAG = "--cold-start-child"
TOKEN_VARIABLE = "KIOSK_BENCH_DEVICE_TOKEN"  # the kiosk's device token, for the child only
READY = "READY"


BIG_HALL = parse_layout(grid_layout(40, 50))  # one parse, as the services' layout_of cache


def big_map(sold: dict[str, set[int]] | None = None) -> SeatMap:
    rows = {
        label: RowState(label, sold=dict.fromkeys(numbers, "bk"))
        for label, numbers in (sold or {}).items()
    }
    return SeatMap("bench", BIG_HALL, rows, time.time())


class SeatMapBenchApp(App):
    """SeatMapView alone, with timing hooks at key arrival and screen update."""

    def __init__(self, seat_map: SeatMap) -> None:
        super().__init__()
        self.seat_map = seat_map
        self.key_start: float | None = None
        self.last_update: float | None = None
        self.render_lines = 0

    def compose(self) -> ComposeResult:
        yield SeatMapView(self.seat_map, prices=PRICES)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_start = time.process_time()
            self.last_update = None
            self.render_lines = 0
        await super().on_event(event)

    def install_hooks(self) -> None:
        display = self._display
        view = self.query_one(SeatMapView)
        render_line = view.render_line

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if self.key_start is not None:
                self.last_update = time.process_time()

        def counted_render_line(y: int):
            self.render_lines += 1
            return render_line(y)

        self._display = timed_display
        view.render_line = counted_render_line


async def measure_keys(app: SeatMapBenchApp, pilot, keys: list[str]) -> tuple[list[float], int]:
    """CPU ms per key (key arrival -> end of its last screen update); render_line calls."""
    samples: list[float] = []
    lines = 0
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
        if app.key_start is not None and app.last_update is not None:
            samples.append((app.last_update - app.key_start) * 1000)
            lines += app.render_lines
        app.key_start = None
    return samples, lines


def describe(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return (
        f"{name}: median {statistics.median(ordered):.3f} ms, p90 {p90:.3f} ms, "
        f"max {ordered[-1]:.3f} ms over {len(ordered)} presses"
    )


async def keypress_bench(presses: int) -> float:
    app = SeatMapBenchApp(big_map())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(SeatMapView)
        app.install_hooks()
        print(
            f"hall: {len(view.seat_map.layout.seats)} seats in {len(view.seat_map.layout.rows)} "
            f"rows, terminal {SIZE[0]}x{SIZE[1]}, cursor starts at {view.cursor}"
        )
        print(
            "method: process CPU time from the key event reaching the app to the end of the "
            "last screen update it caused (Pilot's idle waits excluded)"
        )
        cycle = ["right"] * 10 + ["down"] * 10 + ["left"] * 10 + ["up"] * 10
        await measure_keys(app, pilot, cycle[:20])  # warm-up
        keys = (cycle * (presses // len(cycle) + 1))[:presses]
        arrows, lines = await measure_keys(app, pilot, keys)
        print(describe("arrow keys", arrows))
        print(f"render_line calls per arrow press: {lines / max(len(arrows), 1):.1f}")
        if len(arrows) < len(keys):
            print(f"({len(keys) - len(arrows)} presses caused no screen update)")

        pages, lines = await measure_keys(app, pilot, (["pagedown"] * 7 + ["pageup"] * 7) * 3)
        print(describe("PgDn/PgUp (scrolling)", pages))
        print(f"render_line calls per page press: {lines / max(len(pages), 1):.1f}")

        update_ms = []
        for round_ in range(20):
            changed = {label: {1 + (round_ + n) % 50 for n in range(4)} for label in "DEFGH"}
            newer = big_map(changed)
            start = time.process_time()
            view.update_map(newer)
            update_ms.append((time.process_time() - start) * 1000)
            await pilot.pause()
        print(
            f"update_map (2,000 seats, 5 rows changed): median "
            f"{statistics.median(update_ms):.3f} ms"
        )
    return statistics.median(arrows)


# -- cold start -------------------------------------------------------------------------


def kiosk_available() -> str | None:
    """None if ``kiosk.app.KioskApp`` imports, else why not."""
    try:
        from kiosk.app import KioskApp  # noqa: F401
    except Exception as error:  # the kiosk is built elsewhere; any failure means "not here"
        return f"{type(error).__name__}: {error}"
    return None


def child_main(mode: str) -> None:
    """Run in the timed child: mount the app, print READY, exit."""

    async def run(app: App) -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            print(f"{READY} {type(app.screen).__name__}", flush=True)

    if mode == "kiosk":
        from client.remote import RemoteBoxOffice
        from kiosk.main import make_kiosk_app

        url = os.environ["MARQUEE_SERVER"]
        with RemoteBoxOffice(url, os.environ[TOKEN_VARIABLE]) as box_office:
            asyncio.run(run(make_kiosk_app(box_office, demo=True, server=url)))
    else:
        asyncio.run(run(SeatMapBenchApp(big_map())))


def time_child(mode: str, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from starting the child process to its READY line, and that line."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), CHILD_FLAG, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=env.get("MARQUEE_DATA_DIR", str(ROOT)),
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(READY):
            elapsed = time.perf_counter() - start
            child.wait(timeout=30)
            return elapsed, line.strip()
    _, err = child.communicate(timeout=30)
    last = err.strip().splitlines()[-1] if err.strip() else f"exit code {child.returncode}"
    raise RuntimeError(last)


def cold_start_bench(starts: int) -> float:
    reason = kiosk_available()
    if reason is None:
        try:
            return kiosk_cold_start(starts)
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"
    print(f"cold start: kiosk app not available ({reason})")
    print("cold start: timing the seat-map app (2,000 seats) instead: process start -> mounted")
    times = []
    for _ in range(starts):
        seconds, _line = time_child("seatmap", dict(os.environ))
        times.append(seconds)
    print(f"cold start (seat-map app): {', '.join(f'{t:.2f}' for t in times)} s")
    return statistics.median(times)


def kiosk_cold_start(starts: int) -> float:
    from client.remote import RemoteBoxOffice
    from core.bootstrap import open_box_office
    from core.config import load_config
    from core.demo import seed_demo
    from core.repo.embedded import EmbeddedServer
    from core.services.access import Actor
    from server.contract.local import token_path

    data_dir = tempfile.mkdtemp(prefix="marquee-kiosk-bench-")
    server = EmbeddedServer(Path(data_dir))
    uri = server.acquire()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MARQUEE_")},
        "MARQUEE_MONGO_URI": uri,
        "MARQUEE_DB_NAME": "kiosk_bench",
        "MARQUEE_DATA_DIR": data_dir,
    }
    serving: subprocess.Popen | None = None
    try:
        box_office = open_box_office(load_config(environ=env, cwd=Path(data_dir)))
        try:
            seed_demo(box_office, Actor.local_admin())
        finally:
            box_office.close()
        serving, url = serve(env, data_dir)
        with RemoteBoxOffice(url, token_path(Path(data_dir)).read_text().strip()) as owner:
            device = owner.local_device("kiosk", "downtown")
        child_env = {**env, "MARQUEE_SERVER": url, TOKEN_VARIABLE: device.token}
        print(
            f"cold start: the kiosk as a client of `marquee serve` at {url} (demo data, "
            "server already running), process start -> first screen mounted"
        )
        times, line = [], ""
        for _ in range(starts):
            seconds, line = time_child("kiosk", child_env)
            times.append(seconds)
        print(
            f"cold start (kiosk, first screen {line.split()[-1]}): "
            f"{', '.join(f'{t:.2f}' for t in times)} s"
        )
        return statistics.median(times)
    finally:
        if serving is not None:
            serving.terminate()
            serving.wait(timeout=30)
        server.release()
        server.stop(force=True)


def serve(env: dict[str, str], data_dir: str) -> tuple[subprocess.Popen, str]:
    """``marquee serve`` on a free port of this machine, once it answers; its address."""
    import socket

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from console.cli import run; run()", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        cwd=data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)  # still starting
    process.kill()
    raise RuntimeError("marquee serve did not start")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == CHILD_FLAG:
        child_main(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    keypress_ms = asyncio.run(keypress_bench(args.presses))
    cold_s = cold_start_bench(args.starts)
    print(f"RESULT keypress_median_ms={keypress_ms:.3f} cold_start_s={cold_s:.3f}")


if __name__ == "__main__":
    main()
