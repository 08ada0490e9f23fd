"""(In a leased server's process.) Its arguments, and the watchdog: the server stops
by itself once no leasing process has been alive for its linger, unless pinned, or
when asked."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import threading
import time
from pathlib import Path

from core.errors import StorageError
from core.lease.files import LeaseFiles, ServerState
from core.logfile import DEFAULT_BACKUPS, DEFAULT_MAX_BYTES

ROUND_S = 0.25


def server_arguments(prog: str) -> argparse.Namespace:
    """What its starter tells a server (see :meth:`core.lease.server.LeasedServer.command`):
    its data dir, its socket, its linger and the size of its log."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--socket", required=True, type=Path)
    parser.add_argument("--linger", type=float, default=3.0)
    # Its log (rotated: see core.logfile), as the starter's config says.
    parser.add_argument("--log-max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    parser.add_argument("--log-backups", type=int, default=DEFAULT_BACKUPS)
    return parser.parse_args()


def start_watchdog(files: LeaseFiles, linger_s: float, state: ServerState) -> None:
    """Watch the leases in a daemon thread, from now until this process ends."""
    threading.Thread(target=watch_leases, args=(files, linger_s, state), daemon=True).start()


def watch_leases(files: LeaseFiles, linger_s: float, state: ServerState) -> None:
    idle_since: float | None = None
    while True:
        time.sleep(ROUND_S)
        if files.stop_requested(state.pid):  # by a stop, which holds the lock
            exit_server(files)
        if not files.root.is_dir():  # its files were removed: nobody can reach or stop it
            exit_server(files)
        if files.read_state() != state:
            with contextlib.suppress(OSError):  # (being removed) looked at again next round
                files.write_state(state)  # damaged or overwritten: say again where we listen
        if files.pin.exists() or files.live_clients():
            idle_since = None
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since < linger_s:
            continue
        try:
            with files.locked():
                # Re-check under the lock: a new client may have just leased us.
                if files.pin.exists() or files.live_clients():
                    idle_since = None
                    continue
                # Exit while still holding the lock so no one starts a second server
                # on the same files before this one has let go of them.
                exit_server(files)
        except StorageError as error:  # the lock stayed busy: look again later
            logging.warning("%s", error)


def exit_server(files: LeaseFiles) -> None:
    """End this server (its main thread stops cleanly on SIGTERM); its state goes first."""
    files.state.unlink(missing_ok=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(60)
