"""The embedded server's files in ``<data>/embedded``: the locks, the state, the leases.

``lock`` serialises starting, leasing and stopping. ``server.lock`` is held by the
running server for its whole life: it, not ``server.json``, says whether a server
owns the files. ``server.json`` only says where that server listens.
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
from core.repo.processes import pid_alive, valid_pid

NOTICE_AFTER_S = 1.0  # a wait for the lock longer than this is said

log = logging.getLogger("marquee.embedded")


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records: the server's pid, port, and when it started."""

    pid: int
    port: int
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
        pid, port = data.get("pid"), data.get("port")
        started_at, proc_start = data.get("started_at"), data.get("proc_start")
        if not valid_pid(pid) or type(port) is not int or not 0 < port < 65536:
            return None
        if type(started_at) not in (int, float) or not (
            proc_start is None or type(proc_start) is int
        ):
            return None
        return cls(pid, port, float(started_at), proc_start)


class EmbeddedServerPaths:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.root = self.data_dir / "embedded"
        self.database_dir = self.data_dir / "db"
        self.lock = self.root / "lock"
        self.server_lock = self.root / "server.lock"
        self.state = self.root / "server.json"
        self.clients = self.root / "clients"
        self.pin = self.root / "pinned"
        self.stop_request = self.root / "stop"  # holds the pid of the server asked to stop
        self.log = self.root / "server.log"

    def ensure(self) -> None:
        try:
            self.clients.mkdir(parents=True, exist_ok=True)
            self.database_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unusable_data_dir(self.data_dir, error) from None

    @contextlib.contextmanager
    def locked(self, timeout_s: float = 60.0) -> Iterator[None]:
        """Hold ``embedded/lock``. A wait of over a second is logged (the CLI shows it as
        a note); after ``timeout_s`` the wait ends in a StorageError."""
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
                    "process is starting or stopping the embedded database"
                )
            if waited >= NOTICE_AFTER_S and not told:
                told = True
                log.warning("waiting for another Marquee process to let go of %s", self.lock)
            time.sleep(0.05)

    def hold_server_lock(self) -> bool:
        """(In the server.) Take ``server.lock`` until this process ends; False if another
        server has it. The descriptor is never closed, so only the exit lets it go."""
        self.ensure()
        fd = os.open(self.server_lock, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        return True

    def server_running(self) -> bool:
        """Whether a server holds this data dir's files (it keeps ``server.lock``)."""
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
        partial.write_text(json.dumps(asdict(state)))
        partial.replace(self.state)

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
            return open(path, "a")
        except OSError as error:
            raise StorageError(f"cannot open {path}: {error.strerror}") from None
