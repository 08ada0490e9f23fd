"""What every terminal does as it starts: log to a file, settle payments left open."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from core.bootstrap import BoxOffice
from core.logfile import log_for
from core.services.access import Actor


def log_to_file(
    box_office: BoxOffice,
    file_name: str,
    logger_name: str = "marquee",
    *,
    alone: bool = False,
    level: str | None = None,
) -> None:
    """Problems go to ``file_name`` in the data dir (rotated, secrets masked: see
    :mod:`core.logfile`): never onto the screen."""
    log_for(box_office.config, file_name, logger_name, alone=alone, level=level)


def repeat_in_background(
    name: str,
    work: Callable[[], None],
    every_s: float,
    stop: threading.Event,
    failed: str,
    log: logging.Logger,
) -> threading.Thread:
    """Do ``work`` now in a daemon thread, then again every ``every_s`` seconds (0: only
    now) until ``stop`` is set; a failure is logged as ``failed`` and the next run tries
    again."""

    def run() -> None:
        while True:
            try:
                work()
            except Exception:
                log.exception(failed)
            if every_s <= 0 or stop.wait(every_s):
                return

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def reconcile_in_background(
    box_office: BoxOffice,
    terminal_name: str,
    every_s: float = 0,
    stop: threading.Event | None = None,
) -> threading.Thread:
    """Settle payments left open (a crash, a payment taken while the database was away;
    this terminal's or another's) without delaying the start; then again every ``every_s``
    seconds (0: only at the start) until ``stop`` is set."""
    log = logging.getLogger("marquee.kiosk")
    system = Actor(subject=f"reconcile:{terminal_name}", role="admin")

    def reconcile() -> None:
        for outcome in box_office.reconcile.run(system):
            log.info("reconciled %s: %s -> %s", outcome.reference, outcome.before, outcome.after)

    # A failed run leaves the terminal selling; the next run tries again.
    return repeat_in_background(
        "reconcile", reconcile, every_s, stop or threading.Event(), "reconcile failed", log
    )
