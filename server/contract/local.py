"""This machine's own box-office server: where a ``marquee serve`` of a data dir says it
listens, and the data dir's local token; shared by the server that writes them and
the clients that read them.

Both live in ``<data dir>/server/`` (0700), so only the OS user who owns the data dir
can read them: that user is trusted to use the local server without pairing."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "running.json"
TOKEN_FILE = "local.token"


def server_dir(data_dir: Path) -> Path:
    return data_dir / "server"


def token_path(data_dir: Path) -> Path:
    return server_dir(data_dir) / TOKEN_FILE


def state_path(data_dir: Path) -> Path:
    return server_dir(data_dir) / STATE_FILE


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
