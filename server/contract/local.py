"""This machine's own box-office server: where a ``marquee serve`` of a data dir says it
listens, the files of the leased local server (``<data dir>/server/local``, see
:mod:`core.lease`), and the data dir's local token; shared by the server that writes
them and the clients that read them.

All live in ``<data dir>/server/`` (0700), so only the OS user who owns the data dir
can read them: that user is trusted to use the local server without pairing."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from core.lease.files import LeaseFiles

STATE_FILE = "running.json"
TOKEN_FILE = "local.token"
LOCAL_SERVER_MODULE = "server.local_serve"  # the leased local server's process
LOCAL_SOCKET = "api.sock"


def server_dir(data_dir: Path) -> Path:
    return data_dir / "server"


def token_path(data_dir: Path) -> Path:
    return server_dir(data_dir) / TOKEN_FILE


def state_path(data_dir: Path) -> Path:
    return server_dir(data_dir) / STATE_FILE


def local_server_files(data_dir: Path) -> LeaseFiles:
    """The leased local server's locks, state, leases, log and socket."""
    data_dir = Path(data_dir).absolute()
    root = server_dir(data_dir) / "local"
    return LeaseFiles(data_dir, root, "the local box-office server", LOCAL_SOCKET)


def read_local_token(data_dir: Path) -> str | None:
    try:
        return token_path(data_dir).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class RunningServer:
    pid: int
    url: str


def running_server(data_dir: Path) -> RunningServer | None:
    """The ``marquee serve`` of this data dir, if its process is alive."""
    try:
        state = json.loads(state_path(data_dir).read_text(encoding="utf-8"))
        found = RunningServer(pid=int(state["pid"]), url=str(state["url"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(found.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, someone else's: its files would not be readable by us either
    return found
