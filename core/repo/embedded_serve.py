"""The embedded server process: nx-27017 plus a watchdog over the client leases
(:mod:`core.lease.watchdog`).

Started by :class:`core.repo.embedded.EmbeddedServer`, never by hand. It holds
``embedded/server.lock`` for its whole life and refuses to start if another server
has it. It stops by itself once no leasing process is alive for ``--linger``
seconds, unless pinned.

nx-27017 itself listens on TCP only; its connection handler is given the
connections of a Unix socket here instead (``--socket``), and no TCP port is opened.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from core.lease.files import ServerState
from core.lease.watchdog import server_arguments, start_watchdog
from core.logfile import log_output, log_to
from core.private import PRIVATE_UMASK
from core.processes import process_start
from core.repo.embedded_files import EmbeddedServerPaths
from core.repo.embedded_ttl import sweep_at_most_every
from core.unix_socket import listen


def serve(listener: socket.socket, handler: object) -> None:
    """Give every connection of ``listener`` to nx-27017's handler, a thread each."""
    from nx_27017.server import handle_client_threaded

    while True:
        try:
            connection, _ = listener.accept()
        except OSError as error:
            logging.warning("cannot accept a connection: %s", error)
            time.sleep(0.05)
            continue
        threading.Thread(
            target=handle_client_threaded, args=(connection, handler), daemon=True
        ).start()


def main() -> None:
    args = server_arguments("marquee-embedded-db")

    paths = EmbeddedServerPaths(args.data_dir)
    # Its starter points stderr at the same file, for a line on why it could not start.
    log_to(paths.log, "", level="WARNING", max_bytes=args.log_max_bytes, backups=args.log_backups)
    # nx-27017 logs every command at INFO; keep only warnings (query fallbacks) and errors.
    logging.getLogger("nx_27017").setLevel(logging.WARNING)
    logging.getLogger("neosqlite").setLevel(logging.WARNING)

    sweep_at_most_every()  # expired documents go once a minute, not before every read
    from neosqlite.options import JournalMode
    from nx_27017.handler import NeoSQLiteHandler

    os.umask(PRIVATE_UMASK)  # as its starter sets it: every file written here is 0600
    paths.ensure()
    if not paths.hold_server_lock():
        sys.exit(f"error: another embedded server already uses {paths.data_dir}: not starting")
    paths.keep_private()
    handler = NeoSQLiteHandler(
        str(paths.database_dir / "default.db"),
        journal_mode=JournalMode.validate("WAL"),
        data_dir=str(paths.database_dir),
    )
    listener = listen(args.socket)
    pid = os.getpid()
    state = ServerState(pid, str(args.socket), time.time(), process_start(pid))
    paths.write_state(state)
    log_output()  # started: from now on its output too goes through the rotating log
    signal.signal(signal.SIGTERM, lambda *_: _exit_cleanly(args.socket))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    start_watchdog(paths, args.linger, state)
    serve(listener, handler)


def _exit_cleanly(socket_path: Path) -> None:
    """Remove the socket while this process still holds the server lock (a server started
    after it has its own socket there) and exit."""
    with contextlib.suppress(OSError):
        socket_path.unlink()
    raise SystemExit(0)


if __name__ == "__main__":
    main()
