"""The embedded server process: nx-27017 plus a watchdog over the client leases.

Started by :class:`core.repo.embedded.EmbeddedServer`, never by hand. It holds
``embedded/server.lock`` for its whole life and refuses to start if another server
has it. It stops by itself once no leasing process is alive for ``--linger``
seconds, unless pinned.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from core.errors import StorageError
from core.repo.embedded import HOST
from core.repo.embedded_files import EmbeddedServerPaths, ServerState
from core.repo.processes import process_start


def watch_leases(paths: EmbeddedServerPaths, linger_s: float, state: ServerState) -> None:
    idle_since: float | None = None
    while True:
        time.sleep(0.25)
        if paths.stop_requested(state.pid):  # by marquee db stop, which holds the lock
            _exit(paths)
        if paths.read_state() != state:
            paths.write_state(state)  # damaged or overwritten: say again where we listen
        if paths.pin.exists() or paths.live_clients():
            idle_since = None
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since < linger_s:
            continue
        try:
            with paths.locked():
                # Re-check under the lock: a new client may have just leased us.
                if paths.pin.exists() or paths.live_clients():
                    idle_since = None
                    continue
                # Exit while still holding the lock so no one starts a second server
                # on the same files before this one has let go of them.
                _exit(paths)
        except StorageError as error:  # the lock stayed busy: look again later
            logging.warning("%s", error)


def _exit(paths: EmbeddedServerPaths) -> None:
    """End this server (the main thread exits cleanly on SIGTERM); its state goes first."""
    paths.state.unlink(missing_ok=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(60)


def main() -> None:
    parser = argparse.ArgumentParser(prog="marquee-embedded-db")
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--linger", type=float, default=3.0)
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    # nx-27017 logs every command at INFO; keep only warnings (query fallbacks) and errors.
    logging.getLogger("nx_27017").setLevel(logging.WARNING)
    logging.getLogger("neosqlite").setLevel(logging.WARNING)

    from neosqlite.options import JournalMode
    from nx_27017.daemon import run_server_sync

    paths = EmbeddedServerPaths(args.data_dir)
    paths.ensure()
    if not paths.hold_server_lock():
        sys.exit(f"another embedded server already uses {paths.data_dir}: not starting")
    pid = os.getpid()
    state = ServerState(pid, args.port, time.time(), process_start(pid))
    paths.write_state(state)
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=watch_leases, args=(paths, args.linger, state), daemon=True).start()
    server_args = argparse.Namespace(
        db_path=str(paths.database_dir / "default.db"),
        data_dir=str(paths.database_dir),
        single_db_compat=False,
        host=HOST,
        port=args.port,
        journal_mode=JournalMode.validate("WAL"),
        fts5_tokenizers=None,
        threaded=True,  # a thread per connection: no event-loop hop per command
        verbose=False,
    )
    run_server_sync(server_args)


def _exit_cleanly(*_: object) -> None:
    raise SystemExit(0)


if __name__ == "__main__":
    main()
