"""Start, lease, inspect and stop a server of a data dir that processes share.

Every process that needs the server *leases* it: it writes a file named after its pid
into the server's ``clients`` directory. The server's watchdog
(:mod:`core.lease.watchdog`) watches those files; when no leasing process is alive
any more (they exited or crashed) and the server was not pinned, it stops itself
after a short linger. So a second process reuses the running server, a server is
never stopped under a process that still uses it, and it is never left orphaned. One
lock file serialises starting, leasing and stopping.

The running server holds ``server.lock`` for its whole life: that lock, not
``server.json``, says whether a server owns the files. A second server cannot take it
and refuses to start; a free lock means ``server.json`` is stale. ``server.json`` only
says where the server listens: a Unix socket only this OS user can reach (see
:mod:`core.unix_socket`); the server rewrites the file if it is damaged. A server is
stopped by a request file its watchdog reads; only one that does not go is killed,
and only once its pid is shown to be this data dir's server (its command line and
start time).

A kind of server says where its files are (:meth:`LeasedServer.lease_files`), which
module runs it and whether it answers (:meth:`LeasedServer.answers`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import StorageError
from core.lease.files import LeaseFiles, ServerState
from core.logfile import DEFAULT_BACKUPS, DEFAULT_MAX_BYTES, roll_over_if_full
from core.private import PRIVATE_UMASK, open_private
from core.processes import process_args, process_start, valid_pid

REPAIR_WAIT_S = 2.0  # how long a running server may take to rewrite a damaged server.json
EXIT_WAIT_S = 10.0  # how long a server may take to stop when asked
STUCK_WAIT_S = 1.0  # the same, for a server that stopped answering
ANSWER_S = 2.0  # how long a running server may take to answer
SAID = "error: "  # a server's line for the user, in its log, when it cannot start


@dataclass(frozen=True)
class ServerStatus:
    pid: int
    socket: str  # the path of its Unix socket
    started_at: float
    pinned: bool
    clients: tuple[int, ...]


class LeasedServer:
    """The shared server of ``data_dir``; run as ``python -m <module>``."""

    module: str = ""  # the server's module: its command line shows it is ours
    status_type: type[ServerStatus] = ServerStatus
    answer_s = ANSWER_S  # a running server that does not answer within this is stuck

    def __init__(
        self,
        data_dir: Path,
        start_timeout_s: float = 20.0,
        linger_s: float = 3.0,
        lock_timeout_s: float = 60.0,
    ):
        self.paths = self.lease_files(Path(data_dir))
        self.start_timeout_s = start_timeout_s
        self.linger_s = linger_s
        self.lock_timeout_s = lock_timeout_s
        self._leased = 0
        self.log_limits = (DEFAULT_MAX_BYTES, DEFAULT_BACKUPS)  # logging.max_bytes, backups

    # -- what differs between kinds of server -------------------------------------
    @staticmethod
    def lease_files(data_dir: Path) -> LeaseFiles:
        """The server's files (where they are, what the server is called)."""
        raise NotImplementedError

    def command(self, socket_path: Path) -> list[str]:
        """The command line that starts a server listening on ``socket_path``: the same
        arguments for each kind (see :func:`core.lease.watchdog.server_arguments`)."""
        return [
            sys.executable,
            "-m",
            self.module,
            "--data-dir",
            str(self.paths.data_dir),
            "--socket",
            str(socket_path),
            "--linger",
            str(self.linger_s),
            "--log-max-bytes",
            str(self.log_limits[0]),
            "--log-backups",
            str(self.log_limits[1]),
        ]

    def answers(self, socket_path: str, timeout_s: float) -> bool:
        """Whether the server on ``socket_path`` answers within ``timeout_s``."""
        raise NotImplementedError

    def environment(self) -> dict[str, str] | None:
        """The environment of a server started now (None: this process's)."""
        return None

    def working_dir(self) -> Path:
        """Where a server started now runs: where its modules are."""
        return Path(__file__).resolve().parents[2]

    @property
    def what(self) -> str:
        return self.paths.what

    @contextlib.contextmanager
    def _locked(self):
        with self.paths.locked(self.lock_timeout_s):
            yield

    # -- leasing, for every process that uses the server -----------------------
    def acquire(self) -> str:
        """Lease the running server, starting it first if needed; returns its socket."""
        socket = self.locate()
        self._leased += 1
        return socket

    def locate(self) -> str:
        """(For a process that holds a lease.) Where the server is now, starting it if it
        has gone."""
        with self._locked():
            status = self._running_status() or self._start()
            self.paths.lease()
            return status.socket

    def release(self) -> None:
        if self._leased == 0:
            return
        self._leased -= 1
        if self._leased == 0:
            self.paths.end_lease()

    # -- administration: status, start and stop ---------------------------------
    def status(self) -> ServerStatus | None:
        with self._locked():
            return self._running_status()

    def start_pinned(self) -> ServerStatus:
        """Start (or keep) the server and pin it so it runs with no client."""
        with self._locked():
            self.paths.pin_server()
            return self._running_status() or self._start()

    def stop(self, force: bool = False) -> ServerStatus | None:
        """Unpin and stop the server; refuses while other processes use it."""
        with self._locked():
            state = self._running_state()
            self.paths.pin.unlink(missing_ok=True)
            if state is None:
                return None
            status = self._status(state)
            users = [pid for pid in status.clients if pid != os.getpid()]
            if users and not force:
                pids = ", ".join(map(str, users))
                raise StorageError(
                    f"{self.what} is in use by {len(users)} process(es) "
                    f"(pid {pids}); it stops by itself when they exit, or use --force"
                )
            self._end(state, EXIT_WAIT_S)
            return status

    # -- internals (called with the lock held) --------------------------------
    def _running_status(self) -> ServerStatus | None:
        state = self._running_state()
        return None if state is None else self._status(state)

    def _status(self, state: ServerState) -> ServerStatus:
        return self.status_type(
            pid=state.pid,
            socket=state.socket,
            started_at=state.started_at,
            pinned=self.paths.pin.exists(),
            clients=self.paths.live_clients(),
        )

    def _running_state(self) -> ServerState | None:
        """The running server's state; None (and no stale file) when none runs.

        A server that holds the files but stopped answering is stuck: it is ended,
        once shown to be this data dir's server."""
        if not self.paths.server_running():
            self.paths.state.unlink(missing_ok=True)  # stale: nobody holds the files
            return None
        state = self._trusted_state()
        if self.answers(state.socket, self.answer_s):
            return state
        self._end(state, STUCK_WAIT_S)
        return None

    def _trusted_state(self) -> ServerState:
        """``server.json`` once it names the running server; a damaged one is rewritten
        by the server itself within a moment."""
        deadline = time.monotonic() + REPAIR_WAIT_S
        while True:
            state = self.paths.read_state()
            if state is not None and self._proven(state) is not False:
                return state
            if time.monotonic() >= deadline:
                raise StorageError(
                    f"{self.what} of {self.paths.data_dir} is running, but "
                    f"{self.paths.state} does not say where; stop that server and try again"
                )
            time.sleep(0.05)

    def _proven(self, state: ServerState) -> bool | None:
        """Whether ``state.pid`` is this data dir's server (its start time and command
        line match); None where processes cannot be inspected (no /proc)."""
        if process_start(os.getpid()) is None:
            return None
        if state.proc_start is None or process_start(state.pid) != state.proc_start:
            return False
        args = process_args(state.pid)
        if self.module not in args or "--data-dir" not in args[:-1]:
            return False
        data_dir = args[args.index("--data-dir") + 1]
        return Path(data_dir).resolve() == self.paths.data_dir.resolve()

    def _end(self, state: ServerState, patience_s: float) -> None:
        """Ask the server to exit (a request file its watchdog reads: no signal), and wait
        ``patience_s`` for it to let go of its files. One that does not is killed, but
        only once its pid is shown to be this data dir's server."""
        self.paths.request_stop(state.pid)
        try:
            if self._let_go(patience_s):
                return
            if self._proven(state) is not True or not valid_pid(state.pid):
                raise StorageError(
                    f"{self.what} of {self.paths.data_dir} does not stop, and pid "
                    f"{state.pid} cannot be shown to be its server: stop that process by hand"
                )
            with contextlib.suppress(ProcessLookupError):  # it has just exited
                os.kill(state.pid, signal.SIGKILL)
            self._let_go(EXIT_WAIT_S)
        finally:
            self.paths.stop_request.unlink(missing_ok=True)
            if not self.paths.server_running():
                self.paths.state.unlink(missing_ok=True)

    def _let_go(self, timeout_s: float) -> bool:
        """Wait (bounded) for the server to exit and free its files; whether it did."""
        deadline = time.monotonic() + timeout_s
        while self.paths.server_running():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def _start(self) -> ServerStatus:
        self.paths.ensure()
        socket_path = self.paths.socket_for_new_server()
        roll_over_if_full(self.paths.log, *self.log_limits)
        with open_private(self.paths.log, "ab") as server_log:
            began = server_log.tell()  # where this server's own lines start
            process = subprocess.Popen(
                self.command(socket_path),
                stdin=subprocess.DEVNULL,
                stdout=server_log,
                stderr=server_log,
                start_new_session=True,  # a Ctrl-C at a terminal must not reach the server
                cwd=str(self.working_dir()),
                env=self.environment(),
                umask=PRIVATE_UMASK,  # its files are for this user alone
            )
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                reason = self._reason(began)
                raise StorageError(f"{self.what} did not start{reason} (see {self.paths.log})")
            state = self.paths.read_state()  # the server writes it before it listens
            if state is not None and state.pid == process.pid and self.answers(state.socket, 0.5):
                return self._status(state)
            time.sleep(0.05)
        process.kill()  # our own child
        process.wait()
        raise StorageError(
            f"{self.what} did not answer within {self.start_timeout_s:g} s (see {self.paths.log})"
        )

    def _reason(self, began: int) -> str:
        """Why a server that has just exited did not start: the ``error: ...`` line it
        wrote to its log (a message meant for the user), or nothing."""
        try:
            with open(self.paths.log, "rb") as log:
                log.seek(began)
                lines = log.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return ""
        said = [line.removeprefix(SAID) for line in lines if line.startswith(SAID)]
        return f": {said[-1][:300]}" if said else ""
