"""The embedded database: one nx-27017 server per data directory, shared by processes.

Every Marquee process that needs the embedded server *leases* it: it writes a file
named after its pid into ``<data>/embedded/clients``. The server process watches
those files; when no leasing process is alive any more (they exited or crashed)
and the server was not pinned by ``marquee db start``, it stops itself after a
short linger. So a second kiosk or the console reuses the running server, a
server is never stopped under a process that still uses it, and it is never
left orphaned. One lock file serialises starting, leasing and stopping.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from core.errors import StorageError, unusable_data_dir

HOST = "127.0.0.1"  # loopback only: the embedded server has no authentication


@dataclass(frozen=True)
class ServerStatus:
    pid: int
    port: int
    started_at: float
    pinned: bool
    clients: tuple[int, ...]

    @property
    def uri(self) -> str:
        return server_uri(self.port)


def server_uri(port: int) -> str:
    return f"mongodb://{HOST}:{port}/?directConnection=true"


def pid_alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # our own child that has exited: reaped now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """An exited process its parent has not reaped yet (Linux; elsewhere: assume not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] == "Z"


class EmbeddedServerPaths:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "embedded"
        self.database_dir = self.data_dir / "db"
        self.lock = self.root / "lock"
        self.state = self.root / "server.json"
        self.clients = self.root / "clients"
        self.pin = self.root / "pinned"
        self.log = self.root / "server.log"

    def ensure(self) -> None:
        try:
            self.clients.mkdir(parents=True, exist_ok=True)
            self.database_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unusable_data_dir(self.data_dir, error) from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.ensure()
        with open(self.lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_state(self) -> dict | None:
        try:
            return json.loads(self.state.read_text())
        except (OSError, ValueError):
            return None

    def live_clients(self) -> tuple[int, ...]:
        """Pids of leasing processes still alive; leases of dead ones are removed."""
        alive = []
        for lease in self.clients.glob("*"):
            if lease.name.isdigit() and pid_alive(int(lease.name)):
                alive.append(int(lease.name))
            else:
                lease.unlink(missing_ok=True)
        return tuple(sorted(alive))


class EmbeddedServer:
    """Start, lease, inspect and stop the shared embedded server of one data dir."""

    def __init__(self, data_dir: Path, start_timeout_s: float = 20.0, linger_s: float = 3.0):
        self.paths = EmbeddedServerPaths(data_dir)
        self.start_timeout_s = start_timeout_s
        self.linger_s = linger_s
        self._leased = 0

    # -- leasing, for every process that uses the database --------------------
    def acquire(self) -> str:
        """Lease the running server, starting it first if needed; returns its URI."""
        with self.paths.locked():
            status = self._running_status()
            if status is None:
                status = self._start()
            (self.paths.clients / str(os.getpid())).touch()
            self._leased += 1
            return status.uri

    def release(self) -> None:
        if self._leased == 0:
            return
        self._leased -= 1
        if self._leased == 0:
            (self.paths.clients / str(os.getpid())).unlink(missing_ok=True)

    # -- administration: marquee db status|start|stop -------------------------
    def status(self) -> ServerStatus | None:
        with self.paths.locked():
            return self._running_status()

    def start_pinned(self) -> ServerStatus:
        """Start (or keep) the server and pin it so it runs with no client."""
        with self.paths.locked():
            self.paths.pin.touch()
            return self._running_status() or self._start()

    def stop(self, force: bool = False) -> ServerStatus | None:
        """Unpin and stop the server; refuses while other processes use it."""
        with self.paths.locked():
            status = self._running_status()
            self.paths.pin.unlink(missing_ok=True)
            if status is None:
                return None
            users = [pid for pid in status.clients if pid != os.getpid()]
            if users and not force:
                pids = ", ".join(map(str, users))
                raise StorageError(
                    f"the embedded database is in use by {len(users)} process(es) "
                    f"(pid {pids}); it stops by itself when they exit, or use --force"
                )
            os.kill(status.pid, signal.SIGTERM)
            self._wait_for_exit(status.pid)
            self.paths.state.unlink(missing_ok=True)
            return status

    # -- internals (called with the lock held) --------------------------------
    def _running_status(self) -> ServerStatus | None:
        state = self.paths.read_state()
        if not state or not pid_alive(state["pid"]) or not _answers_ping(state["port"], 2.0):
            if state and pid_alive(state["pid"]):
                # A server that holds the pid but stopped answering is stuck: end it.
                os.kill(state["pid"], signal.SIGKILL)
            self.paths.state.unlink(missing_ok=True)
            return None
        return ServerStatus(
            pid=state["pid"],
            port=state["port"],
            started_at=state["started_at"],
            pinned=self.paths.pin.exists(),
            clients=self.paths.live_clients(),
        )

    def _start(self) -> ServerStatus:
        self.paths.ensure()
        port = _free_port()
        command = [
            sys.executable,
            "-m",
            "core.repo.embedded_serve",
            "--data-dir",
            str(self.paths.data_dir),
            "--port",
            str(port),
            "--linger",
            str(self.linger_s),
        ]
        with open(self.paths.log, "ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # a Ctrl-C at a kiosk must not reach the server
                cwd=str(Path(__file__).resolve().parents[2]),
            )
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StorageError(f"the embedded database did not start (see {self.paths.log})")
            if _answers_ping(port, 0.5):
                break
            time.sleep(0.05)
        else:
            process.kill()
            raise StorageError(
                f"the embedded database did not answer within {self.start_timeout_s:g} s "
                f"(see {self.paths.log})"
            )
        started_at = time.time()
        state = {"pid": process.pid, "port": port, "started_at": started_at}
        self.paths.state.write_text(json.dumps(state))
        return ServerStatus(process.pid, port, started_at, self.paths.pin.exists(), ())

    @staticmethod
    def _wait_for_exit(pid: int, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _answers_ping(port: int, timeout_s: float) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout_s):
            pass
    except OSError:
        return False
    timeout_ms = int(timeout_s * 1000)
    client: MongoClient = MongoClient(
        server_uri(port), serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()
