"""The local box-office server process: the API of one data dir on a Unix socket, leased
by this machine's commands and terminals (see :mod:`client.local_server`), never run
by hand.

It holds ``<data dir>/server/local/server.lock`` for its whole life and refuses to
start if another local server has it; it stops by itself once no leaseholder has been
alive for ``--linger`` seconds (:mod:`core.lease.watchdog`). Its starter points its
output at ``server/local/server.log``: warnings and errors only, never a token.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from core.errors import MarqueeError
from core.lease.files import ServerState
from core.lease.watchdog import server_arguments, start_watchdog
from core.logfile import log_output, log_to, mask_secrets_of
from core.private import PRIVATE_UMASK
from core.processes import process_start
from core.unix_socket import listen
from server.contract.local import local_server_files


def main() -> None:
    args = server_arguments("marquee-local-server")
    files = local_server_files(args.data_dir)
    # Its starter points stderr at the same file, for a line on why it could not start.
    log_to(files.log, "", level="WARNING", max_bytes=args.log_max_bytes, backups=args.log_backups)
    os.umask(PRIVATE_UMASK)  # as its starter sets it: every file written here is 0600
    files.ensure()
    if not files.hold_server_lock():
        sys.exit(f"error: another local server already uses {files.data_dir}: not starting")
    try:
        app = _app(files.data_dir)
    except MarqueeError as error:  # a bad config, no database: one line in the log
        sys.exit(f"error: {error}")

    import uvicorn

    from server.running import OPTIONS, QuietServer

    listener = listen(args.socket)
    pid = os.getpid()
    state = ServerState(pid, str(args.socket), time.time(), process_start(pid))
    files.write_state(state)
    log_output()  # started: from now on its output too goes through the rotating log
    start_watchdog(files, args.linger, state)
    try:
        QuietServer(uvicorn.Config(app, **OPTIONS)).run(sockets=[listener])
    finally:
        # Gone while this process still holds the server lock (a server started after
        # it has its own socket there).
        with contextlib.suppress(OSError):
            args.socket.unlink()


def _app(data_dir: Path):
    """The API over the box office of ``data_dir``, configured as its starter was."""
    from core.bootstrap import open_box_office
    from core.config import load_config
    from server.app import create_app
    from server.local_token import local_token

    config = load_config().with_overrides(data={"dir": str(data_dir)})
    mask_secrets_of(config)
    box_office = open_box_office(config)
    return create_app(box_office, token=local_token(data_dir), close_at_exit=True, reconcile=True)


if __name__ == "__main__":
    main()
