"""A leased server's files in its directory (``<data>/embedded`` for the embedded
database, ``<data>/server/local`` for the local box-office server): the locks, the
state, the leases.

``lock`` serialises starting, leasing and stopping. ``server.lock`` is held by the
running server for its whole life: it, not ``server.json``, says whether a server
owns the files. ``server.json`` only says where that server listens (its Unix
socket). ``clients/<pid>`` is the lease of each process that uses the server,
``pinned`` keeps it running with none, and ``stop`` asks the server with that pid to
exit. Every directory here is 0700 and every file 0600 (see :mod:`core.private`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from core.errors import StorageError, unusable_data_dir
from core.private import PRIVATE_FILE, open_private, private_dir, write_private
from core.processes import pid_alive, valid_pid
from core.unix_socket import socket_for, valid_socket_path

NOTICE_AFTER_S = 1.0  # a wait for the lock longer than this is said

# What a command waiting for a lock has to say (the CLI shows it as a note).
log = logging.getLogger("marquee.lease")


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records: the server's pid, its socket, and when it started."""

    pid: int
    socket: str  # the path of its Unix socket
    started_at: float
    proc_start: int | None  # the pid's start in clock ticks since boot (Linux), to prove it

    @classmethod
    def parse(cls, text: str) -> ServerState | None:
        """The state in ``text``, or None for anything damaged, truncated or out of range."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        pid, socket = data.get("pid"), data.get("socket")
        started_at, proc_start = data.get("started_at"), data.get("proc_start")
        if not valid_pid(pid) or not valid_socket_path(socket):
            return None
        if (
            isinstance(started_at, bool)
            or not isinstance(started_at, int | float)
            or not (proc_start is None or type(proc_start) is int)
        ):
            return None
        return cls(pid, socket, float(started_at), proc_start)


class LeaseFiles:
    """The files of the server of ``data_dir`` kept in ``root``; ``what`` names that
    server in messages ("the embedded database"); it listens on ``socket_name``."""

    def __init__(self, data_dir: Path, root: Path, what: str, socket_name: str) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.root = root
        self.what = what
        self.socket_name = socket_name
        self.lock = root / "lock"
        self.server_lock = root / "server.lock"
        self.state = root / "server.json"
        self.clients = root / "clients"
        self.pin = root / "pinned"
        self.stop_request = root / "stop"  # holds the pid of the server asked to stop
        self.log = root / "server.log"

    def directories(self) -> tuple[Path, ...]:
        """The directories the server needs, parents first."""
        chain = [self.data_dir]
        for part in self.root.relative_to(self.data_dir).parts:
            chain.append(chain[-1] / part)
        return (*chain, self.clients)

    def ensure(self) -> None:
        """The data dir and the server's directories, there and private (0700)."""
        try:
            for directory in self.directories():
                private_dir(directory)
        except OSError as error:
            raise unusable_data_dir(self.data_dir, error) from None

    def socket_for_new_server(self) -> Path:
        """Where a server started now is to listen."""
        return socket_for(self.data_dir, self.root, self.socket_name)

    @contextlib.contextmanager
    def locked(self, timeout_s: float = 60.0) -> Iterator[None]:
        """Hold ``lock``. A wait of over a second is logged (the CLI shows it as a note);
        after ``timeout_s`` the wait ends in a StorageError."""
        self.ensure()
        with self._open(self.lock) as handle:
            self._wait_for(handle, timeout_s)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _wait_for(self, handle: IO, timeout_s: float) -> None:
        began = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            waited = time.monotonic() - began
            if waited >= timeout_s:
                raise StorageError(
                    f"gave up after {timeout_s:g} s waiting for {self.lock}: another Marquee "
                    f"process is starting or stopping {self.what}"
                )
            if waited >= NOTICE_AFTER_S and not told:
                told = True
                log.warning("waiting for another Marquee process to let go of %s", self.lock)
            time.sleep(0.05)

    def hold_server_lock(self) -> bool:
        """(In the server.) Take ``server.lock`` until this process ends; False if another
        server has it. The descriptor is never closed, so only the exit lets it go."""
        self.ensure()
        fd = os.open(self.server_lock, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        return True

    def server_running(self) -> bool:
        """Whether a server holds these files (it keeps ``server.lock``)."""
        with self._open(self.server_lock) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def stop_requested(self, pid: int) -> bool:
        """(In the server.) Whether a client has asked the server with ``pid`` to stop."""
        try:
            return self.stop_request.read_text().strip() == str(pid)
        except (OSError, UnicodeDecodeError):
            return False

    def read_state(self) -> ServerState | None:
        try:
            return ServerState.parse(self.state.read_text())
        except (OSError, UnicodeDecodeError):
            return None

    def write_state(self, state: ServerState) -> None:
        """Replace ``server.json`` at once: a reader sees the old file or the new one."""
        partial = self.state.with_name(f".server.json.{os.getpid()}")
        write_private(partial, json.dumps(asdict(state)))
        partial.replace(self.state)

    def lease(self) -> None:
        """Say that this process uses the server (see :meth:`live_clients`)."""
        (self.clients / str(os.getpid())).touch(mode=PRIVATE_FILE)

    def end_lease(self) -> None:
        (self.clients / str(os.getpid())).unlink(missing_ok=True)

    def request_stop(self, pid: int) -> None:
        write_private(self.stop_request, str(pid))

    def pin_server(self) -> None:
        self.pin.touch(mode=PRIVATE_FILE)

    def live_clients(self) -> tuple[int, ...]:
        """Pids of leasing processes still alive; leases of dead ones are removed."""
        alive = []
        for lease in self.clients.glob("*"):
            if lease.name.isdigit() and pid_alive(int(lease.name)):
                alive.append(int(lease.name))
            else:
                lease.unlink(missing_ok=True)
        return tuple(sorted(alive))

    @staticmethod
    def _open(path: Path) -> IO:
        try:
            return open_private(path)
        except OSError as error:
            raise StorageError(f"cannot open {path}: {error.strerror}") from None
