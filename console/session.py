"""The signed-in sessions of this terminal's user, one per box-office server, in a file
only they can read.

A session belongs to the server that issued it: the box office at ``MARQUEE_SERVER``,
or this machine's own box office (named by its data dir). ``MARQUEE_TOKEN`` wins over
the stored session, for scripts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from client.private_json import config_dir, read_private, write_private

SESSION_FILE = "sessions.json"


def session_path() -> Path:
    return config_dir() / SESSION_FILE


def _sessions() -> dict[str, Any]:
    return read_private(session_path())


def stored_token(server: str) -> str | None:
    entry = _sessions().get(server)
    token = entry.get("token") if isinstance(entry, dict) else None
    return token if isinstance(token, str) else None


def _write(sessions: dict[str, Any]) -> Path:
    """Write the sessions with mode 0600 from the start (never readable by others)."""
    return write_private(session_path(), sessions)


def store(server: str, token: str, login: str) -> Path:
    sessions = _sessions()
    sessions[server] = {"token": token, "login": login}
    return _write(sessions)


def forget(server: str) -> str | None:
    """Drop the session kept for ``server``; its token, to be revoked, or None."""
    sessions = _sessions()
    entry = sessions.pop(server, None)
    if entry is None:
        return None
    _write(sessions)
    token = entry.get("token") if isinstance(entry, dict) else None
    return token if isinstance(token, str) else ""


def from_environment() -> bool:
    return bool(os.environ.get("MARQUEE_TOKEN"))


def current_token(server: str) -> str | None:
    return os.environ.get("MARQUEE_TOKEN") or stored_token(server)
